"""The people of a discussion: muting a participant for a time, marking focal points, slow mode,
and the checks a post passes before it is taken (`admit_post`).

A person's standing in a discussion is one row (`DiscussionPerson`): whether they are a focal
point, muted (until when, why), and when they last posted. A post locks that row before it
checks slow mode and writes the time back, so two posts by one person in flight at once are
checked one after the other and the second waits its turn (on PostgreSQL the row lock; on
SQLite writers take turns anyway). Other people's posts never wait for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Executable, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from discussions import events, rules
from discussions.access import RoundAccess, access_discussion
from discussions.actions import threads
from discussions.inputs import FocalPointInput, Muting, Posting, SlowModeInput, Unmuting
from discussions.models import Discussion, DiscussionModerator, DiscussionPerson
from discussions.rules import SLOW_MODE_SECONDS, SlowMode
from fair.core.access import Purpose
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability, Role, can
from fair.core.accounts.viewers import Who
from fair.core.audit import audited
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, Forbidden, NotFound, RateLimited
from fair.core.i18n import gettext as _
from fair.core.i18n import ngettext
from fair.core.tables import utcnow

PARTICIPANT_MUTED = audited(
    "discussions.participant.muted",
    "account",
    "A moderator muted a participant in a discussion for a time, with a reason.",
)
PARTICIPANT_UNMUTED = audited(
    "discussions.participant.unmuted",
    "account",
    "A moderator lifted a participant's mute in a discussion before it ended.",
)
FOCAL_POINT_MARKED = audited(
    "discussions.focal_point.marked",
    "account",
    "A moderator marked a participant as a focal point of a discussion.",
)
FOCAL_POINT_UNMARKED = audited(
    "discussions.focal_point.unmarked",
    "account",
    "A moderator took away a participant's focal-point mark in a discussion.",
)
SLOW_MODE_SET = audited(
    "discussions.slow_mode.set",
    "discussion",
    "A moderator turned a discussion's slow mode on, changed it or turned it off.",
)


async def _standing(tx: Tx, discussion_id: int, user_id: int) -> DiscussionPerson:
    """The person's standing in the discussion, made if missing and locked for the change."""
    values = {
        "discussion_id": discussion_id,
        "user_id": user_id,
        "focal_point": False,
        "muted": False,
        "mute_reason": "",
    }
    made: Executable
    if tx.session.get_bind().dialect.name == "postgresql":
        made = postgresql_insert(DiscussionPerson).values(**values).on_conflict_do_nothing()
    else:
        made = sqlite_insert(DiscussionPerson).values(**values).on_conflict_do_nothing()
    await tx.session.execute(made)
    standing = await tx.session.scalar(
        select(DiscussionPerson)
        .where(DiscussionPerson.discussion_id == discussion_id, DiscussionPerson.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert standing is not None  # made just above, and never deleted
    return standing


async def _person(tx: Tx, user_id: int | None, email: str | None = None) -> User:
    query = select(User).where(User.id == user_id if email is None else User.email == email)
    user = await tx.session.scalar(query)
    if user is None:
        raise NotFound("discussions.person_not_found", _("There is no such person."))
    return user


async def _runs(tx: Tx, discussion_id: int, user: User) -> bool:
    """Whether `user` runs the discussion: one of its moderators, or an organiser."""
    moderator = await tx.session.scalar(
        select(DiscussionModerator.user_id).where(
            DiscussionModerator.discussion_id == discussion_id,
            DiscussionModerator.user_id == user.id,
        )
    )
    return can(Role(user.role), Capability.EDIT_FAIR) or moderator is not None


@dataclass(frozen=True)
class Admitted:
    """What a post that passed the checks carries: the offline group it speaks for, if any."""

    group_name: str | None
    group_size: int | None


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": seconds}
    minutes = -(-seconds // 60)
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}


async def admit_post(tx: Tx, access: RoundAccess, form: Posting, thread_id: int | None) -> Admitted:
    """The checks a post passes in its own transaction, after `access_round` (which refuses a
    muted person): a reply in a locked thread, the group fields from anyone but a focal point,
    and a post sooner than slow mode allows are refused; the post's time is kept."""
    if thread_id is not None:
        await threads.refuse_if_locked(tx.session, access, thread_id)
    discussion = access.discussion.discussion
    standing = await _standing(tx, discussion.id, access.person.user_id)
    if form.group_name is not None and not rules.may_post_for_group(standing.focal_point):
        raise Forbidden(
            "discussions.not_focal_point",
            _("Only the discussion's focal points post on behalf of an offline group."),
        )
    now = utcnow()
    interval = SLOW_MODE_SECONDS[SlowMode(discussion.slow_mode)]
    if rules.paced(access.discussion.moderates):
        wait = rules.post_wait(standing.last_posted_at, now, interval)
        if wait:
            raise RateLimited(
                "discussions.slow_mode",
                _("Slow mode is on here: you may post again in %(wait)s.")
                % {"wait": _wait_text(wait)},
            )
    standing.last_posted_at = now
    return Admitted(form.group_name, form.group_size)


def _record_standing(tx: Tx, user: User, standing: DiscussionPerson) -> None:
    """Tells the discussion's other moderators the person's standing as it now is."""
    tx.record(
        events.StandingChanged(
            standing=events.StandingView(
                discussion_id=standing.discussion_id,
                user_id=user.id,
                display_name=user.display_name,
                muted=rules.is_muted(standing.muted, standing.muted_until, utcnow()),
                muted_until=standing.muted_until,
                mute_reason=standing.mute_reason,
                focal_point=standing.focal_point,
            )
        )
    )


def _mute_snapshot(standing: DiscussionPerson) -> dict[str, object]:
    return {
        "muted": rules.is_muted(standing.muted, standing.muted_until, utcnow()),
        "until": None if standing.muted_until is None else standing.muted_until.isoformat(),
        "reason": standing.mute_reason,
    }


async def mute_participant(db: Database, who: Who, form: Muting) -> events.MuteView:
    """A moderator mutes a participant in the discussion for a time (or until it ends), with a
    reason the person is told (the discussion's moderators see it); a new mute replaces one
    under way. Moderators and organisers are not muted."""
    async with db.transaction(actor_id=who.user_id) as tx:
        access = await access_discussion(
            tx.session, who, form.discussion_id, Purpose.MODERATE, lock=True
        )
        user = await _person(tx, form.user_id)
        if await _runs(tx, form.discussion_id, user):
            raise Conflict(
                "discussions.not_mutable", _("The discussion's moderators cannot be muted.")
            )
        standing = await _standing(tx, form.discussion_id, user.id)
        before = _mute_snapshot(standing)
        standing.muted = True
        standing.muted_until = rules.mute_ends(form.span, utcnow())
        standing.mute_reason = form.reason
        tx.audit(who, PARTICIPANT_MUTED, user.id, before=before, after=_mute_snapshot(standing))
        view = events.MuteView(
            discussion_id=access.discussion.id,
            discussion_slug=access.discussion.slug,
            discussion_title=access.discussion.title,
            until=standing.muted_until,
            reason=standing.mute_reason,
        )
        tx.record(events.ParticipantMuted(mute=view, user_id=user.id))
        _record_standing(tx, user, standing)
    return view


async def unmute_participant(db: Database, who: Who, form: Unmuting) -> None:
    """A moderator lifts a participant's mute before it ends; the person is told, the
    discussion's moderators see it."""
    async with db.transaction(actor_id=who.user_id) as tx:
        access = await access_discussion(
            tx.session, who, form.discussion_id, Purpose.MODERATE, lock=True
        )
        user = await _person(tx, form.user_id)
        standing = await _standing(tx, form.discussion_id, user.id)
        if not rules.is_muted(standing.muted, standing.muted_until, utcnow()):
            raise Conflict("discussions.not_muted", _("This person is not muted here."))
        before = _mute_snapshot(standing)
        standing.muted, standing.muted_until, standing.mute_reason = False, None, ""
        tx.audit(who, PARTICIPANT_UNMUTED, user.id, before=before, after=_mute_snapshot(standing))
        tx.record(
            events.ParticipantUnmuted(
                discussion_id=access.discussion.id,
                discussion_slug=access.discussion.slug,
                user_id=user.id,
            )
        )
        _record_standing(tx, user, standing)


async def set_focal_point(db: Database, who: Who, form: FocalPointInput) -> bool:
    """A moderator marks a participant (by account or e-mail) as a focal point of the
    discussion, or takes the mark away; the person is told, the discussion's moderators see
    it. Marking a focal point again
    changes nothing and records nothing."""
    async with db.transaction(actor_id=who.user_id) as tx:
        access = await access_discussion(
            tx.session, who, form.discussion_id, Purpose.MODERATE, lock=True
        )
        user = await _person(tx, form.user_id, form.email)
        standing = await _standing(tx, form.discussion_id, user.id)
        if standing.focal_point == form.focal:
            return form.focal
        standing.focal_point = form.focal
        tx.audit(
            who,
            FOCAL_POINT_MARKED if form.focal else FOCAL_POINT_UNMARKED,
            user.id,
            before={"focal_point": not form.focal},
            after={"focal_point": form.focal},
        )
        event = events.FocalPointMarked if form.focal else events.FocalPointUnmarked
        tx.record(
            event(
                discussion_id=access.discussion.id,
                discussion_slug=access.discussion.slug,
                user_id=user.id,
            )
        )
        _record_standing(tx, user, standing)
    return form.focal


def slow_mode_view(discussion: Discussion) -> events.SlowModeView:
    mode = SlowMode(discussion.slow_mode)
    return events.SlowModeView(
        mode=mode.value, seconds=SLOW_MODE_SECONDS[mode], reason=discussion.slow_mode_reason
    )


async def set_slow_mode(db: Database, who: Who, form: SlowModeInput) -> events.SlowModeView:
    """A moderator sets the least time between one participant's posts in the discussion (or
    turns it off), with a reason shown to participants. The same setting again changes
    nothing and records nothing."""
    async with db.transaction(actor_id=who.user_id) as tx:
        access = await access_discussion(
            tx.session, who, form.discussion_id, Purpose.MODERATE, lock=True
        )
        discussion = access.discussion
        reason = "" if form.mode is SlowMode.OFF else form.reason
        before = {"mode": discussion.slow_mode, "reason": discussion.slow_mode_reason}
        after = {"mode": form.mode.value, "reason": reason}
        if before == after:
            return slow_mode_view(discussion)
        discussion.slow_mode, discussion.slow_mode_reason = form.mode.value, reason
        view = slow_mode_view(discussion)
        tx.audit(who, SLOW_MODE_SET, discussion.id, before=before, after=after)
        tx.record(events.SlowModeSet(discussion_id=discussion.id, slow_mode=view))
    return view
