"""Making Q&A things for tests through the real actions: people with logins, panels, questions."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from fair.core.accounts.models import User
from fair.core.accounts.queries import viewer_for
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.log import LoggedEvent, heads
from fair.core.security import LOGIN_COOKIE
from fair.core.tables import utcnow
from fair.qa import actions
from fair.qa.inputs import Ask, Decision, PanelCreation, PanelStateInput
from fair.qa.models import BackstageNote, Panel, Question, QuestionEdit, Vote
from fair.qa.rules import Moderation, PanelState, RejectReason
from fair.qa.setup import create_panel
from tests.support.factories import login_cookies, person
from tests.support.live_client import LiveClient

# How a new (scheduled) panel reaches each state, one allowed move at a time.
ROUTES: dict[PanelState, tuple[PanelState, ...]] = {
    PanelState.SCHEDULED: (),
    PanelState.OPEN: (PanelState.OPEN,),
    PanelState.LIVE: (PanelState.LIVE,),
    PanelState.CLOSED: (PanelState.LIVE, PanelState.CLOSED),
    PanelState.ARCHIVED: (PanelState.LIVE, PanelState.CLOSED, PanelState.ARCHIVED),
}


@dataclass(frozen=True)
class Member:
    """An account, the viewer of a fresh login of it, and that login's cookies."""

    user: User
    viewer: Viewer
    cookies: dict[str, str]

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.display_name


async def member(db: Database, role: Role = Role.PARTICIPANT, name: str | None = None) -> Member:
    """A new account with `role`, logged in."""
    user = await person(db, role, name)
    cookies = await login_cookies(db, user)
    viewer = await viewer_for(db, cookies[LOGIN_COOKIE], f"visitor-of-{user.id}")
    assert viewer.user_id == user.id
    return Member(user, viewer, cookies)


async def members(db: Database, *wanted: Role | str) -> list[Member]:
    """Several new accounts at once (password hashing is slow): a role, or a participant's name."""
    return list(
        await asyncio.gather(
            *(
                member(db, item) if isinstance(item, Role) else member(db, name=item)
                for item in wanted
            )
        )
    )


@dataclass(frozen=True)
class Cast:
    """A panel and its people: the organiser who set it up, its moderator, its panelists (if
    asked for) and participants who are neither."""

    panel: Panel
    organiser: Member
    moderator: Member
    participants: list[Member]
    panelists: list[Member]

    @property
    def panel_id(self) -> int:
        return self.panel.id

    @property
    def panelist(self) -> Member:
        assert self.panelists, "this cast has no panelist: ask cast() for one"
        return self.panelists[0]


async def move_panel(db: Database, actor: Viewer, panel_id: int, state: PanelState) -> Panel:
    return await actions.change_panel_state(
        db, actor, PanelStateInput(panel_id=panel_id, state=state)
    )


async def panel(
    db: Database,
    organiser: Member,
    *,
    state: PanelState = PanelState.LIVE,
    moderation: Moderation = Moderation.PRE,
    moderators: Sequence[Member] = (),
    panelists: Sequence[Member] = (),
    title: str = "Remittances that build",
) -> Panel:
    """A panel scheduled by `organiser`, then moved by them to `state`."""
    starts = utcnow() + timedelta(minutes=-10)
    made = await create_panel(
        db,
        organiser.viewer,
        PanelCreation(
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            moderation=moderation,
            moderators=[m.user.email for m in moderators],
            panelists=[p.user.email for p in panelists],
        ),
    )
    for step in ROUTES[state]:
        made = await move_panel(db, organiser.viewer, made.id, step)
    return made


async def cast(
    db: Database,
    *participants: str,
    panelist: bool = False,
    state: PanelState = PanelState.LIVE,
    moderation: Moderation = Moderation.PRE,
) -> Cast:
    """A panel in `state` with a moderator, a panelist if asked for, and named participants
    (one called Amina if none are named)."""
    names = list(participants or ("Amina",))
    staff = [Role.ORGANISER, Role.MODERATOR, *([Role.PANELIST] if panelist else [])]
    people = await members(db, *staff, *names)
    organiser, moderator = people[:2]
    panelists, others = people[2 : len(staff)], people[len(staff) :]
    made = await panel(
        db,
        organiser,
        state=state,
        moderation=moderation,
        moderators=[moderator],
        panelists=panelists,
    )
    return Cast(made, organiser, moderator, others, panelists)


async def ask(
    db: Database, asker: Member, panel_id: int, text: str, *, anonymous: bool = False
) -> int:
    """`asker` asks `text` at the panel; returns the question's id."""
    own = await actions.ask_question(
        db, asker.viewer, Ask(panel_id=panel_id, text=text, anonymous=anonymous)
    )
    return own.id


async def approve(db: Database, moderator: Member, question_id: int) -> None:
    await actions.decide(db, moderator.viewer, Decision(question_id=question_id, approve=True))


async def reject(db: Database, moderator: Member, question_id: int, reason: RejectReason) -> None:
    await actions.decide(
        db, moderator.viewer, Decision(question_id=question_id, approve=False, reason=reason)
    )


async def question(db: Database, question_id: int) -> Question:
    async with db.reading() as session:
        row = await session.get(Question, question_id)
    assert row is not None
    return row


async def stored_panel(db: Database, panel_id: int) -> Panel:
    async with db.reading() as session:
        row = await session.get(Panel, panel_id)
    assert row is not None
    return row


async def voters(db: Database, question_id: int) -> set[int]:
    """The accounts that hold a vote row for the question."""
    async with db.reading() as session:
        return set(
            await session.scalars(select(Vote.user_id).where(Vote.question_id == question_id))
        )


async def logged(db: Database, channel: str) -> list[LoggedEvent]:
    """The events recorded on `channel`, in order."""
    async with db.reading() as session:
        return list(
            await session.scalars(
                select(LoggedEvent).where(LoggedEvent.channel == channel).order_by(LoggedEvent.seq)
            )
        )


async def everything_logged(db: Database) -> list[LoggedEvent]:
    async with db.reading() as session:
        return list(await session.scalars(select(LoggedEvent).order_by(LoggedEvent.id)))


def _row(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, column.key) for column in obj.__table__.columns)


async def snapshot(db: Database) -> dict[str, Any]:
    """Every Q&A row, and how many events the log holds: to prove a refusal changed nothing."""
    async with db.reading() as session:
        state: dict[str, Any] = {}
        for model in (Panel, Question, Vote, QuestionEdit, BackstageNote):
            rows = await session.scalars(select(model))
            state[model.__tablename__] = sorted(_row(r) for r in rows)
        state["events"] = await session.scalar(select(func.count(LoggedEvent.id)))
    return state


async def collect_until(client: LiveClient, until: dict[str, int]) -> list[dict[str, Any]]:
    """Every frame `client` receives until it has seen each channel's events up to its head."""
    seen = dict.fromkeys(until, 0)
    frames: list[dict[str, Any]] = []
    async with asyncio.timeout(30):
        while any(seen[channel] < head for channel, head in until.items()):
            frame = await client.frames.get()
            frames.append(frame)
            channel = frame.get("channel")
            if frame.get("kind") == "event" and channel in seen:
                seen[channel] = max(seen[channel], int(frame["seq"]))
    return frames


async def heads_of(db: Database, channels: Iterable[str]) -> dict[str, int]:
    async with db.reading() as session:
        return await heads(session, channels)
