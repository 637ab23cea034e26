"""Two visitors, in Manila and in Mexico City, read the programme and a booth's office hours in
their own zone: a panel's local day, and so its day heading, differs between them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.async_api import Browser, expect

from fair.core.accounts.roles import Role
from fair.hall.actions import booths as hall_actions
from fair.hall.inputs import OfficeHourInput
from fair.hall.queries import booth_id_for
from fair.qa.inputs import PanelCreation
from fair.qa.setup import create_panel
from tests.support.qa import member
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

TITLE = "Remittances across the date line"
BOOTH = "remesas-solidarias"
STARTS = datetime(2026, 12, 1, 19, 6, tzinfo=UTC)
ENDS = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
SEEN = {
    "Asia/Manila": ("Wednesday, December 2, 2026", "03:06 AM"),
    "America/Mexico_City": ("Tuesday, December 1, 2026", "01:06 PM"),
}


async def test_the_programme_and_office_hours_follow_the_browsers_zone(
    browser: Browser, site: RunningServer
) -> None:
    """At 19:06 UTC on 1 December, the panel sits under Wednesday at 03:06 in Manila and under
    Tuesday at 1:06 pm in Mexico City; the booth's office hour shows those times too, and each
    page names the browser's zone."""
    db = site.services.db
    organiser = await member(db, Role.ORGANISER)
    await create_panel(
        db,
        organiser.viewer,
        PanelCreation(title=TITLE, starts_at=STARTS, ends_at=ENDS, zone="UTC"),
    )
    booth_id = await booth_id_for(db, BOOTH)
    assert booth_id is not None
    await hall_actions.add_office_hour(
        db,
        organiser.viewer,
        booth_id,
        OfficeHourInput(starts_at=STARTS, ends_at=ENDS, note="Across the date line"),
    )
    for zone, (heading, clock) in SEEN.items():
        context = await browser.new_context(timezone_id=zone, locale="en-US")
        page = await context.new_page()
        await page.goto(f"{site.base_url}/panels")
        day = page.get_by_role("region", name=heading)
        await expect(day.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
        await expect(day.get_by_role("heading", level=2)).to_have_text(heading)
        await expect(day.locator("li", has_text=TITLE).locator("time")).to_contain_text(clock)
        await expect(page.get_by_text(f"Times in {zone}.")).to_be_visible()
        await page.goto(f"{site.base_url}/booths/{BOOTH}")
        hours = page.get_by_role("region", name="Office hours")
        await expect(hours.get_by_text(f"Times in {zone}.")).to_be_visible()
        slot = hours.locator("li", has_text="Across the date line")
        await expect(slot.locator("time").first).to_contain_text(clock)
        await context.close()
