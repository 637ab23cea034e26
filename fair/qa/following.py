"""Following a panel: one hears when it is about to start. The schedule job says so once per
panel, `STARTING_SOON` before its start (`announce_starting`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from fair.core.access import Purpose, require_person
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Who
from fair.core.db import Database
from fair.core.notifications import follows
from fair.qa import events, views
from fair.qa.access import access_panel
from fair.qa.channels import PLACE
from fair.qa.inputs import PanelFollowing
from fair.qa.models import Panel
from fair.qa.rules import PanelState

STARTING_SOON = timedelta(minutes=15)


async def set_following(db: Database, who: Who, form: PanelFollowing) -> bool:
    """A logged-in person follows a panel (or stops); whether they follow it now."""
    person = require_person(who, Capability.TAKE_PART)
    async with db.transaction(actor_id=person.user_id) as tx:
        await access_panel(tx.session, who, form.panel_id, Purpose.SEE)
        if await follows.set_following(tx, person.user_id, PLACE, form.panel_id, form.follow):
            tx.record(
                events.PanelFollowed(
                    panel_id=form.panel_id, following=form.follow, user_id=person.user_id
                )
            )
    return form.follow


async def announce_starting(db: Database, since: datetime, now: datetime) -> list[int]:
    """Say "starting soon" for the scheduled or open panels whose start, less
    `STARTING_SOON`, fell in (since, now] (each window once: the schedule's windows do not
    overlap); the panels' ids."""
    async with db.transaction() as tx:
        panels = list(
            await tx.session.scalars(
                select(Panel)
                .where(
                    Panel.state.in_([PanelState.SCHEDULED.value, PanelState.OPEN.value]),
                    Panel.starts_at > since + STARTING_SOON,
                    Panel.starts_at <= now + STARTING_SOON,
                )
                .order_by(Panel.id)
            )
        )
        for panel in panels:
            tx.record(events.PanelStartingSoon(panel=views.panel_view(panel)))
    return [panel.id for panel in panels]
