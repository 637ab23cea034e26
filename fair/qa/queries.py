"""Reading panels: the programme, a panel's queues for each audience, its record and archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core import log
from fair.core.access import Purpose
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.errors import NotFound
from fair.core.exports import Cell
from fair.core.i18n import N_
from fair.core.i18n import gettext as _
from fair.hall import public as hall
from fair.qa import rules, views
from fair.qa.access import access_panel
from fair.qa.channels import PROGRAMME, backstage_channel, moderation_channel, panel_channel
from fair.qa.events import (
    ModeratedQuestion,
    NoteView,
    OwnQuestion,
    PanelView,
    PublicQuestion,
    RecordView,
)
from fair.qa.models import (
    BackstageNote,
    Panel,
    PanelBooth,
    PanelMember,
    Question,
    QuestionEdit,
    Vote,
)
from fair.qa.rules import PanelRole, QuestionState


@dataclass(frozen=True)
class ProgrammeDay:
    day: date
    panels: list[PanelView]


async def programme(db: Database, zone: str) -> list[ProgrammeDay]:
    """Every panel, grouped by day in the fair's zone, in time order."""
    async with db.reading() as session:
        panels = (await session.scalars(select(Panel).order_by(Panel.starts_at, Panel.id))).all()
    days: dict[date, list[PanelView]] = {}
    for panel in panels:
        day = panel.starts_at.astimezone(ZoneInfo(zone)).date()
        days.setdefault(day, []).append(views.panel_view(panel))
    return [ProgrammeDay(day, items) for day, items in days.items()]


async def programme_head(db: Database) -> int:
    """The head of `programme`: a programme read after it is current up to there."""
    async with db.reading() as session:
        return (await log.heads(session, [PROGRAMME]))[PROGRAMME]


@dataclass(frozen=True)
class Person:
    id: int
    display_name: str
    organisation: str


@dataclass(frozen=True)
class PanelPage:
    panel: PanelView
    description: str
    stream_url: str
    interview_url: str
    interview_type: str
    panelists: list[Person]
    moderators: list[Person]
    booths: list[tuple[str, str]]
    questions: list[PublicQuestion]
    my_questions: list[OwnQuestion]
    my_votes: set[int]
    record: RecordView
    head: int
    roles: frozenset[PanelRole]
    may_moderate: bool
    may_answer: bool
    may_edit: bool
    """An organiser: may change the panel (`setup.edit_panel`)."""


def _sorted_public(questions: list[PublicQuestion]) -> list[PublicQuestion]:
    """Unanswered first, by votes then age; answered after."""
    return sorted(
        questions, key=lambda q: (q.state == QuestionState.ANSWERED, -q.votes, q.at, q.id)
    )


async def panel_id_for(db: Database, slug: str) -> int:
    async with db.reading() as session:
        panel_id = await session.scalar(select(Panel.id).where(Panel.slug == slug))
    if panel_id is None:
        raise NotFound("qa.panel_not_found", _("There is no such panel."))
    return panel_id


async def panel_page(db: Database, viewer: Viewer, panel_id: int) -> PanelPage:
    """What a panel's page shows to `viewer`, and the head of `qa:<id>` it was read at."""
    async with db.reading() as session:
        head = (await log.heads(session, [panel_channel(panel_id)]))[panel_channel(panel_id)]
        access = await access_panel(session, viewer, panel_id, Purpose.SEE)
        panel = access.panel
        rows = (
            await session.execute(
                select(Question, User)
                .join(User, User.id == Question.asker_id)
                .where(Question.panel_id == panel_id)
            )
        ).all()
        public = [
            views.public_view(q, u) for q, u in rows if rules.is_public(QuestionState(q.state))
        ]
        mine = [views.own_view(q, panel.title) for q, _u in rows if q.asker_id == viewer.user_id]
        my_votes: set[int] = set()
        if viewer.user_id is not None:
            my_votes = set(
                await session.scalars(
                    select(Vote.question_id)
                    .join(Question, Question.id == Vote.question_id)
                    .where(Question.panel_id == panel_id, Vote.user_id == viewer.user_id)
                )
            )
        members = (
            await session.execute(
                select(PanelMember.role, User)
                .join(User, User.id == PanelMember.user_id)
                .where(PanelMember.panel_id == panel_id)
                .order_by(User.display_name)
            )
        ).all()
        booth_ids = await session.scalars(
            select(PanelBooth.booth_id)
            .where(PanelBooth.panel_id == panel_id)
            .order_by(PanelBooth.booth_id)
        )
        booths = await hall.listed_booths(session, booth_ids)
        interview = await hall.recording(session, panel.interview_media_id)
        return PanelPage(
            panel=views.panel_view(panel),
            description=panel.description,
            stream_url=panel.stream_url,
            interview_url=interview.url if interview else "",
            interview_type=interview.content_type if interview else "",
            panelists=[
                Person(u.id, u.display_name, u.organisation)
                for r, u in members
                if r == PanelRole.PANELIST
            ],
            moderators=[
                Person(u.id, u.display_name, u.organisation)
                for r, u in members
                if r == PanelRole.MODERATOR
            ],
            booths=[(booth.slug, booth.title) for booth in booths],
            questions=_sorted_public(public),
            my_questions=mine,
            my_votes=my_votes,
            record=await views.curation_record(session, panel_id),
            head=head,
            roles=access.roles,
            may_moderate=rules.may_moderate(viewer, access.roles),
            may_answer=rules.may_answer(viewer, access.roles),
            may_edit=viewer.can(Capability.EDIT_FAIR),
        )


@dataclass(frozen=True)
class PanelForm:
    """A panel's edit form: the panel, and what is set on it as the form's fields hold it."""

    panel: PanelView
    values: dict[str, Any]


def _typed(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as a datetime-local field holds it, in `zone` (seconds only if it has some)."""
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%dT%H:%M:%S" if local.second else "%Y-%m-%dT%H:%M")


async def panel_form(db: Database, viewer: Viewer, panel_id: int, zone: str) -> PanelForm:
    """What the edit form of a panel shows, its times typed in `zone` ("Times in")."""
    async with db.reading() as session:
        access = await access_panel(session, viewer, panel_id, Purpose.MODERATE)
        values = await views.panel_settings(session, access.panel)
    for name in ("starts_at", "ends_at"):
        values[name] = _typed(values[name], ZoneInfo(zone))
    return PanelForm(views.panel_view(access.panel), {**values, "zone": zone})


@dataclass(frozen=True)
class ModerationPage:
    panel: PanelView
    pending: list[ModeratedQuestion]
    published: list[ModeratedQuestion]
    decided: list[ModeratedQuestion]
    notes: list[NoteView]
    head: int
    backstage_head: int


async def moderation_page(db: Database, viewer: Viewer, panel_id: int) -> ModerationPage:
    """The moderators' queue: pending first, then the published queue, then the rest."""
    async with db.reading() as session:
        heads = await log.heads(
            session, [moderation_channel(panel_id), backstage_channel(panel_id)]
        )
        access = await access_panel(session, viewer, panel_id, Purpose.MODERATE)
        rows = (
            await session.execute(
                select(Question, User)
                .join(User, User.id == Question.asker_id)
                .where(Question.panel_id == panel_id)
                .order_by(Question.id)
            )
        ).all()
        edited = set(
            await session.scalars(
                select(QuestionEdit.question_id)
                .join(Question, Question.id == QuestionEdit.question_id)
                .where(Question.panel_id == panel_id)
            )
        )
        notes = await _notes(session, panel_id)
    moderated = [views.moderated_view(q, u, edited=q.id in edited) for q, u in rows]
    return ModerationPage(
        panel=views.panel_view(access.panel),
        pending=[q for q in moderated if q.state == QuestionState.PENDING],
        published=sorted(
            (q for q in moderated if rules.is_public(QuestionState(q.state))),
            key=lambda q: (q.state == QuestionState.ANSWERED, -q.votes, q.id),
        ),
        decided=[
            q
            for q in moderated
            if q.state in {QuestionState.REJECTED, QuestionState.MERGED, QuestionState.HIDDEN}
        ],
        notes=notes,
        head=heads[moderation_channel(panel_id)],
        backstage_head=heads[backstage_channel(panel_id)],
    )


async def _notes(session: AsyncSession, panel_id: int) -> list[NoteView]:
    rows = (
        await session.execute(
            select(BackstageNote, User)
            .join(User, User.id == BackstageNote.author_id)
            .where(BackstageNote.panel_id == panel_id)
            .order_by(BackstageNote.id.desc())
            .limit(50)
        )
    ).all()
    return [
        NoteView(id=n.id, author_name=u.display_name, text=n.text, at=n.at)
        for n, u in reversed(rows)
    ]


async def stage_notes(db: Database, viewer: Viewer, panel_id: int) -> tuple[list[NoteView], int]:
    async with db.reading() as session:
        head = (await log.heads(session, [backstage_channel(panel_id)]))[
            backstage_channel(panel_id)
        ]
        await access_panel(session, viewer, panel_id, Purpose.BACKSTAGE)
        return await _notes(session, panel_id), head


ARCHIVE_COLUMNS = (
    N_("Question"),
    N_("Text"),
    N_("Asked by"),
    N_("Asked at (UTC)"),
    N_("State"),
    N_("Why not taken"),
    N_("Merged into"),
    N_("Votes"),
    N_("Answered live"),
    N_("Answer"),
    N_("Answered at (UTC)"),
    N_("Hidden because"),
)


async def archive(db: Database, viewer: Viewer, panel_id: int) -> tuple[str, list[list[Cell]]]:
    """Every question of a panel in every state (published, answered, not taken with the
    reason, merged, hidden), with its votes and answer, for its moderators and organisers:
    the panel's slug and the rows. An anonymous question stays anonymous in the file."""
    async with db.reading() as session:
        panel = (await access_panel(session, viewer, panel_id, Purpose.MODERATE)).panel
        rows = await session.execute(
            select(Question, User.display_name)
            .join(User, User.id == Question.asker_id)
            .where(Question.panel_id == panel_id)
            .order_by(Question.created_at, Question.id)
        )
        return panel.slug, [
            [
                q.id,
                q.text,
                _("anonymous") if q.anonymous else name,
                q.created_at.isoformat(),
                q.state,
                q.reject_reason,
                q.merged_into_id,
                q.votes,
                _("yes") if q.answered_live else "",
                q.answer,
                q.answered_at.isoformat() if q.answered_at else "",
                q.hidden_reason if q.state == QuestionState.HIDDEN else "",
            ]
            for q, name in rows
        ]


def ics(panel: PanelView, base_url: str, description: str) -> str:
    """An iCalendar file for one panel, times in UTC."""

    def stamp(moment: datetime) -> str:
        return moment.strftime("%Y%m%dT%H%M%SZ")

    def escape(text: str) -> str:
        return (
            text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
        )

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//virtual fair//panels//EN",
        "BEGIN:VEVENT",
        f"UID:panel-{panel.id}@{base_url.split('//', 1)[-1].split('/', 1)[0]}",
        f"DTSTAMP:{stamp(panel.starts_at)}",
        f"DTSTART:{stamp(panel.starts_at)}",
        f"DTEND:{stamp(panel.ends_at)}",
        f"SUMMARY:{escape(panel.title)}",
        f"DESCRIPTION:{escape(description[:500])}",
        f"URL:{base_url.rstrip('/')}/panels/{panel.slug}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
