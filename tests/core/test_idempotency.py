"""Idempotency keys: the same key twice writes once and replies the same, on both databases."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import func, select

from fair.core.db import Database
from fair.core.errors import Conflict
from fair.core.events import Envelope
from fair.core.idempotency import CommandKey, run_once
from fair.core.log import LoggedEvent
from tests.support.factories import Pinged

DAY = 24.0


def pinging(db: Database, *numbers: int) -> Any:
    """A command that records one ping per number, each in a transaction of its own."""

    async def run() -> dict[str, Any]:
        for n in numbers:
            async with db.transaction() as tx:
                tx.record(Pinged(n=n, channel="fair"))
        return {"pinged": list(numbers)}

    return run


async def stored(db: Database) -> tuple[int, int]:
    """How many events and how many keys the database holds."""
    async with db.reading() as session:
        events = await session.scalar(select(func.count(LoggedEvent.id)))
        keys = await session.scalar(select(func.count()).select_from(CommandKey))
    return int(events or 0), int(keys or 0)


async def test_the_same_key_twice_writes_once_and_replies_the_same(db: Database) -> None:
    """A repeat returns the first result and records nothing more."""
    first = await run_once(db, "u1", "test.ping", "key-00000001", pinging(db, 1), window_hours=DAY)
    again = await run_once(db, "u1", "test.ping", "key-00000001", pinging(db, 2), window_hours=DAY)
    assert first == again == {"pinged": [1]}
    assert await stored(db) == (1, 1)


async def test_keys_belong_to_one_person(db: Database) -> None:
    """Someone else's command under the same key is a command of its own."""
    await run_once(db, "u1", "test.ping", "key-00000001", pinging(db, 1), window_hours=DAY)
    other = await run_once(db, "u2", "test.ping", "key-00000001", pinging(db, 2), window_hours=DAY)
    assert other == {"pinged": [2]}
    assert await stored(db) == (2, 2)


async def test_a_key_reused_for_another_command_is_refused(db: Database) -> None:
    """A key names one submission: sent with another command it is refused, writing nothing."""
    await run_once(db, "u1", "test.ping", "key-00000001", pinging(db, 1), window_hours=DAY)
    with pytest.raises(Conflict) as refused:
        await run_once(db, "u1", "test.other", "key-00000001", pinging(db, 2), window_hours=DAY)
    assert refused.value.code == "command.key_reused"
    assert await stored(db) == (1, 1)


async def test_a_refused_command_keeps_no_key(db: Database) -> None:
    """A run that fails writes neither its changes nor its key, so a retry runs again."""

    async def refuse() -> dict[str, Any]:
        await pinging(db, 1)()
        raise Conflict("test.refused", "no")

    with pytest.raises(Conflict):
        await run_once(db, "u1", "test.ping", "key-00000001", refuse, window_hours=DAY)
    assert await stored(db) == (0, 0)
    retried = await run_once(
        db, "u1", "test.ping", "key-00000001", pinging(db, 2), window_hours=DAY
    )
    assert retried == {"pinged": [2]}
    assert await stored(db) == (1, 1)


async def test_every_write_of_a_keyed_command_commits_together_then_publishes(
    db: Database,
) -> None:
    """Two transactions inside one keyed command commit as one: the listeners hear both events
    once, after the commit."""
    heard: list[Sequence[Envelope]] = []

    async def listen(envelopes: Sequence[Envelope]) -> None:
        heard.append(envelopes)

    db.on_commit(listen)
    await run_once(db, "u1", "test.ping", "key-00000001", pinging(db, 1, 2), window_hours=DAY)
    assert [[e.seq for e in batch] for batch in heard] == [[1, 2]]
    assert await stored(db) == (2, 1)


async def test_simultaneous_repeats_write_once(db: Database) -> None:
    """Two sends of one key at the same moment: one writes, both get the same reply."""
    replies = await asyncio.gather(
        *(
            run_once(db, "u1", "test.ping", "key-00000001", pinging(db, n), window_hours=DAY)
            for n in (1, 2)
        )
    )
    assert replies[0] == replies[1]
    assert await stored(db) == (1, 1)


async def test_an_expired_key_runs_again_and_is_purged(db: Database) -> None:
    """Past the window a key is forgotten: the command runs again and the old row goes."""
    await run_once(db, "u1", "test.ping", "key-00000001", pinging(db, 1), window_hours=0)
    again = await run_once(db, "u1", "test.ping", "key-00000001", pinging(db, 2), window_hours=0)
    assert again == {"pinged": [2]}
    assert await stored(db) == (2, 1)


async def test_no_key_no_bookkeeping(db: Database) -> None:
    """Without a key the command simply runs, every time."""
    for n in (1, 2):
        await run_once(db, "u1", "test.ping", None, pinging(db, n), window_hours=DAY)
    assert await stored(db) == (2, 0)
