"""The panel schedule: panels go live when their start comes and close when their end does;
`STARTING_SOON` before a start, the panel's followers are told (fair/qa/following.py).

Every `SCHEDULE_SECONDS` (on one worker) the job looks at the boundaries crossed in its
window (since, now]: a SCHEDULED or OPEN panel whose `starts_at` fell in it and whose
`ends_at` is still ahead goes LIVE; a LIVE panel whose `ends_at` fell in it goes CLOSED.
Only boundaries crossed since the last run count, so a moderator who re-opens a panel
after its end, or takes one back from live, is not overruled at the next tick.

The first run ever (`since` None) looks back one interval. A panel whose whole slot
passed while the fair was down: a LIVE one is closed (its end was crossed); a SCHEDULED
or OPEN one stays as it is, because taking it live now would announce a session that
is over, and CLOSED is not a move from those states: the organisers decide.

Each move goes through `change_panel_state` as the system, so it records the same events
as a moderator's move and checks the same transitions.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select

from fair.core.accounts.viewers import SYSTEM
from fair.core.contract import Job, JobWindow
from fair.core.db import Database
from fair.core.errors import FairError, Unavailable
from fair.qa.actions import change_panel_state
from fair.qa.following import announce_starting
from fair.qa.inputs import PanelStateInput
from fair.qa.models import Panel
from fair.qa.rules import PanelState

if TYPE_CHECKING:
    from fair.core.contract import Services

logger = logging.getLogger(__name__)

SCHEDULE_SECONDS = 5.0


async def panels_due(db: Database, since: datetime, now: datetime) -> list[tuple[int, PanelState]]:
    """The moves the schedule owes for (since, now]: (panel id, state it should take)."""
    starting = and_(
        Panel.state.in_([PanelState.SCHEDULED.value, PanelState.OPEN.value]),
        Panel.starts_at > since,
        Panel.starts_at <= now,
        Panel.ends_at > now,
    )
    ending = and_(Panel.state == PanelState.LIVE.value, Panel.ends_at > since, Panel.ends_at <= now)
    query = select(Panel.id, Panel.state).where(or_(starting, ending)).order_by(Panel.id)
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
    return [
        (panel_id, PanelState.CLOSED if state == PanelState.LIVE else PanelState.LIVE)
        for panel_id, state in rows
    ]


async def follow_schedule(services: Services, window: JobWindow) -> None:
    """Say which panels start soon, take live the panels whose start came, close those whose
    end came."""
    since = window.since or window.now - timedelta(seconds=SCHEDULE_SECONDS)
    await announce_starting(services.db, since, window.now)
    for panel_id, state in await panels_due(services.db, since, window.now):
        try:
            await change_panel_state(
                services.db, SYSTEM, PanelStateInput(panel_id=panel_id, state=state)
            )
        except Unavailable:
            raise
        except FairError as refusal:
            # Someone moved or removed it in between: their move stands.
            logger.info("panel %d not moved to %s: %s", panel_id, state.value, refusal.code)


SCHEDULE = Job("qa.panel_schedule", follow_schedule, every_seconds=SCHEDULE_SECONDS)
