"""The organiser's people journey in a browser at phone width: the list fits the screen, an
invitation goes out and its link makes the account, and the panel form's people picker finds
a person by name and puts their e-mail in the field, with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from fair.core.accounts.invitations.actions import PURPOSE
from fair.core.accounts.models import User
from fair.core.mail.models import MailMessage
from tests.browser.helpers import log_in
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LINK = re.compile(r"http://\S+/invitations/accept\?token=(\S+)")


async def fits_the_screen(page: Page) -> bool:
    return bool(
        await page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


async def test_an_organiser_invites_someone_and_picks_people_by_name(
    browser: Browser, site: RunningServer
) -> None:
    """At 390 px the people page has no sideways scroll; inviting Ama sends her a link whose
    form makes her account and logs her in; typing part of the demo participant's name in the
    panel form's Panelists field lists them, and ArrowDown then Enter puts their e-mail in."""
    db = site.services.db
    organiser = await (await browser.new_context(viewport=PHONE)).new_page()
    await log_in(organiser, site.base_url, "organiser@demo.fair", "demo-organiser", "/people")
    assert await fits_the_screen(organiser)
    await organiser.get_by_label("People to invite").fill("ama@example.org Ama Mensah")
    await organiser.get_by_label("Their role").select_option("exhibitor")
    await organiser.get_by_role("button", name="Send the invitations").click()
    invited = organiser.get_by_role("region", name="Invite people").get_by_role("status")
    await expect(invited).to_contain_text("1 invitation sent.")
    assert await fits_the_screen(organiser)

    async with db.reading() as session:
        mail = await session.scalar(select(MailMessage).where(MailMessage.kind == PURPOSE))
        participant = await session.scalar(
            select(User).where(User.email == "participant@demo.fair")
        )
    assert mail is not None and participant is not None
    found = LINK.search(mail.text)
    assert found is not None
    ama = await (await browser.new_context(viewport=PHONE)).new_page()
    await ama.goto(f"{site.base_url}/invitations/accept?token={found.group(1)}")
    await expect(ama.get_by_label("Your name, as others will see it")).to_have_value("Ama Mensah")
    await ama.get_by_label("Password (at least 10 characters)").fill("my own passphrase")
    await ama.get_by_label("Country").fill("Ghana")
    await ama.get_by_role("button", name="Create my account").click()
    await expect(ama.get_by_role("button", name="Log out")).to_be_visible()

    await organiser.goto(f"{site.base_url}/organise/panels")
    field = organiser.get_by_role(
        "combobox", name="Panelists (e-mails of accounts, comma separated)"
    )
    await field.press_sequentially(participant.display_name[:4], delay=20)
    matches = organiser.get_by_role("listbox", name="Matching people")
    option = matches.get_by_role("option").filter(has_text=participant.email)
    await expect(option).to_be_visible()
    await field.press("ArrowDown")
    await expect(matches.get_by_role("option", selected=True)).to_have_count(1)
    await field.press("Enter")
    await expect(field).to_have_value(re.compile(rf"{re.escape(participant.email)}, $"))
    await expect(matches).to_be_hidden()
