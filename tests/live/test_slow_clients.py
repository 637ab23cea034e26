"""A client that stops reading is closed; everyone else keeps receiving."""

from __future__ import annotations

import asyncio

from tests.support.factories import produce_padded
from tests.support.live_client import live_client
from tests.support.servers import RunningServer

PAD = 32_000
EVENTS = 400  # about 13 MB: more than the kernel and transport buffers of one socket hold


async def test_client_that_never_reads_is_closed_and_others_keep_receiving(
    server: RunningServer,
) -> None:
    """The stalled socket is dropped from the channel while the reading client gets every event."""
    hub = server.services.hub
    async with live_client(server.ws_url) as reader:
        # max_queue=1 makes the stalled client stop reading from its socket almost at once.
        async with live_client(server.ws_url, max_queue=1, max_size=None) as stalled:
            stalled._reader.cancel()
            await stalled.connection.send(
                '{"kind":"command","ref":"f","type":"live.follow","data":{"channel":"fair"}}'
            )
            await reader.follow("fair")
            while hub.followers_of("fair") < 2:
                await asyncio.sleep(0.01)
            producing = asyncio.create_task(
                produce_padded(server.services.db, "fair", range(EVENTS), PAD)
            )
            received = await reader.events("fair", EVENTS, timeout=120)
            await producing
            async with asyncio.timeout(30):
                while hub.followers_of("fair") != 1:
                    await asyncio.sleep(0.05)
    assert [f["data"]["n"] for f in received] == list(range(EVENTS))
