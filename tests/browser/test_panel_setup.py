"""Setting up panels in a browser: an organiser's edit reaches an open panel page and the
programme without a reload; the edit form, the panel report and the import's documented
columns read on a phone (320 and 390 px) with no serious accessibility problem."""

from __future__ import annotations

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, expect

from tests.browser.helpers import log_in, record_loads, same_after_reload, wait_until_live
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

UPCOMING = "/panels/diaspora-partners"
ARCHIVED = "/panels/rights-on-the-move"
RENAMED = "Diaspora partners, a day later"


async def test_an_edit_reaches_the_open_panel_page_and_the_programme_live(
    browser: Browser, site: RunningServer
) -> None:
    """A participant has the upcoming panel and the programme open; the organiser renames it
    and turns it to post-moderation: both pages show the new title (and the panel page the new
    mode) without a reload, and the panel page reads the same after one."""
    viewer = await browser.new_context(timezone_id="Africa/Dakar")
    panel, programme = await viewer.new_page(), await viewer.new_page()
    await log_in(panel, site.base_url, "participant@demo.fair", "demo-participant", UPCOMING)
    await programme.goto(f"{site.base_url}/panels")
    for page in (panel, programme):
        await wait_until_live(page)
    loads = [await record_loads(page) for page in (panel, programme)]

    organiser = await (await browser.new_context()).new_page()
    await log_in(
        organiser, site.base_url, "organiser@demo.fair", "demo-organiser", f"{UPCOMING}/edit"
    )
    await organiser.get_by_label("Title").fill(RENAMED)
    await organiser.get_by_label("Moderation").select_option("post")
    await organiser.get_by_role("button", name="Save the changes").click()
    await expect(organiser).to_have_url(site.base_url + UPCOMING)

    head = panel.locator("[data-section=head]")
    await expect(head.get_by_role("heading", level=1)).to_have_text(RENAMED)
    await expect(head).to_contain_text("Questions appear at once")
    await expect(programme.get_by_role("link", name=RENAMED, exact=True)).to_be_visible()
    assert loads == [[], []]
    await same_after_reload(panel, head)


async def problems(page: Page, part: str = "html") -> list[str]:
    """Serious or critical axe violations, and `part` of the page wider than the screen."""
    found = [
        f"{v['id']}: {v['help']}"
        for v in (await Axe().run(page)).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    if await page.locator(part).evaluate("(e) => e.scrollWidth > window.innerWidth"):
        found.append("scrolls sideways")
    return found


async def test_the_set_up_pages_read_on_a_phone(browser: Browser, site: RunningServer) -> None:
    """At 320 and 390 px, the edit form (the new-panel form shares its fields), the archived
    panel's report with its chart, and the booth import's form with its columns open have no
    serious accessibility problem and do not scroll sideways."""
    found: dict[str, list[str]] = {}
    for width in (320, 390):
        context = await browser.new_context(viewport={"width": width, "height": 800})
        page = await context.new_page()
        await log_in(page, site.base_url, "organiser@demo.fair", "demo-organiser", "/organise")
        for address in (f"{UPCOMING}/edit", f"{ARCHIVED}/report", "/organise/booths"):
            await page.goto(site.base_url + address)
            part = "html"
            if address == f"{ARCHIVED}/report":
                chart = page.get_by_role("img", name="What became of the questions")
                await expect(chart).to_be_visible()
            if address == "/organise/booths":
                # The import form and its columns; the booths' table below is another matter.
                await page.locator("summary", has_text="The columns").click()
                part = "form[action='/organise/booths/import']"
            found[f"{address} at {width}px"] = await problems(page, part)
        await context.close()
    assert {address: p for address, p in found.items() if p} == {}
