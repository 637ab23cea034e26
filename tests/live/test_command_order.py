"""A socket's commands take effect in the order they were sent, while pings skip the line."""

from __future__ import annotations

import asyncio
import json

from tests.conftest import make_settings
from tests.support.factories import Pinged
from tests.support.live_client import live_client
from tests.support.qa import cast
from tests.support.servers import RunningServer, serve


async def test_an_unfollow_sent_right_after_a_follow_is_not_overtaken(
    server: RunningServer,
) -> None:
    """Follow then unfollow, sent without waiting: once both are answered, no event arrives."""
    async with live_client(server.ws_url) as ws:
        follow = asyncio.create_task(ws.command("live.follow", {"channel": "fair"}))
        unfollow = asyncio.create_task(ws.command("live.unfollow", {"channel": "fair"}))
        await asyncio.gather(follow, unfollow)
        async with server.services.db.transaction() as tx:
            tx.record(Pinged(n=1, channel="fair"))
        assert await ws.nothing_pending() == []


async def test_replies_come_in_the_order_the_commands_were_sent(server: RunningServer) -> None:
    """Ten follows and unfollows sent at once are answered in the order they were sent."""
    async with live_client(server.ws_url) as ws:
        for n in range(10):
            kind = "live.follow" if n % 2 == 0 else "live.unfollow"
            frame = {"kind": "command", "ref": f"r{n}", "type": kind, "data": {"channel": "fair"}}
            await ws.send_raw(json.dumps(frame))
        refs = [(await ws.next_frame())["ref"] for _ in range(10)]
        assert refs == [f"r{n}" for n in range(10)]


async def test_a_socket_with_too_many_commands_waiting_is_told_it_is_busy(
    sqlite_url: str,
) -> None:
    """With a write stuck and `commands_waiting` 1, a third question is refused `live.busy`, a
    ping is answered ahead of them, and the waiting questions go through once the write can."""
    async with serve(make_settings(sqlite_url, commands_waiting=1)) as server:
        c = await cast(server.services.db)
        [amina] = c.participants
        writer = server.services.db._sqlite_writer
        assert writer is not None
        async with live_client(server.ws_url, cookies=amina.cookies) as ws:
            await ws.command("live.ping")
            await writer.acquire()
            try:
                asks = [
                    asyncio.create_task(
                        ws.request(
                            "qa.question.ask",
                            {"panel_id": c.panel_id, "text": f"What does question {n} ask?"},
                        )
                    )
                    for n in range(3)
                ]
                assert await ws.command("live.ping") == {}
                assert not any(ask.done() and ask.result()["ok"] for ask in asks)
            finally:
                writer.release()
            replies = [await ask for ask in asks]
        codes = [reply["error"]["code"] for reply in replies if not reply["ok"]]
        assert codes and set(codes) == {"live.busy"}
        assert sum(reply["ok"] for reply in replies) == 3 - len(codes)
