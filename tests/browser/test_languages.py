"""A participant's main journey in French and in Spanish, on a phone (390 px): chosen with the
footer's switcher (no script needed), logged in through the translated form, the page's `lang`
following; at every step no serious or critical axe violation and no sideways scrolling."""

from __future__ import annotations

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, expect

from fair.core.i18n import language_name, translations_for
from tests.browser.helpers import wait_until_live
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

PANEL = "/panels/remittances-that-build"
MINE = "Does a hometown association pay one fee for twenty transfers?"


def says(language: str, message: str, *, as_in_english: bool = False) -> str:
    """`message` in `language`, which must differ from the English (or the check proves
    nothing) unless the language writes it the same way."""
    translated = translations_for(language).gettext(message)
    assert as_in_english or translated != message, f"{message!r} is not in {language}"
    return translated


PHONE = {"width": 390, "height": 844}


async def speaks(page: Page, language: str) -> None:
    """The page is in `language`, reads well to axe and fits the phone's width."""
    await expect(page.locator("html")).to_have_attribute("lang", language)
    violations = [
        f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}"
        for v in (await Axe().run(page)).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert violations == [], f"{page.url} in {language}: {violations}"
    wide = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} in {language} scrolls sideways by {wide} px"


async def go_to(page: Page, name: str) -> None:
    """Follow the header's link `name`, opening the phone's menu first."""
    menu = page.locator("header.site details.menu")
    if not await menu.evaluate("(d) => d.open"):
        await menu.locator("summary").click()
    await menu.get_by_role("link", name=name).click()


@pytest.mark.parametrize("language", ["fr", "es"])
async def test_a_participant_takes_part_in_their_language(
    browser: Browser, site: RunningServer, language: str
) -> None:
    """Home, switch language, log in, hall, a booth, the programme, a panel, ask a question:
    every step reads in the chosen language."""
    context = await browser.new_context(locale="en-GB", viewport=PHONE)
    page = await context.new_page()
    await page.goto(f"{site.base_url}/")
    await expect(page.locator("html")).to_have_attribute("lang", "en")

    footer = page.get_by_role("contentinfo")
    await footer.get_by_label("Language").select_option(label=language_name(language))
    await footer.get_by_role("button", name="Change language").click()
    await speaks(page, language)
    await expect(
        page.get_by_role("contentinfo").get_by_label(says(language, "Language"))
    ).to_have_value(language)

    await page.get_by_role("link", name=says(language, "Log in"), exact=True).click()
    await speaks(page, language)
    await page.get_by_label(says(language, "E-mail", as_in_english=True)).fill(
        "participant@demo.fair"
    )
    await page.get_by_label(says(language, "Password")).fill("demo-participant")
    await page.get_by_role("button", name=says(language, "Log in"), exact=True).click()
    await expect(page.get_by_role("button", name=says(language, "Log out"))).to_be_visible()
    await speaks(page, language)

    await go_to(page, says(language, "Exhibition hall"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        says(language, "The exhibition hall")
    )
    await speaks(page, language)
    await page.locator("main a[href^='/booths/']").first.click()
    await speaks(page, language)
    await go_to(page, says(language, "Programme", as_in_english=True))
    await speaks(page, language)
    await page.locator(f"main a[href='{PANEL}']").first.click()
    await wait_until_live(page)
    await expect(page.locator("[data-live-status]")).to_have_text(says(language, "Live"))
    await page.get_by_role("textbox", name=says(language, "Your question")).fill(MINE)
    await page.get_by_role("button", name=says(language, "Send my question")).click()
    mine = page.get_by_role("region", name=says(language, "Your questions"))
    await expect(mine.get_by_role("listitem").filter(has_text=MINE)).to_contain_text(
        says(language, "Waiting for a moderator")
    )
    await speaks(page, language)
    await context.close()
