"""One vote per account, whatever the tabs and instances: concurrent votes on PostgreSQL + Redis."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any

import pytest
from sqlalchemy import select

from fair.core.accounts.roles import Role
from fair.qa.channels import panel_channel
from fair.qa.models import Question
from tests.scale.conftest import two_instances
from tests.support.live_client import LiveClient, live_client
from tests.support.qa import (
    approve,
    ask,
    collect_until,
    heads_of,
    members,
    panel,
    voters,
)

pytestmark = pytest.mark.scale

ACCOUNTS = 8
TABS = 3


async def test_concurrent_votes_from_many_tabs_on_two_instances_count_each_account_once(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """8 accounts with 3 tabs each over instances A and B vote at once, some take it back: the
    count equals the distinct voters, and watchers on both instances end on that number."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        db = a.services.db
        organiser, asker, *accounts = await members(
            db, Role.ORGANISER, "Asker", *(f"Voter {n}" for n in range(ACCOUNTS))
        )
        made = await panel(db, organiser, moderators=[organiser])
        qid = await ask(db, asker, made.id, "Which transfer channels cost the least?")
        await approve(db, organiser, qid)
        channel = panel_channel(made.id)

        async with (
            live_client(a.ws_url) as watcher_a,
            live_client(b.ws_url) as watcher_b,
        ):
            for watcher in (watcher_a, watcher_b):
                await watcher.follow(channel)
            async with contextlib.AsyncExitStack() as stack:
                tabs = [
                    [
                        await stack.enter_async_context(
                            live_client((a, b)[(n + t) % 2].ws_url, cookies=account.cookies)
                        )
                        for t in range(TABS)
                    ]
                    for n, account in enumerate(accounts)
                ]

                def send(tab: LiveClient, up: bool) -> Awaitable[dict[str, Any]]:
                    return tab.command("qa.vote", {"question_id": qid, "up": up})

                # Every tab of every account clicks at once.
                await asyncio.gather(*(send(tab, True) for row in tabs for tab in row))
                # Then, at once: accounts 0-3 click up in one tab and take it back in another,
                # accounts 4-5 take their vote back in every tab, 6-7 click up again.
                second: list[Awaitable[dict[str, Any]]] = []
                for n, row in enumerate(tabs):
                    if n < 4:
                        second += [send(row[0], True), send(row[1], False), send(row[2], True)]
                    elif n < 6:
                        second += [send(tab, False) for tab in row]
                    else:
                        second += [send(tab, True) for tab in row]
                await asyncio.gather(*second)

            heads = await heads_of(db, [channel])
            last_seen = []
            for watcher in (watcher_a, watcher_b):
                frames = await collect_until(watcher, heads)
                frames += await watcher.nothing_pending()
                counted = [f for f in frames if f.get("type") == "qa.votes.counted"]
                last_seen.append(counted[-1]["data"]["votes"])

        async with db.reading() as session:
            column = await session.scalar(select(Question.votes).where(Question.id == qid))
        distinct = await voters(db, qid)
    ids = [account.id for account in accounts]
    assert column == len(distinct)
    assert last_seen == [column, column]
    assert set(ids[6:]) <= distinct
    assert not distinct & set(ids[4:6])
    assert distinct <= set(ids)
