"""The round schedule: rounds open when their time comes and close at their deadline.

Every `SCHEDULE_SECONDS` (on one worker) the job looks at the boundaries crossed in its
window (since, now]: a PLANNED round whose `opens_at` fell in it and whose `closes_at` is
still ahead opens; an OPEN round whose `closes_at` fell in it closes. Only boundaries
crossed since the last run count, so a moderator who re-opens a round after its deadline
is not overruled at the next tick; a planned round whose whole window passed while the
fair was down stays planned for its moderators to decide. The first run ever (`since`
None) looks back one interval.

Each move goes through `open_round` / `close_round` as the system, so it records the same
events as a moderator's move and checks the same transitions.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from discussions.actions.setup import close_round, open_round
from discussions.inputs import RoundRef
from discussions.models import Round
from discussions.rules import RoundState
from fair.core.accounts.viewers import SYSTEM
from fair.core.contract import Job, JobWindow, Services
from fair.core.db import Database
from fair.core.errors import FairError, Unavailable

logger = logging.getLogger(__name__)

SCHEDULE_SECONDS = 5.0


async def rounds_due(db: Database, since: datetime, now: datetime) -> list[tuple[int, RoundState]]:
    """The moves the schedule owes for (since, now]: (round id, state it should take)."""
    opening = and_(
        Round.state == RoundState.PLANNED.value,
        Round.opens_at > since,
        Round.opens_at <= now,
        Round.closes_at > now,
    )
    closing = and_(
        Round.state == RoundState.OPEN.value, Round.closes_at > since, Round.closes_at <= now
    )
    query = select(Round.id, Round.state).where(or_(opening, closing)).order_by(Round.id)
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
    return [
        (round_id, RoundState.CLOSED if state == RoundState.OPEN.value else RoundState.OPEN)
        for round_id, state in rows
    ]


async def follow_schedule(services: Services, window: JobWindow) -> None:
    """Open the rounds whose time came, close those whose deadline came."""
    since = window.since or window.now - timedelta(seconds=SCHEDULE_SECONDS)
    for round_id, state in await rounds_due(services.db, since, window.now):
        move = open_round if state is RoundState.OPEN else close_round
        try:
            await move(services.db, SYSTEM, RoundRef(round_id=round_id))
        except Unavailable:
            raise
        except FairError as refusal:
            # A moderator moved it in between: their move stands.
            logger.info("round %d not moved to %s: %s", round_id, state.value, refusal.code)


SCHEDULE = Job("discussions.round_schedule", follow_schedule, every_seconds=SCHEDULE_SECONDS)
