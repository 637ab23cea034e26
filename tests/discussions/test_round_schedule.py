"""The round schedule: rounds open at their time and close at their deadline, by a job that
acts only on the boundaries crossed in its window, as a moderator's move would."""

from __future__ import annotations

from datetime import datetime, timedelta

from discussions.actions.setup import open_round
from discussions.channels import discussion_channel
from discussions.inputs import RoundRef
from discussions.jobs import SCHEDULE_SECONDS, follow_schedule
from discussions.models import Round
from discussions.rules import RoundState
from fair.core.accounts.roles import Role
from fair.core.contract import JobWindow
from fair.core.db import Database
from fair.core.tables import utcnow
from tests.conftest import make_settings
from tests.support.discussions import discussion, round_in
from tests.support.jobs import QUICK, services_on
from tests.support.live_client import live_client
from tests.support.qa import heads_of, logged, members
from tests.support.servers import serve


async def state_of(db: Database, round_id: int) -> RoundState:
    async with db.reading() as session:
        found = await session.get(Round, round_id)
    assert found is not None
    return RoundState(found.state)


async def planned(db: Database, talk: int, opens_at: datetime, closes_at: datetime) -> int:
    now = utcnow()
    return await round_in(
        db, talk, RoundState.PLANNED, opens_in=opens_at - now, lasts=closes_at - opens_at
    )


async def test_the_job_opens_and_closes_rounds_whose_times_fell_in_its_window(
    sqlite_url: str,
) -> None:
    """A planned round whose opening fell in (since, now] opens; an open round whose deadline
    fell in it closes; a round whose times are ahead is left alone."""
    async with services_on(sqlite_url) as services:
        db = services.db
        (moderator,) = await members(db, Role.MODERATOR)
        talk = await discussion(db, [moderator])
        now = utcnow()
        since = now - timedelta(minutes=1)
        opening = await planned(db, talk, now - timedelta(seconds=30), now + timedelta(days=1))
        closing = await round_in(
            db, talk, opens_in=timedelta(days=-1), lasts=timedelta(days=1, seconds=-30)
        )
        ahead = await planned(db, talk, now + timedelta(hours=1), now + timedelta(days=1))
        await follow_schedule(services, JobWindow(since, now))
        assert await state_of(db, opening) == RoundState.OPEN
        assert await state_of(db, closing) == RoundState.CLOSED
        assert await state_of(db, ahead) == RoundState.PLANNED
        kinds = [e.type for e in await logged(db, discussion_channel(talk))][-2:]
        assert sorted(kinds) == ["discussions.round.closed", "discussions.round.opened"]


async def test_a_moderators_reopening_after_the_deadline_is_not_overruled(
    sqlite_url: str,
) -> None:
    """A round re-opened by its moderator after its deadline stays open at the next ticks:
    only deadlines crossed in the job's window count."""
    async with services_on(sqlite_url) as services:
        db = services.db
        (moderator,) = await members(db, Role.MODERATOR)
        talk = await discussion(db, [moderator])
        round_id = await round_in(db, talk, RoundState.CLOSED, lasts=timedelta(hours=1))
        await open_round(db, moderator.viewer, RoundRef(round_id=round_id))
        now = utcnow()
        await follow_schedule(services, JobWindow(now - timedelta(seconds=SCHEDULE_SECONDS), now))
        await follow_schedule(services, JobWindow(None, now))
        assert await state_of(db, round_id) == RoundState.OPEN


async def test_a_round_whose_whole_window_passed_while_down_stays_planned(
    sqlite_url: str,
) -> None:
    """A planned round whose opening and deadline both passed is left for its moderators."""
    async with services_on(sqlite_url) as services:
        db = services.db
        (moderator,) = await members(db, Role.MODERATOR)
        talk = await discussion(db, [moderator])
        now = utcnow()
        gone = await planned(db, talk, now - timedelta(seconds=40), now - timedelta(seconds=20))
        await follow_schedule(services, JobWindow(now - timedelta(minutes=1), now))
        assert await state_of(db, gone) == RoundState.PLANNED


async def test_a_follower_sees_the_round_open_on_time(sqlite_url: str) -> None:
    """On a running fair, a client following `discussion:<id>` gets the round's opening when
    its time comes."""
    settings = make_settings(
        sqlite_url, **QUICK, job_intervals=("discussions.round_schedule=0.05",)
    )
    async with serve(settings) as server:
        db = server.services.db
        (moderator,) = await members(db, Role.MODERATOR)
        talk = await discussion(db, [moderator])
        now = utcnow()
        round_id = await planned(
            db, talk, now + timedelta(milliseconds=300), now + timedelta(days=1)
        )
        channel = discussion_channel(talk)
        since = (await heads_of(db, [channel]))[channel]
        async with live_client(server.ws_url) as client:
            await client.follow(channel, since=since)
            [frame] = await client.events(channel, 1)
    assert frame["type"] == "discussions.round.opened"
    assert frame["data"]["round"]["id"] == round_id
    assert frame["data"]["round"]["state"] == "open"
