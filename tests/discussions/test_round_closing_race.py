"""On PostgreSQL a post under way and a round's closing are serialised: a post that waited for
the closing is refused, so no post lands in a round after it closed."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text, update

from discussions.models import Round
from fair.core.accounts.roles import Role
from fair.core.db import Database, create_engine
from fair.core.errors import FairError
from tests.support.discussions import discussion, post, round_in
from tests.support.jobs import until
from tests.support.qa import members


async def test_a_post_waiting_on_the_closing_round_is_refused(clean_postgres_url: str) -> None:
    """While another transaction closes the round (not yet committed), a post waits for it on
    the round's row, then is refused with `discussions.round_closed`."""
    db = Database(create_engine(clean_postgres_url))
    try:
        moderator, amina = await members(db, Role.MODERATOR, "Amina")
        round_id = await round_in(db, await discussion(db, [moderator]))
        async with db.engine.connect() as closing:
            await closing.execute(update(Round).where(Round.id == round_id).values(state="closed"))
            posting = asyncio.create_task(post(db, amina, round_id, "Just in time?"))

            async def post_waits_for_a_lock() -> bool:
                async with db.engine.connect() as probe:
                    waiting = await probe.scalar(
                        text(
                            "SELECT count(*) FROM pg_stat_activity"
                            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                        )
                    )
                return bool(waiting)

            await until(post_waits_for_a_lock)
            await closing.commit()
        with pytest.raises(FairError) as caught:
            await posting
        assert caught.value.code == "discussions.round_closed"
    finally:
        await db.dispose()
