"""Steps that several browser journeys share: logging in, and checking a page against a reload."""

from __future__ import annotations

from urllib.parse import quote

from playwright.async_api import Locator, Page, expect


async def log_in(page: Page, base_url: str, email: str, password: str, then: str = "/") -> None:
    """Log in through the login form and land on `then`."""
    await page.goto(f"{base_url}/login?next={quote(then)}")
    await page.get_by_label("E-mail").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()
    await expect(page).to_have_url(base_url + then)


async def wait_until_live(page: Page) -> None:
    """Wait until the page's socket is open, so that live updates can reach it."""
    await expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "live")


async def same_after_reload(page: Page, part: Locator) -> None:
    """`part` of the page reads the same after a reload as it does now, after live updates."""
    before = await part.inner_text()
    await page.reload()
    await wait_until_live(page)
    await expect(part).to_have_text(before, use_inner_text=True)


async def record_loads(page: Page) -> list[str]:
    """The addresses `page` loads from now on: empty while changes arrive without a reload."""
    await page.wait_for_load_state("load")  # the current page's own load is not counted
    loads: list[str] = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    return loads
