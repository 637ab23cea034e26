"""A whole round in four browsers: the moderator opens it, two participants post and reply,
one reports a post, the moderator hides it with a reason, closes the round and publishes a
synthesis citing two posts; the participants see each step live; the organiser then
downloads the handbook, whose citations are the two posts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from discussions.actions import setup
from discussions.inputs import DiscussionCreation, ThemeCreation
from discussions.rules import RoundState
from discussions.settings import DiscussionsSettings
from fair.core.accounts.viewers import SYSTEM
from tests.browser.helpers import log_in, record_loads, same_after_reload, wait_until_live
from tests.conftest import DemoFair
from tests.support.discussions import round_in
from tests.support.servers import RunningServer, serve

pytestmark = pytest.mark.browser

THREAD = "Remittance committees should publish their accounts every month."
REPLY = "And read them aloud at the village meeting, for those who cannot read."
OFF_TOPIC = "Buy cheap phone credit at my shop, best prices in town!"
REASON = "Advertising is not part of this discussion."


@pytest.fixture
async def site(demo_fair: DemoFair, tmp_path: Path) -> AsyncIterator[RunningServer]:
    """The demo fair's accounts on a server whose jobs poll quickly, handbooks in tmp_path."""
    settings = demo_fair.settings(
        job_poll_seconds=0.2,
        job_lease_seconds=2.0,
        job_intervals=("discussions.handbook_exports=0.2",),
    ).with_section(DiscussionsSettings, handbook_dir=str(tmp_path))
    async with serve(settings) as running:
        yield running


async def planned_discussion(site: RunningServer) -> str:
    """A new discussion run by the demo moderator with one planned round; its address."""
    db = site.services.db
    theme = await setup.create_theme(db, SYSTEM, ThemeCreation(name="Accountable partnerships"))
    talk = await setup.create_discussion(
        db,
        SYSTEM,
        DiscussionCreation(
            theme_id=theme.id, title="Money that builds trust", moderators=["moderator@demo.fair"]
        ),
    )
    await round_in(db, talk.id, RoundState.PLANNED, opens_in=timedelta(days=1))
    return f"/discussions/{talk.slug}"


def post(page: Page, text: str) -> Locator:
    return page.locator("article.post").filter(has_text=text)


async def post_id(page: Page, text: str) -> int:
    return int(await post(page, text).first.get_attribute("data-post-id") or 0)


async def test_a_round_from_opening_to_its_handbook_is_followed_live_by_everyone(
    browser: Browser, site: RunningServer
) -> None:
    """Each step reaches the other pages without a reload; the hidden post leaves the
    participants' pages (its author reads why); the handbook cites exactly the two posts."""
    address = await planned_discussion(site)
    contexts = [await browser.new_context() for _ in range(4)]
    mona, amina, jorge, sofia = [await context.new_page() for context in contexts]
    await log_in(mona, site.base_url, "moderator@demo.fair", "demo-moderator", address)
    await log_in(amina, site.base_url, "participant@demo.fair", "demo-participant", address)
    await log_in(jorge, site.base_url, "exhibitor@demo.fair", "demo-exhibitor", address)
    for page in (mona, amina, jorge):
        await wait_until_live(page)
    loads = [await record_loads(page) for page in (amina, jorge)]

    await mona.get_by_role("button", name="Open the round now").click()
    compose = amina.get_by_label("Start a new thread (Markdown)")
    await expect(compose).to_be_visible()
    await compose.fill(THREAD)
    await amina.get_by_role("button", name="Post", exact=True).click()

    await expect(post(jorge, THREAD)).to_have_count(1)
    thread = jorge.locator(".thread").filter(has_text=THREAD)
    await thread.get_by_label("Your reply").fill(REPLY)
    await thread.get_by_role("button", name="Reply").click()
    await jorge.get_by_label("Start a new thread (Markdown)").fill(OFF_TOPIC)
    await jorge.get_by_role("button", name="Post", exact=True).click()
    await expect(post(amina, REPLY)).to_have_count(1)
    await expect(post(amina, OFF_TOPIC)).to_have_count(1)

    await post(amina, OFF_TOPIC).get_by_text("Report", exact=True).click()
    await post(amina, OFF_TOPIC).get_by_label("Why?").select_option("spam")
    await post(amina, OFF_TOPIC).get_by_role("button", name="Send the report").click()
    await expect(post(amina, OFF_TOPIC).locator("[data-report-done]")).to_be_visible()

    spam = post(mona, OFF_TOPIC)
    await spam.get_by_text("Hide", exact=True).click()
    await spam.get_by_label("Why? (the author is told)").fill(REASON)
    await spam.get_by_role("button", name="Hide the post").click()
    await expect(post(amina, OFF_TOPIC)).to_have_count(0)
    await expect(jorge.locator("[data-moderation-notice]")).to_contain_text(REASON)

    cited = [await post_id(mona, THREAD), await post_id(mona, REPLY)]
    await mona.get_by_role("button", name="Close the round now").click()
    await mona.get_by_label("Synthesis (Markdown", exact=False).fill(
        f"Publish the accounts [[{cited[0]}]], and read them aloud [[{cited[1]}]]."
    )
    await mona.get_by_role("button", name="Save the draft").click()
    await mona.get_by_role("button", name="Publish the synthesis").click()
    for page in (amina, jorge):
        synthesis = page.locator("#synthesis-1")
        await expect(synthesis).to_contain_text("Publish the accounts")
        await expect(synthesis.get_by_role("link", name="[2]")).to_have_attribute(
            "href", f"#post-{cited[1]}"
        )
        # The reply's mark sits in its thread's folded replies: count it, visible or not.
        await expect(page.locator(".cited-in a")).to_have_count(2)
    assert loads == [[], []]
    await same_after_reload(amina, amina.locator("[data-section=rounds]"))
    await expect(amina.get_by_text(OFF_TOPIC)).to_have_count(0)

    await log_in(
        sofia, site.base_url, "organiser@demo.fair", "demo-organiser", "/discussions/handbook"
    )
    await wait_until_live(sofia)
    await sofia.get_by_label("What to export").select_option(
        label="Theme: Accountable partnerships"
    )
    await sofia.get_by_role("button", name="Build the handbook").click()
    export = sofia.locator("[data-export-id]").first
    await expect(export).to_have_attribute("data-state", "done", timeout=30_000)
    async with sofia.expect_download() as waiting:
        await export.get_by_role("link", name="Markdown").click()
    markdown = Path(await (await waiting.value).path()).read_text(encoding="utf-8")
    assert "Money that builds trust" in markdown
    assert THREAD in markdown and REPLY in markdown
    assert OFF_TOPIC not in markdown
    for context in contexts:
        await context.close()
