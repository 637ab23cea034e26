"""A question typed while the server is out of reach is kept, and sent once when it is back."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from playwright.async_api import Browser, Route, WebSocketRoute, expect
from sqlalchemy import func, select

from fair.qa.models import Question
from tests.browser.helpers import log_in, wait_until_live
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

PANEL = "/panels/remittances-that-build"
MINE = "Would a shared transfer at the hometown association arrive as fast as my own?"
BACKOFF = """async () => {
  const { backoffDelay } = await import("/static/js/live.js");
  return [0, 1, 2, 3, 4, 5, 12].map((n) => [backoffDelay(n, () => 0), backoffDelay(n, () => 1)]);
}"""


async def test_a_question_asked_while_the_server_is_away_is_sent_once_when_it_returns(
    browser: Browser, site: RunningServer
) -> None:
    """With the socket refused and the form's post failing, the question stays in the form,
    marked as waiting; once the server is reachable again it is sent over the socket, once."""
    context = await browser.new_context()
    page = await context.new_page()
    await log_in(page, site.base_url, "participant@demo.fair", "demo-participant", PANEL)
    await wait_until_live(page)
    # The reconnect schedule: jittered over the upper half, from 0.5 s, capped at 5 s.
    assert await page.evaluate(BACKOFF) == [
        [250, 500],
        [500, 1000],
        [1000, 2000],
        [2000, 4000],
        [2500, 5000],
        [2500, 5000],
        [2500, 5000],
    ]

    away = True

    async def socket(ws: WebSocketRoute) -> None:
        if away:
            await ws.close()
        else:
            ws.connect_to_server()

    async def post(route: Route) -> None:
        if away:
            await route.abort("connectionrefused")
        else:
            await route.continue_()

    await page.route_web_socket(re.compile(r"/ws$"), socket)
    await page.route(re.compile(r"/qa/act$"), post)
    await page.evaluate("window.fairLive.socket.close()")
    await expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "reconnecting")

    box = page.get_by_role("textbox", name="Your question")
    await box.fill(MINE)
    await page.get_by_role("button", name="Send my question").click()
    ask = page.get_by_role("region", name="Ask a question")
    await expect(ask.get_by_role("status")).to_contain_text("will be sent when the connection")
    await expect(box).to_have_value(MINE)

    away = False
    await wait_until_live(page)
    await expect(box).to_have_value("")
    mine = page.get_by_role("region", name="Your questions")
    await expect(mine.get_by_role("listitem").filter(has_text=MINE)).to_have_count(1)
    async with site.services.db.reading() as session:
        count = await session.scalar(select(func.count()).where(Question.text == MINE))
    assert count == 1
    await page.reload()
    await expect(mine.get_by_role("listitem").filter(has_text=MINE)).to_have_count(1)
    await expect(box).to_have_value("")
    await context.close()


async def test_a_follow_refused_for_a_passing_reason_is_sent_again(
    browser: Browser, site: RunningServer
) -> None:
    """The panel's follow answered with `db.unavailable` (as a worker whose database is busy
    answers during a reconnect storm) is sent again after a backoff, on the same socket, and
    the page then follows the panel: it does not silently stop updating."""
    context = await browser.new_context()
    page = await context.new_page()
    follows: list[str] = []

    async def socket(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            frame = json.loads(message)
            channel = frame.get("data", {}).get("channel", "")
            if frame.get("type") == "live.follow" and re.fullmatch(r"qa:\d+", channel):
                follows.append(channel)
                if len(follows) == 1:
                    refusal = {"code": "db.unavailable", "message": "The database is away."}
                    ws.send(
                        json.dumps(
                            {"kind": "reply", "ref": frame["ref"], "ok": False, "error": refusal}
                        )
                    )
                    return
            server.send(message)

        ws.on_message(from_page)

    await page.route_web_socket(re.compile(r"/ws$"), socket)
    await page.goto(site.base_url + PANEL)
    await wait_until_live(page)
    async with asyncio.timeout(10):
        while len(follows) < 2:
            await asyncio.sleep(0.05)
    channel = follows[0]
    assert follows == [channel, channel]
    retries = f"() => window.fairLive.follows.get({json.dumps(channel)}).retries"
    async with asyncio.timeout(10):
        while await page.evaluate(retries) != 0:
            await asyncio.sleep(0.05)
    await context.close()
