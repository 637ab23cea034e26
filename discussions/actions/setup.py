"""Setting up and running discussions: themes, discussions, rounds and their moves.

Everything recorded here is public (`discussions` and `discussion:<id>`); the events name
their own channels.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions import events, views
from discussions.access import RoundAccess, access_discussion, access_round
from discussions.inputs import (
    DiscussionCreation,
    Extension,
    RoundCreation,
    RoundRef,
    ThemeCreation,
)
from discussions.models import (
    Discussion,
    DiscussionModerator,
    Round,
    Theme,
)
from discussions.rules import RoundState, may_extend, may_move_round
from fair.core.access import Purpose, require
from fair.core.accounts.access import accounts_by_email
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Who
from fair.core.audit import audited
from fair.core.db import Database
from fair.core.errors import Conflict, NotFound
from fair.core.i18n import gettext as _
from fair.core.slugs import MAX_SLUG, slugify
from fair.core.tables import utcnow
from fair.core.zones import form_zone, in_zone

THEME_CREATED = audited(
    "discussions.theme.created", "discussion_theme", "An organiser set up a theme of discussions."
)
DISCUSSION_CREATED = audited(
    "discussions.discussion.created",
    "discussion",
    "An organiser set up a discussion and named its moderators.",
)
ROUND_ADDED = audited("discussions.round.added", "round", "A moderator planned a round.")
ROUND_OPENED = audited(
    "discussions.round.opened", "round", "A moderator (or the schedule) opened a round."
)
ROUND_CLOSED = audited(
    "discussions.round.closed", "round", "A moderator (or the schedule) closed a round."
)
ROUND_EXTENDED = audited(
    "discussions.round.extended", "round", "A moderator moved a round's deadline later."
)


def _round_snapshot(round_: Round) -> dict[str, object]:
    return {
        "state": round_.state,
        "opens_at": round_.opens_at.isoformat(),
        "closes_at": round_.closes_at.isoformat(),
    }


async def _free_slug(
    session: AsyncSession, model: type[Theme] | type[Discussion], slug: str
) -> str:
    """`slug`, or `slug-2`, `slug-3`... (within MAX_SLUG): the first address no other row of
    `model` has."""
    stem = slug[: MAX_SLUG - 4]
    taken = set(
        await session.scalars(
            select(model.slug).where(model.slug.startswith(stem, autoescape=True))
        )
    )
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


async def create_theme(db: Database, who: Who, form: ThemeCreation) -> events.ThemeView:
    """An organiser sets up a theme that will hold discussions."""
    actor = require(who, Capability.EDIT_FAIR)
    async with db.transaction(actor_id=actor.user_id) as tx:
        slug = await _free_slug(tx.session, Theme, slugify(form.slug or form.name, "theme"))
        theme = Theme(
            slug=slug, name=form.name, introduction=form.introduction, created_at=utcnow()
        )
        tx.session.add(theme)
        await tx.session.flush()
        view = events.ThemeView(id=theme.id, slug=theme.slug, name=theme.name)
        tx.audit(actor, THEME_CREATED, theme.id, after={"slug": theme.slug, "name": theme.name})
        tx.record(events.ThemeCreated(theme=view))
    return view


async def create_discussion(
    db: Database, who: Who, form: DiscussionCreation
) -> events.DiscussionView:
    """An organiser sets up a discussion in a theme, with the people who moderate it."""
    actor = require(who, Capability.EDIT_FAIR)
    async with db.transaction(actor_id=actor.user_id) as tx:
        if await tx.session.get(Theme, form.theme_id) is None:
            raise NotFound("discussions.theme_not_found", _("There is no such theme."))
        emails = list(dict.fromkeys(form.moderators))
        people = await accounts_by_email(tx.session, emails, "moderators")
        slug = await _free_slug(
            tx.session, Discussion, slugify(form.slug or form.title, "discussion")
        )
        discussion = Discussion(
            theme_id=form.theme_id,
            slug=slug,
            title=form.title,
            introduction=form.introduction,
            created_at=utcnow(),
        )
        tx.session.add(discussion)
        await tx.session.flush()
        for email in emails:
            tx.session.add(
                DiscussionModerator(discussion_id=discussion.id, user_id=people[email].id)
            )
        view = events.DiscussionView(
            id=discussion.id,
            theme_id=discussion.theme_id,
            slug=discussion.slug,
            title=discussion.title,
        )
        tx.audit(
            actor,
            DISCUSSION_CREATED,
            discussion.id,
            after={"slug": discussion.slug, "title": discussion.title, "moderators": emails},
        )
        tx.record(events.DiscussionCreated(discussion=view))
    return view


async def add_round(db: Database, who: Who, form: RoundCreation) -> events.RoundView:
    """A moderator plans the discussion's next round; times are read in the zone chosen."""
    async with db.transaction(actor_id=who.user_id) as tx:
        await access_discussion(tx.session, who, form.discussion_id, Purpose.MODERATE, lock=True)
        last = await tx.session.scalar(
            select(func.max(Round.position)).where(Round.discussion_id == form.discussion_id)
        )
        zone = await form_zone(tx.session, form.zone)
        round_ = Round(
            discussion_id=form.discussion_id,
            position=(last or 0) + 1,
            question=form.question,
            opens_at=in_zone(form.opens_at, zone),
            closes_at=in_zone(form.closes_at, zone),
            state=RoundState.PLANNED.value,
        )
        tx.session.add(round_)
        await tx.session.flush()
        view = views.round_view(round_)
        tx.audit(who, ROUND_ADDED, round_.id, after=_round_snapshot(round_))
        tx.record(events.RoundAdded(round=view))
    return view


def _move(access: RoundAccess, target: RoundState) -> None:
    current = access.state
    if not may_move_round(current, target):
        raise Conflict(
            "discussions.bad_transition",
            _("A %(current)s round cannot become %(target)s.")
            % {"current": current.value, "target": target.value},
        )
    access.round.state = target.value


async def open_round(db: Database, who: Who, form: RoundRef) -> events.RoundView:
    """A moderator (or the schedule, at its time) opens a planned round, or re-opens a
    closed one."""
    async with db.transaction(actor_id=who.user_id) as tx:
        access = await access_round(tx.session, who, form.round_id, Purpose.MODERATE, lock=True)
        before = _round_snapshot(access.round)
        _move(access, RoundState.OPEN)
        tx.audit(
            who, ROUND_OPENED, access.round.id, before=before, after=_round_snapshot(access.round)
        )
        view = views.round_view(access.round)
        tx.record(events.RoundOpened(round=view))
    return view


async def close_round(db: Database, who: Who, form: RoundRef) -> events.RoundView:
    """A moderator (or the schedule, at its deadline) closes an open round."""
    async with db.transaction(actor_id=who.user_id) as tx:
        access = await access_round(tx.session, who, form.round_id, Purpose.MODERATE, lock=True)
        before = _round_snapshot(access.round)
        _move(access, RoundState.CLOSED)
        tx.audit(
            who, ROUND_CLOSED, access.round.id, before=before, after=_round_snapshot(access.round)
        )
        view = views.round_view(access.round)
        tx.record(events.RoundClosed(round=view))
    return view


async def extend_round(db: Database, who: Who, form: Extension) -> events.RoundView:
    """A moderator moves a planned or open round's deadline later."""
    async with db.transaction(actor_id=who.user_id) as tx:
        access = await access_round(tx.session, who, form.round_id, Purpose.MODERATE, lock=True)
        closes_at = in_zone(form.closes_at, await form_zone(tx.session, form.zone))
        if not may_extend(access.state, access.round.closes_at, closes_at):
            raise Conflict(
                "discussions.bad_deadline",
                _("Only a planned or open round's deadline can be moved, and only later."),
            )
        before = _round_snapshot(access.round)
        access.round.closes_at = closes_at
        tx.audit(
            who, ROUND_EXTENDED, access.round.id, before=before, after=_round_snapshot(access.round)
        )
        view = views.round_view(access.round)
        tx.record(events.RoundExtended(round=view))
    return view
