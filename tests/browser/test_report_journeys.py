"""Reporting in three browsers: a participant reports a post, the moderator sees it arrive in
the review queue live and hides it with a reason; the participant's page loses the post live
and its author is told why."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.browser.helpers import log_in, wait_until_live
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

DISCUSSION = "/discussions/partnerships-for-development"
POST = "Regular reporting back to the community, in its own language, keeps trust."
REASON = "Off-topic for this round: please post it in the next one."


def post(page: Page) -> Locator:
    return page.locator("article.post").filter(has_text=POST)


async def test_a_reported_post_is_hidden_from_the_queue_and_leaves_live(
    browser: Browser, site: RunningServer
) -> None:
    """Amina reports Jorge's post; the moderator's queue shows it without a reload, the
    moderator hides it with a reason; Amina's page loses it live and Jorge reads why."""
    contexts = [await browser.new_context() for _ in range(3)]
    amina, jorge, mona = [await context.new_page() for context in contexts]
    await log_in(amina, site.base_url, "participant@demo.fair", "demo-participant", DISCUSSION)
    await log_in(jorge, site.base_url, "exhibitor@demo.fair", "demo-exhibitor", DISCUSSION)
    await log_in(mona, site.base_url, "moderator@demo.fair", "demo-moderator", "/moderate/reports")
    for page in (amina, jorge, mona):
        await wait_until_live(page)
    queue = mona.locator(".queue-item").filter(has_text=POST)
    await expect(queue).to_have_count(0)
    await expect(mona.get_by_role("link", name="Review queue")).to_be_visible()

    await post(amina).get_by_text("Report", exact=True).click()
    await post(amina).get_by_label("Why?").select_option("off_topic")
    await post(amina).get_by_role("button", name="Send the report").click()
    await expect(post(amina).locator("[data-report-done]")).to_be_visible()

    await expect(queue).to_have_count(1)
    await expect(queue).to_contain_text("Off-topic (1)")
    await queue.get_by_label("Reason for hiding").fill(REASON)
    await queue.get_by_role("button", name="Hide", exact=True).click()
    await expect(mona.locator(".hidden-item").filter(has_text=POST)).to_contain_text(REASON)

    await expect(post(amina)).to_have_count(0)
    await expect(jorge.locator("[data-moderation-notice]")).to_contain_text(REASON)
    await expect(post(jorge).locator("[data-hidden-mark]")).to_contain_text(REASON)
    await amina.reload()
    await expect(amina.get_by_text(POST)).to_have_count(0)
    for context in contexts:
        await context.close()
