"""What a screen reader hears on a live panel, and where the keyboard's focus stays: a newly
published question and a vote count are announced once, politely, in the page's language,
and the vote button pressed keeps focus while its question moves up the list."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from fair.core.accounts.actions import log_in as open_login
from fair.core.accounts.inputs import Credentials
from fair.core.accounts.queries import viewer_for
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.i18n import translations_for
from fair.core.security import LOGIN_COOKIE
from fair.qa import actions
from fair.qa.inputs import Ask, Decision, VoteInput
from fair.qa.queries import panel_id_for
from tests.browser.helpers import wait_until_live
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

SLUG = "remittances-that-build"
NEW = "Which corridors still charge more than five per cent to send home?"


async def demo_login(db: Database, email: str, password: str) -> tuple[str, Viewer]:
    """A fresh login of a demo account: its cookie token and its viewer."""
    token, _user = await open_login(db, Credentials(email=email, password=password))
    return token, await viewer_for(db, token, f"setup-{email}")


async def published_question(db: Database, panel_id: int) -> int:
    """A question the exhibitor asks and the moderator approves: it is published then."""
    _token, jorge = await demo_login(db, "exhibitor@demo.fair", "demo-exhibitor")
    _token, kofi = await demo_login(db, "moderator@demo.fair", "demo-moderator")
    asked = await actions.ask_question(db, jorge, Ask(panel_id=panel_id, text=NEW))
    await actions.decide(db, kofi, Decision(question_id=asked.id, approve=True))
    return asked.id


async def test_a_new_question_and_its_votes_are_announced_in_french(
    browser: Browser, site: RunningServer
) -> None:
    """A French visitor's announcer says "Nouvelle question : …" when one is published, then
    "1 vote pour : …" when a vote arrives; the "answering now" box is no second live region."""
    db = site.services.db
    panel_id = await panel_id_for(db, SLUG)
    french = translations_for("fr")
    context = await browser.new_context(locale="fr-FR")
    page = await context.new_page()
    await page.goto(f"{site.base_url}/panels/{SLUG}")
    await wait_until_live(page)
    announcer = page.locator("[data-live-announcer]")
    await expect(page.locator("[data-now]")).not_to_have_attribute("aria-live", "polite")

    question_id = await published_question(db, panel_id)
    said = french.gettext("New question: %(question)s") % {"question": NEW}
    assert said.startswith("Nouvelle question")
    await expect(announcer).to_have_text(said)

    _token, amina = await demo_login(db, "participant@demo.fair", "demo-participant")
    await actions.vote(db, amina, VoteInput(question_id=question_id))
    said = french.gettext("%(count)s vote for: %(question)s") % {"count": 1, "question": NEW}
    assert said.startswith("1 vote pour")
    await expect(announcer).to_have_text(said)
    await context.close()


async def test_the_vote_button_keeps_focus_as_its_question_moves_up(
    browser: Browser, site: RunningServer
) -> None:
    """Amina votes from the keyboard for the newest question; as votes lift it above the
    others (the list re-sorted live), the same button stays focused, never <body>."""
    db = site.services.db
    panel_id = await panel_id_for(db, SLUG)
    question_id = await published_question(db, panel_id)
    token, _amina = await demo_login(db, "participant@demo.fair", "demo-participant")
    context = await browser.new_context(locale="en-GB")
    await context.add_cookies([{"name": LOGIN_COOKIE, "value": token, "url": site.base_url}])
    page = await context.new_page()
    await page.goto(f"{site.base_url}/panels/{SLUG}")
    await wait_until_live(page)
    mine = page.locator(f"#question-{question_id}")
    button = mine.get_by_role("button", name="Vote for this question")
    await button.focus()
    await page.keyboard.press("Enter")
    await expect(button).to_have_attribute("aria-pressed", "true")
    await expect(button).to_be_focused()

    for email, password in (
        ("panelist@demo.fair", "demo-panelist"),
        ("moderator@demo.fair", "demo-moderator"),
        ("organiser@demo.fair", "demo-organiser"),
    ):
        _token, voter = await demo_login(db, email, password)
        votes = await actions.vote(db, voter, VoteInput(question_id=question_id))
        await expect(mine.locator("[data-vote-count]")).to_have_text(str(votes))
        await expect(button).to_be_focused()
    first = page.locator("[data-question-list] > li").first
    await expect(first).to_have_id(f"question-{question_id}")
    await context.close()
