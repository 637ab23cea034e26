"""A person registers, logs in and sees the online count change when someone else arrives."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser


async def test_register_log_in_and_see_the_online_count_rise(
    browser: Browser, site: RunningServer
) -> None:
    """Registering lands on the home page; a second browser arriving moves the count from 1 to 2."""
    first = await browser.new_context()
    page = await first.new_page()
    await page.goto(site.base_url + "/register")
    await page.get_by_label("Your name, as others will see it").fill("Amara Okafor")
    await page.get_by_label("E-mail").fill("amara@example.org")
    await page.get_by_label("Password (at least 10 characters)").fill("a long enough password")
    await page.get_by_label("Country").fill("Nigeria")
    await page.get_by_label("Organisation (optional)").fill("Lagos Diaspora Forum")
    await page.get_by_role("button", name="Create my account").click()

    await expect(page).to_have_url(site.base_url + "/")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Virtual Fair")
    await expect(page.locator(".who")).to_contain_text("Amara Okafor")
    await expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "live")
    await expect(page.locator("[data-online-count]")).to_have_text("1")

    await page.get_by_role("button", name="Log out").click()
    await page.get_by_role("link", name="Log in").first.click()
    await page.get_by_label("E-mail").fill("amara@example.org")
    await page.get_by_label("Password").fill("a long enough password")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.locator(".who")).to_contain_text("Amara Okafor")
    await expect(page.locator("[data-online-count]")).to_have_text("1")

    second = await browser.new_context()
    other = await second.new_page()
    await other.goto(site.base_url + "/")
    await expect(other.locator("[data-online-count]")).to_have_text("2")
    await expect(page.locator("[data-online-count]")).to_have_text("2")
    await expect(page.locator("[data-online-label]")).to_have_text(re.compile("people online now"))

    await second.close()
    await expect(page.locator("[data-online-count]")).to_have_text("1")
    await first.close()


async def test_registration_with_a_bad_e_mail_shows_the_error_and_keeps_the_form(
    browser: Browser, site: RunningServer
) -> None:
    """A wrong e-mail is explained above the form, the other fields are kept."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(site.base_url + "/register")
    await page.get_by_label("Your name, as others will see it").fill("Sam")
    await page.get_by_label("E-mail").fill("not-an-address")
    await page.get_by_label("Password (at least 10 characters)").fill("a long enough password")
    await page.get_by_label("Country").fill("France")
    await page.get_by_role("button", name="Create my account").click()
    await expect(page.get_by_role("alert")).to_contain_text("e-mail address")
    await expect(page.get_by_label("Your name, as others will see it")).to_have_value("Sam")
    await expect(page.get_by_label("Country")).to_have_value("France")
    await expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    await context.close()
