"""A participant's main journey in French and in Spanish: chosen with the footer's switcher
(no script needed), logged in through the translated form, the page's `lang` following."""

from __future__ import annotations

import pytest
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


async def speaks(page: Page, language: str) -> None:
    await expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("language", ["fr", "es"])
async def test_a_participant_takes_part_in_their_language(
    browser: Browser, site: RunningServer, language: str
) -> None:
    """Home, switch language, log in, hall, a booth, the programme, a panel, ask a question:
    every step reads in the chosen language."""
    context = await browser.new_context(locale="en-GB", java_script_enabled=True)
    page = await context.new_page()
    await page.goto(f"{site.base_url}/")
    await speaks(page, "en")

    footer = page.get_by_role("contentinfo")
    await footer.get_by_label("Language").select_option(label=language_name(language))
    await footer.get_by_role("button", name="Change language").click()
    await speaks(page, language)
    await expect(
        page.get_by_role("contentinfo").get_by_label(says(language, "Language"))
    ).to_have_value(language)

    await page.get_by_role("link", name=says(language, "Log in"), exact=True).click()
    await page.get_by_label(says(language, "E-mail", as_in_english=True)).fill(
        "participant@demo.fair"
    )
    await page.get_by_label(says(language, "Password")).fill("demo-participant")
    await page.get_by_role("button", name=says(language, "Log in"), exact=True).click()
    await expect(page.get_by_role("button", name=says(language, "Log out"))).to_be_visible()
    await speaks(page, language)

    await page.get_by_role("link", name=says(language, "Exhibition hall")).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        says(language, "The exhibition hall")
    )
    await page.locator("main a[href^='/booths/']").first.click()
    await speaks(page, language)
    await expect(
        page.get_by_role("link", name=says(language, "Programme", as_in_english=True))
    ).to_be_visible()

    await page.get_by_role("link", name=says(language, "Programme", as_in_english=True)).click()
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
