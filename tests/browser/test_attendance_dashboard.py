"""The organiser's attendance dashboard in a browser: a chart with its title beside the same
numbers in a table, and "online now" following people as they come and go, without a reload."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from fair.core.attendance.actions import take_samples
from tests.browser.helpers import log_in, record_loads, wait_until_live
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser


async def test_the_dashboard_charts_its_figures_and_counts_people_online_live(
    browser: Browser, site: RunningServer
) -> None:
    """The organiser (from the demo) is counted by opening the dashboard: the countries chart
    names its figure, the table beside it lists their country with one person; when the
    participant opens the hall, "online now" goes up on the open dashboard with no reload."""
    organiser = await browser.new_page()
    await log_in(organiser, site.base_url, "organiser@demo.fair", "demo-organiser", "/organise")
    await take_samples(site.services.db, site.services.presence)
    await organiser.goto(f"{site.base_url}/organise/attendance")
    await wait_until_live(organiser)
    chart = organiser.get_by_role("img", name="People by country")
    await expect(chart).to_be_visible()
    table = organiser.locator("#table-countries")
    await expect(table.locator("tbody tr")).to_have_count(1)
    await expect(table.locator("tbody td").first).to_have_text("1")
    loads = await record_loads(organiser)
    online = organiser.locator("[data-online-now]")
    await expect(online).to_have_text("1")

    participant = await browser.new_page()
    await log_in(participant, site.base_url, "participant@demo.fair", "demo-participant", "/hall")
    await wait_until_live(participant)
    await expect(online).to_have_text("2")
    assert loads == []
