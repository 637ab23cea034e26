"""One way to check permission in a discussion: load it (or its round), know whether the
viewer moderates it, authorise."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions import rules
from discussions.models import (
    Contribution,
    Discussion,
    DiscussionModerator,
    DiscussionPerson,
    Round,
)
from discussions.rules import RoundState
from fair.core.access import Purpose, acting, person_of
from fair.core.accounts.viewers import Actor, Person, System, Who
from fair.core.errors import Conflict, Forbidden, NotFound
from fair.core.i18n import gettext as _
from fair.core.tables import utcnow
from fair.core.templates import format_moment
from fair.core.zones import person_zone_name


@dataclass(frozen=True)
class DiscussionAccess:
    discussion: Discussion
    moderator: bool
    """Whether the viewer is one of the discussion's moderators (organisers may be not)."""
    actor: Actor | None
    """Who acts, for any purpose but SEE (None: someone only looking)."""

    @property
    def person(self) -> Person:
        """The person acting: for what only a person does (post, take a stance)."""
        return person_of(self.actor)

    @property
    def moderates(self) -> bool:
        """Whether the actor runs this discussion: one of its moderators, or an organiser."""
        return self.actor is not None and rules.may_moderate(self.actor, self.moderator)


@dataclass(frozen=True)
class RoundAccess:
    round: Round
    discussion: DiscussionAccess

    @property
    def state(self) -> RoundState:
        return RoundState(self.round.state)

    @property
    def actor(self) -> Actor | None:
        return self.discussion.actor

    @property
    def person(self) -> Person:
        return self.discussion.person


async def is_moderator(session: AsyncSession, discussion_id: int, who: Who) -> bool:
    if who.user_id is None:
        return False
    found = await session.scalar(
        select(DiscussionModerator.user_id).where(
            DiscussionModerator.discussion_id == discussion_id,
            DiscussionModerator.user_id == who.user_id,
        )
    )
    return found is not None


async def access_discussion(
    session: AsyncSession, who: Who, discussion_id: int, purpose: Purpose, *, lock: bool = False
) -> DiscussionAccess:
    """The discussion `discussion_id`, if `who` may use it for `purpose`; `lock` serialises
    writers.

    SEE: everyone. CONTRIBUTE (post) and REACT (take a stance): logged-in participants (the
    round must be open too: see `access_round`). MODERATE: its moderators and organisers.
    The platform itself may do anything.
    """
    query = select(Discussion).where(Discussion.id == discussion_id)
    if lock:
        query = query.with_for_update()
    discussion = await session.scalar(query)
    if discussion is None:
        raise NotFound("discussions.not_found", _("There is no such discussion."))
    if isinstance(who, System):
        return DiscussionAccess(discussion, False, who)
    moderator = await is_moderator(session, discussion_id, who)
    if purpose is Purpose.SEE:
        return DiscussionAccess(discussion, moderator, None)
    actor = acting(who)
    if purpose in {Purpose.CONTRIBUTE, Purpose.REACT}:
        if not rules.may_post(who):
            raise Forbidden("discussions.forbidden", _("Your role does not allow this."))
    elif purpose is Purpose.MODERATE:
        if not rules.may_moderate(who, moderator):
            raise Forbidden(
                "discussions.not_moderator", _("Only this discussion's moderators can do this.")
            )
    else:
        raise Forbidden("discussions.forbidden", _("Your role does not allow this."))
    return DiscussionAccess(discussion, moderator, actor)


async def access_round(
    session: AsyncSession, who: Who, round_id: int, purpose: Purpose, *, lock: bool = False
) -> RoundAccess:
    """The round `round_id` and its discussion, if `who` may use it for `purpose`: as
    `access_discussion`, and CONTRIBUTE and REACT only while the round is open.

    A person muted in the discussion is refused CONTRIBUTE and REACT until the mute ends
    (`discussions.muted`, saying until when).

    `lock` for CONTRIBUTE and REACT takes a shared lock (posters do not wait for each other,
    but a closing waits for the posts under way, and they for it) and locks the person's
    standing in the discussion (a mute waits for their writes under way); else an exclusive
    one.
    """
    query = select(Round).where(Round.id == round_id)
    if lock:
        query = query.with_for_update(read=purpose in {Purpose.CONTRIBUTE, Purpose.REACT})
    round_ = await session.scalar(query)
    if round_ is None:
        raise NotFound("discussions.round_not_found", _("There is no such round."))
    discussion = await access_discussion(session, who, round_.discussion_id, purpose)
    if purpose in {Purpose.CONTRIBUTE, Purpose.REACT} and not rules.accepts_contributions(
        RoundState(round_.state)
    ):
        raise Conflict("discussions.round_closed", _("This round is not open for posts."))
    if purpose in {Purpose.CONTRIBUTE, Purpose.REACT} and isinstance(discussion.actor, Person):
        await _refuse_if_muted(session, round_.discussion_id, discussion.actor.user_id, lock=lock)
    return RoundAccess(round_, discussion)


async def _refuse_if_muted(
    session: AsyncSession, discussion_id: int, user_id: int, *, lock: bool
) -> None:
    query = select(DiscussionPerson).where(
        DiscussionPerson.discussion_id == discussion_id, DiscussionPerson.user_id == user_id
    )
    if lock:
        query = query.with_for_update()
    standing = await session.scalar(query.execution_options(populate_existing=True))
    if standing is None or not rules.is_muted(standing.muted, standing.muted_until, utcnow()):
        return
    reason = standing.mute_reason
    if standing.muted_until is None:
        message = _("A moderator muted you in this discussion until it ends: %(reason)s") % {
            "reason": reason
        }
    else:
        # In the muted person's own zone and language, as their pages show it.
        until = format_moment(standing.muted_until, await person_zone_name(session, user_id))
        message = _("A moderator muted you in this discussion until %(until)s: %(reason)s") % {
            "until": until,
            "reason": reason,
        }
    raise Forbidden("discussions.muted", message)


async def access_reacting(
    session: AsyncSession, who: Who, contribution_id: int
) -> tuple[Contribution, RoundAccess]:
    """The shown post `contribution_id` and its round, if `who` may react to it (a stance or
    a reaction): as `access_round` with REACT, and never to one's own post.

    The post's row is locked, so one person's two reactions to it (two tabs) run one after
    the other and the second sees what the first did."""
    contribution = await session.scalar(
        select(Contribution).where(Contribution.id == contribution_id).with_for_update()
    )
    if contribution is None or contribution.hidden:
        raise NotFound("discussions.contribution_not_found", _("There is no such post."))
    access = await access_round(session, who, contribution.round_id, Purpose.REACT, lock=True)
    if not rules.may_react(contribution.author_id, access.person.user_id):
        raise Conflict("discussions.own_contribution", _("This is your own post."))
    return contribution, access
