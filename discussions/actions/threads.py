"""Moderating threads: pinning and locking a thread, moving a misplaced post.

A thread is its first post (a contribution with no `thread_id`); pinned and locked are marks on
that post. Moving a post:

- a reply moved into another thread becomes a reply there (in that thread's round);
- a reply moved into a round becomes a thread of its own there;
- a thread's first post moved into a round takes its replies along (the thread moves whole);
- a thread's first post moved into another thread becomes a reply there, and so do its replies
  (the two threads are merged); its pin and lock go, as it no longer starts a thread.

Posts move between rounds of the same discussion that are open or closed (`rules.may_move_post`).
Stances stay with their posts. Each move is one audit row and one event naming both places.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions import events, rules
from discussions.access import RoundAccess, access_round
from discussions.inputs import Move, ThreadLock, ThreadPin
from discussions.models import Contribution
from discussions.rules import RoundState
from fair.core.access import Purpose
from fair.core.accounts.viewers import Who
from fair.core.audit import audited
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, NotFound
from fair.core.i18n import gettext as _

THREAD_PINNED = audited(
    "discussions.thread.pinned", "contribution", "A moderator pinned a thread in its round."
)
THREAD_UNPINNED = audited(
    "discussions.thread.unpinned", "contribution", "A moderator unpinned a thread."
)
THREAD_LOCKED = audited(
    "discussions.thread.locked", "contribution", "A moderator locked a thread against replies."
)
THREAD_UNLOCKED = audited(
    "discussions.thread.unlocked", "contribution", "A moderator unlocked a thread."
)
CONTRIBUTION_MOVED = audited(
    "discussions.contribution.moved",
    "contribution",
    "A moderator moved a misplaced post to another thread or round of the discussion.",
)


async def _thread(session: AsyncSession, thread_id: int) -> Contribution:
    """The first post of thread `thread_id`, locked for the change; a reply or a hidden post is
    no thread."""
    root = await session.scalar(
        select(Contribution).where(Contribution.id == thread_id).with_for_update()
    )
    if root is None or root.hidden or root.thread_id is not None:
        raise NotFound("discussions.thread_not_found", _("There is no such thread."))
    return root


async def refuse_if_locked(session: AsyncSession, access: RoundAccess, thread_id: int) -> None:
    """A reply in a locked thread is refused, but to the discussion's moderators."""
    root = await session.get(Contribution, thread_id, populate_existing=True)
    locked = root is not None and root.locked
    if not rules.may_reply(access.state, locked, access.discussion.moderates):
        raise Conflict(
            "discussions.thread_locked",
            _("A moderator locked this thread: it takes no new replies."),
        )


async def pin_thread(db: Database, who: Who, form: ThreadPin) -> bool:
    """A moderator pins a thread (listed first in its round, for everyone) or unpins it.
    Pinning a pinned thread changes nothing and records nothing."""
    async with db.transaction(actor_id=who.user_id) as tx:
        root = await _thread(tx.session, form.thread_id)
        access = await access_round(tx.session, who, root.round_id, Purpose.MODERATE, lock=True)
        if root.pinned == form.pinned:
            return root.pinned
        root.pinned = form.pinned
        discussion_id = access.round.discussion_id
        tx.audit(
            who,
            THREAD_PINNED if form.pinned else THREAD_UNPINNED,
            root.id,
            before={"pinned": not form.pinned},
            after={"pinned": form.pinned},
        )
        event = events.ThreadPinned if form.pinned else events.ThreadUnpinned
        tx.record(event(discussion_id=discussion_id, round_id=root.round_id, thread_id=root.id))
    return form.pinned


async def lock_thread(db: Database, who: Who, form: ThreadLock) -> bool:
    """A moderator locks a thread (no new replies but from moderators) or unlocks it. Locking
    a locked thread changes nothing and records nothing."""
    async with db.transaction(actor_id=who.user_id) as tx:
        root = await _thread(tx.session, form.thread_id)
        access = await access_round(tx.session, who, root.round_id, Purpose.MODERATE, lock=True)
        if root.locked == form.locked:
            return root.locked
        root.locked = form.locked
        discussion_id = access.round.discussion_id
        tx.audit(
            who,
            THREAD_LOCKED if form.locked else THREAD_UNLOCKED,
            root.id,
            before={"locked": not form.locked},
            after={"locked": form.locked},
        )
        event = events.ThreadLocked if form.locked else events.ThreadUnlocked
        tx.record(event(discussion_id=discussion_id, round_id=root.round_id, thread_id=root.id))
    return form.locked


async def _rounds(
    tx: Tx, who: Who, source_id: int, target_id: int
) -> tuple[RoundAccess, RoundAccess]:
    """Both rounds of a move, authorised for moderating and locked in id order (two moves in
    opposite directions never wait for each other)."""
    found: dict[int, RoundAccess] = {}
    for round_id in sorted({source_id, target_id}):
        found[round_id] = await access_round(tx.session, who, round_id, Purpose.MODERATE, lock=True)
    return found[source_id], found[target_id]


async def move_contribution(db: Database, who: Who, form: Move) -> events.PostPlace:
    """A moderator moves a misplaced post into another thread, or into a round as a thread of
    its own, within the same discussion (see the module's docstring for what comes along)."""
    async with db.transaction(actor_id=who.user_id) as tx:
        # Both posts locked at once, in id order: two moves of each into the other's thread
        # never wait for each other.
        wanted = [form.contribution_id]
        if form.to_thread_id is not None:
            wanted.append(form.to_thread_id)
        locked = {
            c.id: c
            for c in await tx.session.scalars(
                select(Contribution)
                .where(Contribution.id.in_(wanted))
                .order_by(Contribution.id)
                .with_for_update()
            )
        }
        post = locked.get(form.contribution_id)
        if post is None or post.hidden:
            raise NotFound("discussions.contribution_not_found", _("There is no such post."))
        into: Contribution | None = None
        if form.to_thread_id is not None:
            into = await _thread(tx.session, form.to_thread_id)
            target_round_id = into.round_id
        else:
            assert form.to_round_id is not None  # the input holds one place or the other
            target_round_id = form.to_round_id
        source, target = await _rounds(tx, who, post.round_id, target_round_id)
        if source.round.discussion_id != target.round.discussion_id:
            raise Conflict(
                "discussions.other_discussion", _("Posts move only within their discussion.")
            )
        if not rules.may_move_post(RoundState(source.round.state), target.state):
            raise Conflict(
                "discussions.round_not_movable",
                _("Posts move only between rounds that are open or closed."),
            )
        before = events.PostPlace(round_id=post.round_id, thread_id=post.thread_id)
        after = events.PostPlace(
            round_id=target_round_id, thread_id=None if into is None else into.id
        )
        if before == after or (into is not None and into.id == post.id):
            raise Conflict("discussions.same_place", _("The post is already there."))
        carried: list[Contribution] = []
        if post.thread_id is None:
            carried = list(
                await tx.session.scalars(
                    select(Contribution)
                    .where(Contribution.thread_id == post.id)
                    .order_by(Contribution.id)
                    .with_for_update()
                )
            )
        for moved in carried:
            moved.round_id = target_round_id
            if into is not None:
                moved.thread_id = into.id
        post.round_id = target_round_id
        post.thread_id = after.thread_id
        if into is not None:
            post.pinned = post.locked = False
        tx.audit(
            who,
            CONTRIBUTION_MOVED,
            post.id,
            before=before.model_dump(),
            after={**after.model_dump(), "carried": len(carried)},
        )
        tx.record(
            events.ContributionMoved(
                discussion_id=source.round.discussion_id,
                contribution_id=post.id,
                source=before,
                target=after,
                carried=len(carried),
            )
        )
    return after
