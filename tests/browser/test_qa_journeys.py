"""A live panel in three browsers: a participant asks and votes, the moderator approves, the
panelist takes the question on stage and answers it, and no page is reloaded on the way."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from fair.core.accounts.actions import log_in as open_login
from fair.core.accounts.inputs import Credentials
from fair.core.accounts.queries import viewer_for
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.qa import actions
from fair.qa.inputs import Ask, Decision
from fair.qa.queries import panel_id_for
from tests.browser.helpers import log_in, record_loads, same_after_reload, wait_until_live
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

PANEL = "/panels/remittances-that-build"
THEIRS = "Could remittance fees be capped by law, as some countries do for card payments?"
MINE = "Does sending money through a hometown association cost less than sending it alone?"
ANSWER = "Often, yes: pooled transfers pay one fee instead of twenty."


async def demo_viewer(db: Database, email: str, password: str) -> Viewer:
    """The viewer of a fresh login of a demo account."""
    token, _user = await open_login(db, Credentials(email=email, password=password))
    return await viewer_for(db, token, f"setup-{email}")


def questions(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Questions\b"))


def question(page: Page, text: str) -> Locator:
    """The published question with `text` on the panel page."""
    return questions(page).get_by_role("listitem").filter(has_text=text)


async def test_a_question_goes_from_participant_to_moderator_to_stage_and_back_live(
    browser: Browser, site: RunningServer
) -> None:
    """Asked and voted in one browser, approved in a second, answered from the stage in a third:
    the participant sees each step without reloading, and the same page after a reload."""
    db = site.services.db
    panel_id = await panel_id_for(db, PANEL.rsplit("/", 1)[1])
    jorge = await demo_viewer(db, "exhibitor@demo.fair", "demo-exhibitor")
    kofi = await demo_viewer(db, "moderator@demo.fair", "demo-moderator")
    theirs = await actions.ask_question(db, jorge, Ask(panel_id=panel_id, text=THEIRS))
    await actions.decide(db, kofi, Decision(question_id=theirs.id, approve=True))

    participant, moderator, panelist = [
        await browser.new_context(timezone_id=zone)
        for zone in ("Africa/Dakar", "Africa/Accra", "Europe/Berlin")
    ]
    amina, queue, stage = (
        await participant.new_page(),
        await moderator.new_page(),
        await panelist.new_page(),
    )
    await log_in(amina, site.base_url, "participant@demo.fair", "demo-participant", PANEL)
    await log_in(queue, site.base_url, "moderator@demo.fair", "demo-moderator", f"{PANEL}/moderate")
    await log_in(stage, site.base_url, "panelist@demo.fair", "demo-panelist", f"{PANEL}/stage")
    for page in (amina, queue, stage):
        await wait_until_live(page)
    loads = [await record_loads(page) for page in (amina, queue, stage)]

    # Amina votes for Jorge's question and asks her own.
    vote = question(amina, THEIRS).get_by_role("button", name="Vote for this question")
    await expect(vote).to_have_attribute("aria-pressed", "false")
    await vote.click()
    await expect(vote).to_have_attribute("aria-pressed", "true")
    await expect(question(amina, THEIRS).get_by_label("votes")).to_have_text("1")
    await amina.get_by_role("textbox", name="Your question").fill(MINE)
    await amina.get_by_role("button", name="Send my question").click()
    await expect(amina.get_by_role("textbox", name="Your question")).to_have_value("")
    mine = amina.get_by_role("region", name="Your questions")
    await expect(mine.get_by_role("listitem").filter(has_text=MINE)).to_contain_text(
        "Waiting for a moderator"
    )
    await expect(question(amina, MINE)).to_have_count(0)

    # Kofi sees it arrive in his queue and approves it.
    waiting = queue.get_by_role("region", name=re.compile(r"^Waiting for a decision"))
    pending = waiting.get_by_role("listitem").filter(has_text=MINE)
    await expect(pending).to_contain_text("Amina Diallo")
    await pending.get_by_role("button", name="Approve").click()
    await expect(waiting.get_by_text(MINE)).to_have_count(0)
    published = queue.get_by_role("region", name=re.compile(r"^Published"))
    await expect(published.get_by_role("listitem").filter(has_text=MINE)).to_be_visible()

    # Amina's question appears for her.
    await expect(question(amina, MINE)).to_contain_text("Amina Diallo")
    await expect(mine.get_by_role("listitem").filter(has_text=MINE)).to_contain_text("Published")

    # Dr. Vogel takes it on stage; Amina sees the highlight.
    on_stage = (
        stage.get_by_role("region", name="Questions by votes")
        .get_by_role("listitem")
        .filter(has_text=MINE)
    )
    await on_stage.get_by_role("button", name="Answer this now").click()
    await expect(on_stage.get_by_role("button", name="Answered")).to_be_visible()
    now = amina.get_by_role("heading", name="Answering now")
    await expect(now).to_be_visible()
    await expect(question(amina, MINE)).to_have_class(re.compile(r"\banswering\b"))
    await expect(question(amina, MINE).get_by_text("Answering now")).to_be_visible()
    await expect(question(amina, THEIRS).get_by_text("Answering now")).to_be_hidden()

    # She writes the answer; Amina reads it and the highlight ends.
    await on_stage.get_by_text("Write an answer").click()
    await on_stage.get_by_label("Answer", exact=True).fill(ANSWER)
    await on_stage.get_by_role("button", name="Publish the answer").click()
    await expect(stage.get_by_role("region", name="Questions by votes")).to_contain_text(
        f"{MINE} — {ANSWER}"
    )
    await expect(question(amina, MINE)).to_contain_text(f"Answer: {ANSWER}")
    await expect(now).to_be_hidden()
    await expect(question(amina, MINE)).not_to_have_class(re.compile(r"\banswering\b"))
    await expect(mine.get_by_role("listitem").filter(has_text=MINE)).to_contain_text(ANSWER)
    assert loads == [[], [], []]

    # After a reload Amina's page reads the same.
    await same_after_reload(amina, questions(amina))
    await expect(now).to_be_hidden()
    await expect(question(amina, MINE)).to_contain_text(f"Answer: {ANSWER}")
    await expect(vote).to_have_attribute("aria-pressed", "true")
    for context in (participant, moderator, panelist):
        await context.close()
