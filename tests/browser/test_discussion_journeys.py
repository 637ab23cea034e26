"""A demo discussion in two browsers: one participant starts a thread, the other replies and
takes a stance; each sees the other's steps live, and the same page after a reload."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.browser.helpers import log_in, record_loads, same_after_reload, wait_until_live
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

DISCUSSION = "/discussions/partnerships-for-development"
THREAD = "Diaspora engineers mentoring local technicians kept our water project going."
REPLY = "Mentoring by phone worked for us too, once a month."


def current_round(page: Page) -> Locator:
    return page.get_by_role("region", name="Round 2 Open")


def thread(page: Page, text: str) -> Locator:
    return current_round(page).locator(".thread").filter(has_text=text)


async def test_a_thread_and_its_reply_and_stance_appear_live_for_each_participant(
    browser: Browser, site: RunningServer
) -> None:
    """Amina posts a thread, Jorge sees it and replies and agrees, Amina sees both without
    reloading; both pages read the same after a reload."""
    first, second = [
        await browser.new_context(timezone_id=z) for z in ("Africa/Dakar", "Europe/Madrid")
    ]
    amina, jorge = await first.new_page(), await second.new_page()
    await log_in(amina, site.base_url, "participant@demo.fair", "demo-participant", DISCUSSION)
    await log_in(jorge, site.base_url, "exhibitor@demo.fair", "demo-exhibitor", DISCUSSION)
    for page in (amina, jorge):
        await wait_until_live(page)
    loads = [await record_loads(page) for page in (amina, jorge)]

    await current_round(amina).get_by_label("Start a new thread (Markdown)").fill(THREAD)
    await current_round(amina).get_by_role("button", name="Post", exact=True).click()
    await expect(current_round(amina).get_by_label("Start a new thread (Markdown)")).to_have_value(
        ""
    )
    await expect(thread(amina, THREAD)).to_have_count(1)

    await expect(thread(jorge, THREAD)).to_have_count(1)
    await thread(jorge, THREAD).get_by_label("Your reply").fill(REPLY)
    await thread(jorge, THREAD).get_by_role("button", name="Reply").click()
    agree = (
        thread(jorge, THREAD)
        .locator("article.post")
        .first.get_by_role("button", name="Agree", exact=True)
    )
    await agree.click()
    await expect(agree).to_have_attribute("aria-pressed", "true")

    await expect(thread(amina, THREAD)).to_contain_text(REPLY)
    await expect(thread(amina, THREAD).locator("[data-reply-count]")).to_have_text("1")
    root = thread(amina, THREAD).locator("article.post").first
    await expect(root.locator("[data-stance-agree]")).to_have_text("1")
    assert loads == [[], []]

    for page in (amina, jorge):
        await same_after_reload(page, current_round(page).locator("[data-threads]"))
    for context in (first, second):
        await context.close()
