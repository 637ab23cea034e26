"""live.js never lowers a channel's cursor on a reset: a page ahead of the server reloads."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from tests.browser.helpers import record_loads, wait_until_live
from tests.support.factories import produce
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

FOLLOW_AHEAD = """
() => {
  window.fairLive.follow("fair", {
    since: 1000000,
    onReset(seq) { sessionStorage.setItem("lowered-to", String(seq)); },
  });
}
"""


async def test_a_page_ahead_of_the_log_reloads_instead_of_lowering_its_cursor(
    browser: Browser, site: RunningServer
) -> None:
    """The server's reset to a lower head makes the page load afresh, not take that cursor."""
    await produce(site.services.db, "fair", range(2))
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(site.base_url + "/")
    await wait_until_live(page)
    loads = await record_loads(page)
    async with page.expect_event("load"):
        await page.evaluate(FOLLOW_AHEAD)
    await wait_until_live(page)
    assert loads == [site.base_url + "/"]
    assert await page.evaluate("() => sessionStorage.getItem('lowered-to')") is None
    await context.close()
