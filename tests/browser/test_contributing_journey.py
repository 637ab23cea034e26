"""Contributing in two browsers: a reaction and a quote reach the other participant live, and
a post typed while offline is kept, sent when the connection is back, and arrives once."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Locator, Page, expect
from sqlalchemy import func, select

from discussions.models import Contribution
from tests.browser.helpers import log_in, same_after_reload, wait_until_live
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

DISCUSSION = "/discussions/partnerships-for-development"
THREAD = "Hometown associations that publish their accounts keep donors for years."
QUOTING = "Publishing accounts is exactly what our village committee started doing."
OFFLINE = "Typed on a bus with no signal: savings groups need a safe box and a ledger."


def current_round(page: Page) -> Locator:
    return page.get_by_role("region", name="Round 2 Open")


def post(page: Page, text: str) -> Locator:
    return (
        current_round(page)
        .locator("article.post")
        .filter(has=page.locator("[data-body]", has_text=text))
    )


async def count_posts(site: RunningServer, body: str) -> int:
    async with site.services.db.reading() as session:
        found = await session.scalar(
            select(func.count()).select_from(Contribution).where(Contribution.body == body)
        )
    return found or 0


async def test_a_reaction_a_quote_and_an_offline_post_reach_the_other_participant(
    browser: Browser, site: RunningServer
) -> None:
    """Amina posts; Jorge finds it useful (shown pressed) and quotes it; Amina sees the count
    and the quote live. Jorge then types a post while offline: it is kept, sent when he is
    back, and arrives once for both; both pages read the same after a reload."""
    first, second = await browser.new_context(), await browser.new_context()
    amina, jorge = await first.new_page(), await second.new_page()
    await log_in(amina, site.base_url, "participant@demo.fair", "demo-participant", DISCUSSION)
    await log_in(jorge, site.base_url, "exhibitor@demo.fair", "demo-exhibitor", DISCUSSION)
    for page in (amina, jorge):
        await wait_until_live(page)

    await current_round(amina).get_by_label("Start a new thread (Markdown)").fill(THREAD)
    await current_round(amina).get_by_role("button", name="Post", exact=True).click()
    await expect(post(jorge, THREAD)).to_have_count(1)
    await expect(post(amina, THREAD).get_by_role("button", name="Useful")).to_have_count(0)

    useful = post(jorge, THREAD).get_by_role("button", name="Useful")
    await useful.click()
    await expect(useful).to_have_attribute("aria-pressed", "true")
    await expect(post(amina, THREAD).locator("[data-reaction-useful]")).to_have_text("1")

    await post(jorge, THREAD).get_by_role("link", name="Quote").click()
    compose = jorge.locator("#compose")
    await expect(compose.locator("[data-quoting]")).to_be_visible()
    await expect(compose.locator("[data-quoting-excerpt]")).to_have_text(THREAD)
    await compose.get_by_label("Start a new thread (Markdown)").fill(QUOTING)
    await compose.get_by_role("button", name="Post", exact=True).click()
    await expect(compose.locator("[data-quoting]")).to_be_hidden()
    quoting = post(amina, QUOTING)
    await expect(quoting.locator("[data-quote-excerpt]")).to_have_text(THREAD)
    quoted_id = await post(amina, THREAD).get_attribute("id")
    await expect(quoting.get_by_role("link", name="Amina Diallo wrote")).to_have_attribute(
        "href", f"#{quoted_id}"
    )

    await second.set_offline(True)
    await jorge.evaluate("window.fairLive.socket && window.fairLive.socket.close()")
    await expect(jorge.locator("[data-live-status]")).not_to_have_attribute("data-state", "live")
    await compose.get_by_label("Start a new thread (Markdown)").fill(OFFLINE)
    await compose.get_by_role("button", name="Post", exact=True).click()
    await expect(compose.locator("[data-outbox-status]")).to_be_visible()
    await expect(compose.get_by_label("Start a new thread (Markdown)")).to_have_value(OFFLINE)
    assert OFFLINE in await jorge.evaluate("JSON.stringify(sessionStorage)")
    assert await count_posts(site, OFFLINE) == 0

    await second.set_offline(False)
    await wait_until_live(jorge)
    await expect(post(amina, OFFLINE)).to_have_count(1)
    await expect(post(jorge, OFFLINE)).to_have_count(1)
    await expect(compose.locator("[data-outbox-status]")).to_be_hidden()
    await expect(compose.get_by_label("Start a new thread (Markdown)")).to_have_value("")
    assert await count_posts(site, OFFLINE) == 1
    assert OFFLINE not in await jorge.evaluate("JSON.stringify(sessionStorage)")

    for page in (amina, jorge):
        await same_after_reload(page, current_round(page).locator("[data-threads]"))
    await expect(post(jorge, OFFLINE)).to_have_count(1)
    for context in (first, second):
        await context.close()
