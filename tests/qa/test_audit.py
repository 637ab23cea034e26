"""The Q&A's audit rows beyond the walk over every action: the schedule audited as the system."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from fair.core.accounts.roles import Role
from fair.core.audit import SYSTEM_ROLE, AuditEntry
from fair.core.contract import JobWindow, Services
from fair.core.tables import utcnow
from fair.qa.inputs import PanelCreation
from fair.qa.jobs import follow_schedule
from fair.qa.setup import create_panel
from tests.support.jobs import services_on
from tests.support.qa import member


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    async with services_on(database_url) as made:
        yield made


async def test_the_schedule_taking_a_panel_live_is_audited_as_the_system(
    services: Services,
) -> None:
    """When the schedule moves a panel, one row says the system did it, from which state to
    which, beside the organiser's row for scheduling it."""
    now = utcnow()
    organiser = await member(services.db, Role.ORGANISER)
    panel = await create_panel(
        services.db,
        organiser.viewer,
        PanelCreation(
            title="Diaspora bonds",
            starts_at=now - timedelta(seconds=30),
            ends_at=now + timedelta(hours=1),
        ),
    )
    await follow_schedule(services, JobWindow(now - timedelta(minutes=1), now))
    async with services.db.reading() as session:
        rows = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [(r.action, r.actor_id, r.actor_role) for r in rows] == [
        ("qa.panel.created", organiser.id, "organiser"),
        ("qa.panel.state_changed", None, SYSTEM_ROLE),
    ]
    assert rows[1].target_id == str(panel.id)
    assert json.loads(rows[1].before or "") == {"state": "scheduled"}
    assert json.loads(rows[1].after or "") == {"state": "live"}
