"""The synthesis and the handbook in three browsers: the moderator writes a closed round's
synthesis citing two posts and publishes it, a participant sees it arrive live; then the
organiser asks for the handbook, watches it being built and downloads HTML and Markdown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from discussions.actions import posts, setup
from discussions.inputs import DiscussionCreation, Posting, RoundRef, ThemeCreation
from discussions.settings import DiscussionsSettings
from fair.core.accounts.demo import demo_viewer
from fair.core.accounts.viewers import SYSTEM
from tests.browser.helpers import log_in, record_loads, same_after_reload, wait_until_live
from tests.conftest import DemoFair
from tests.support.discussions import round_in
from tests.support.servers import RunningServer, serve

pytestmark = pytest.mark.browser

FIRST = "Joint committees kept our partnership honest."
SECOND = "Shared accounts, read aloud at the village meeting."


@pytest.fixture
async def site(demo_fair: DemoFair, tmp_path: Path) -> AsyncIterator[RunningServer]:
    """The demo fair on a server whose jobs poll quickly, handbooks written under tmp_path."""
    settings = demo_fair.settings(
        job_poll_seconds=0.2,
        job_lease_seconds=2.0,
        job_intervals=("discussions.handbook_exports=0.2",),
    ).with_section(DiscussionsSettings, handbook_dir=str(tmp_path))
    async with serve(settings) as running:
        yield running


async def closed_discussion(site: RunningServer) -> tuple[str, list[int]]:
    """A new demo discussion run by the demo moderator, its one round closed after the demo
    participant and exhibitor each posted; its address and the two posts."""
    db = site.services.db
    theme = await setup.create_theme(db, SYSTEM, ThemeCreation(name="Lessons for the forum"))
    talk = await setup.create_discussion(
        db,
        SYSTEM,
        DiscussionCreation(
            theme_id=theme.id, title="What we learnt", moderators=["moderator@demo.fair"]
        ),
    )
    round_id = await round_in(db, talk.id)
    made = []
    for email, body in (("participant@demo.fair", FIRST), ("exhibitor@demo.fair", SECOND)):
        author = await demo_viewer(db, email)
        made.append(
            (await posts.post_contribution(db, author, Posting(round_id=round_id, body=body))).id
        )
    await setup.close_round(db, SYSTEM, RoundRef(round_id=round_id))
    return f"/discussions/{talk.slug}", made


async def test_a_published_synthesis_reaches_a_participant_live_and_goes_into_the_handbook(
    browser: Browser, site: RunningServer
) -> None:
    """The moderator cites one post inline and ticks another, saves, publishes; the participant
    sees the synthesis and both "cited" marks without reloading; the organiser's export
    appears and completes live, and its HTML and Markdown hold the synthesis."""
    address, (first, second) = await closed_discussion(site)
    contexts = [await browser.new_context() for _ in range(3)]
    moderator, participant, organiser = [await c.new_page() for c in contexts]
    await log_in(moderator, site.base_url, "moderator@demo.fair", "demo-moderator", address)
    await log_in(participant, site.base_url, "participant@demo.fair", "demo-participant", address)
    for page in (moderator, participant):
        await wait_until_live(page)
    loads = await record_loads(participant)

    await moderator.get_by_label("Synthesis (Markdown", exact=False).fill(
        f"Partnerships last when they are **accountable** [[{first}]]."
    )
    await moderator.get_by_role("checkbox", name=f"[[{second}]]").check()
    await moderator.get_by_role("button", name="Save the draft").click()
    publish = moderator.get_by_role("button", name="Publish the synthesis")
    await expect(publish).to_be_visible()
    await expect(participant.locator("#synthesis-1")).to_have_count(0)
    await publish.click()

    synthesis = participant.locator("#synthesis-1")
    await expect(synthesis).to_contain_text("Partnerships last when they are accountable")
    await expect(synthesis.get_by_role("link", name="[1]")).to_have_attribute(
        "href", f"#post-{first}"
    )
    await expect(synthesis.get_by_role("link", name="[2]")).to_have_attribute(
        "href", f"#post-{second}"
    )
    await expect(participant.get_by_role("link", name="Cited in the synthesis")).to_have_count(2)
    await expect(participant.locator(".chip.state-synthesised")).to_have_count(1)
    assert loads == []
    await same_after_reload(participant, participant.locator("[data-section=rounds]"))

    await log_in(
        organiser, site.base_url, "organiser@demo.fair", "demo-organiser", "/discussions/handbook"
    )
    await wait_until_live(organiser)
    organiser_loads = await record_loads(organiser)
    await organiser.get_by_label("What to export").select_option(label="The whole fair")
    await organiser.get_by_role("button", name="Build the handbook").click()
    export = organiser.locator("[data-export-id]").first
    await expect(export).to_be_visible()
    await expect(export).to_have_attribute("data-state", "done", timeout=30_000)
    assert organiser_loads == []

    async with organiser.expect_download() as waiting:
        await export.get_by_role("link", name="Markdown").click()
    markdown = Path(await (await waiting.value).path()).read_text(encoding="utf-8")
    assert markdown.startswith("# A handbook of good practice")
    assert "Partnerships last when they are **accountable**" in markdown
    assert FIRST in markdown and SECOND in markdown

    await export.get_by_role("link", name="HTML (to print)").click()
    await expect(organiser.get_by_role("heading", level=1)).to_have_text(
        "A handbook of good practice"
    )
    await expect(organiser.get_by_role("heading", name="What we learnt")).to_be_visible()
    await expect(organiser.locator(f"#post-{first}")).to_contain_text(FIRST)
    for context in contexts:
        await context.close()
