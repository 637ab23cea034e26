"""The panel schedule: panels go live at their start and close at their end, as the system."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from fair.core.accounts.roles import Role
from fair.core.contract import JobWindow, Services
from fair.core.tables import utcnow
from fair.qa.channels import panel_channel
from fair.qa.inputs import PanelCreation
from fair.qa.jobs import SCHEDULE_SECONDS, follow_schedule
from fair.qa.models import Panel
from fair.qa.rules import PanelState
from fair.qa.setup import create_panel
from tests.conftest import make_settings
from tests.support.jobs import QUICK, services_on
from tests.support.live_client import live_client
from tests.support.qa import ROUTES, Member, heads_of, logged, member, move_panel, stored_panel
from tests.support.servers import serve

_numbers = itertools.count(1)


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    async with services_on(database_url) as made:
        yield made


async def slot(
    services: Services,
    organiser: Member,
    starts: datetime,
    ends: datetime,
    state: PanelState = PanelState.SCHEDULED,
) -> Panel:
    """A panel from `starts` to `ends`, moved by its organiser to `state`."""
    made = await create_panel(
        services.db,
        organiser.viewer,
        PanelCreation(title=f"Panel {next(_numbers)}", starts_at=starts, ends_at=ends),
    )
    for step in ROUTES[state]:
        made = await move_panel(services.db, organiser.viewer, made.id, step)
    return made


async def state_of(services: Services, panel: Panel) -> PanelState:
    return PanelState((await stored_panel(services.db, panel.id)).state)


async def test_a_panel_whose_start_came_goes_live_with_a_moderators_events(
    services: Services,
) -> None:
    """A scheduled or open panel whose start fell in the window goes live, recording the same
    events as a moderator's move, with no actor."""
    now = utcnow()
    organiser = await member(services.db, Role.ORGANISER)
    scheduled = await slot(
        services, organiser, now - timedelta(seconds=30), now + timedelta(hours=1)
    )
    opened = await slot(
        services, organiser, now - timedelta(seconds=20), now + timedelta(hours=1), PanelState.OPEN
    )
    by_hand = await slot(services, organiser, now + timedelta(hours=2), now + timedelta(hours=3))
    await move_panel(services.db, organiser.viewer, by_hand.id, PanelState.LIVE)
    await follow_schedule(services, JobWindow(now - timedelta(minutes=1), now))
    assert await state_of(services, scheduled) == PanelState.LIVE
    assert await state_of(services, opened) == PanelState.LIVE
    assert await state_of(services, by_hand) == PanelState.LIVE
    [*_, by_job] = await logged(services.db, panel_channel(scheduled.id))
    [*_, moderated] = await logged(services.db, panel_channel(by_hand.id))
    assert (by_job.type, by_job.actor_id) == ("qa.panel.state_changed", None)
    assert moderated.type == by_job.type
    job_view, hand_view = json.loads(by_job.data), json.loads(moderated.data)
    assert job_view.keys() == hand_view.keys() == {"panel"}
    assert job_view["panel"].keys() == hand_view["panel"].keys()
    assert job_view["panel"]["state"] == hand_view["panel"]["state"] == "live"
    assert job_view["panel"]["id"] == scheduled.id


async def test_only_boundaries_inside_the_window_are_acted_on(services: Services) -> None:
    """A start before the window, or still ahead, moves nothing; a start in it does."""
    now = utcnow()
    organiser = await member(services.db, Role.ORGANISER)
    earlier = await slot(services, organiser, now - timedelta(minutes=5), now + timedelta(hours=1))
    later = await slot(services, organiser, now + timedelta(seconds=5), now + timedelta(hours=1))
    inside = await slot(services, organiser, now - timedelta(seconds=5), now + timedelta(hours=1))
    await follow_schedule(services, JobWindow(now - timedelta(minutes=1), now))
    assert [await state_of(services, p) for p in (earlier, later, inside)] == [
        PanelState.SCHEDULED,
        PanelState.SCHEDULED,
        PanelState.LIVE,
    ]


async def test_a_live_panel_whose_end_came_closes(services: Services) -> None:
    """A live panel whose end fell in the window is closed."""
    now = utcnow()
    organiser = await member(services.db, Role.ORGANISER)
    ending = await slot(
        services, organiser, now - timedelta(hours=1), now - timedelta(seconds=10), PanelState.LIVE
    )
    going_on = await slot(
        services, organiser, now - timedelta(hours=1), now + timedelta(hours=1), PanelState.LIVE
    )
    await follow_schedule(services, JobWindow(now - timedelta(minutes=1), now))
    assert await state_of(services, ending) == PanelState.CLOSED
    assert await state_of(services, going_on) == PanelState.LIVE
    [*_, closed] = await logged(services.db, panel_channel(ending.id))
    assert closed.type == "qa.panel.state_changed" and '"state":"closed"' in closed.data


async def test_a_panel_reopened_after_its_end_is_not_closed_again(services: Services) -> None:
    """A moderator who takes a closed panel live again after its end is not overruled."""
    now = utcnow()
    organiser = await member(services.db, Role.ORGANISER)
    made = await slot(
        services, organiser, now - timedelta(hours=1), now - timedelta(seconds=10), PanelState.LIVE
    )
    await follow_schedule(services, JobWindow(now - timedelta(minutes=1), now))
    assert await state_of(services, made) == PanelState.CLOSED
    await move_panel(services.db, organiser.viewer, made.id, PanelState.LIVE)
    await follow_schedule(services, JobWindow(now, now + timedelta(seconds=5)))
    assert await state_of(services, made) == PanelState.LIVE


async def test_a_slot_that_passed_while_the_fair_was_down(services: Services) -> None:
    """After downtime spanning a whole slot, a live panel is closed and a scheduled one is left
    for the organisers (it is neither taken live late nor closed without having run)."""
    now = utcnow()
    organiser = await member(services.db, Role.ORGANISER)
    starts, ends = now - timedelta(hours=2), now - timedelta(hours=1)
    was_live = await slot(services, organiser, starts, ends, PanelState.LIVE)
    never_started = await slot(services, organiser, starts, ends)
    await follow_schedule(services, JobWindow(now - timedelta(hours=3), now))
    assert await state_of(services, was_live) == PanelState.CLOSED
    assert await state_of(services, never_started) == PanelState.SCHEDULED


async def test_the_first_run_ever_looks_back_one_interval(services: Services) -> None:
    """With no previous run, the window is the job's interval before now."""
    now = utcnow()
    organiser = await member(services.db, Role.ORGANISER)
    just = await slot(
        services, organiser, now - timedelta(seconds=SCHEDULE_SECONDS / 2), now + timedelta(hours=1)
    )
    long_ago = await slot(
        services, organiser, now - timedelta(seconds=SCHEDULE_SECONDS * 2), now + timedelta(hours=1)
    )
    await follow_schedule(services, JobWindow(None, now))
    assert await state_of(services, just) == PanelState.LIVE
    assert await state_of(services, long_ago) == PanelState.SCHEDULED


async def test_a_follower_of_the_panel_sees_it_go_live_on_time(sqlite_url: str) -> None:
    """On a running fair, a client following `qa:<id>` receives the state change when the
    panel's start comes, and the panel's page data says live."""
    settings = make_settings(sqlite_url, **QUICK, job_intervals=("qa.panel_schedule=0.05",))
    async with serve(settings) as server:
        db = server.services.db
        organiser = await member(db, Role.ORGANISER)
        now = utcnow()
        made = await create_panel(
            db,
            organiser.viewer,
            PanelCreation(
                title="Remittances that build",
                starts_at=now + timedelta(milliseconds=300),
                ends_at=now + timedelta(hours=1),
            ),
        )
        channel = panel_channel(made.id)
        since = (await heads_of(db, [channel]))[channel]
        async with live_client(server.ws_url) as client:
            await client.follow(channel, since=since)
            [frame] = await client.events(panel_channel(made.id), 1)
    assert frame["type"] == "qa.panel.state_changed"
    assert frame["data"]["panel"]["state"] == "live"
    async with services_on(sqlite_url) as services:
        assert await state_of(services, made) == PanelState.LIVE
