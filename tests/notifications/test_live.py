"""The bell live across workers: a notice made by the consumer on whichever instance holds
its lease reaches the person's socket on the other, over real Redis, and marking it read
there rings every other tab."""

from __future__ import annotations

from typing import Any

from fair.core.accounts.channels import user_channel
from tests.scale.conftest import two_instances
from tests.support.live_client import LiveClient, live_client
from tests.support.qa import approve, ask, cast

CHANGED = "notifications.changed"


async def test_the_bell_rings_on_every_instance_and_reading_clears_it_everywhere(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """Amina has a tab on each instance; her approved question rings both; reading it in one
    tab sets both counts to zero."""
    async with two_instances(clean_postgres_url, redis_url, namespace, jobs_off=()) as (a, b):
        db = a.services.db
        made = await cast(db, "Amina")
        (amina,) = made.participants
        mine = user_channel(amina.id)
        async with (
            live_client(a.ws_url, cookies=amina.cookies) as tab_a,
            live_client(b.ws_url, cookies=amina.cookies) as tab_b,
        ):
            await tab_a.follow(mine)
            await tab_b.follow(mine)
            question = await ask(db, amina, made.panel_id, "How do fees fall?")
            await approve(db, made.moderator, question)
            rung = [await first_of(tab, mine, CHANGED) for tab in (tab_a, tab_b)]
            assert [frame["data"] for frame in rung] == [{"unread": 1, "new": 1}] * 2
            reply = await tab_a.command("notifications.read", {"all": True})
            assert reply == {"unread": 0}
            cleared = [await first_of(tab, mine, CHANGED) for tab in (tab_a, tab_b)]
            assert [frame["data"] for frame in cleared] == [{"unread": 0, "new": 0}] * 2


async def first_of(tab: LiveClient, channel: str, event_type: str) -> dict[str, Any]:
    """The next event of `event_type` on `channel`, skipping the channel's other events."""
    while True:
        (frame,) = await tab.events(channel, 1)
        if frame["type"] == event_type:
            return frame
