"""Taking part: posting in an open round (new threads and replies), taking stances."""

from __future__ import annotations

from sqlalchemy import delete, select

from discussions import events, views
from discussions.access import RoundAccess, access_round
from discussions.actions import people
from discussions.inputs import (
    Posting,
    StanceInput,
)
from discussions.models import (
    Contribution,
    Stance,
)
from fair.core.access import Purpose
from fair.core.accounts.access import account_of
from fair.core.accounts.viewers import Who
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, NotFound
from fair.core.i18n import gettext as _
from fair.core.tables import utcnow


async def _thread_of(tx: Tx, access: RoundAccess, reply_to_id: int) -> int:
    """The thread a reply to `reply_to_id` goes in: that post's thread, in the same round."""
    replied = await tx.session.get(Contribution, reply_to_id)
    if replied is None or replied.hidden:
        raise NotFound("discussions.contribution_not_found", _("There is no such post."))
    if replied.round_id != access.round.id:
        raise Conflict("discussions.other_round", _("Reply in the round of the post."))
    return replied.thread_id or replied.id


async def post_contribution(db: Database, who: Who, form: Posting) -> events.ContributionView:
    """A participant posts in an open round: a new thread, or a reply in a post's thread."""
    async with db.transaction(actor_id=who.user_id) as tx:
        access = await access_round(tx.session, who, form.round_id, Purpose.CONTRIBUTE, lock=True)
        author = await account_of(tx.session, access.person)
        thread_id = (
            None if form.reply_to_id is None else await _thread_of(tx, access, form.reply_to_id)
        )
        admitted = await people.admit_post(tx, access, form, thread_id)
        contribution = Contribution(
            round_id=access.round.id,
            thread_id=thread_id,
            author_id=author.id,
            body=form.body,
            created_at=utcnow(),
            hidden=False,
            group_name=admitted.group_name,
            group_size=admitted.group_size,
        )
        tx.session.add(contribution)
        await tx.session.flush()
        replies = 0 if thread_id is None else await views.reply_count(tx.session, thread_id)
        view = views.contribution_view(
            contribution, access.round.discussion_id, author.display_name, replies
        )
        tx.record(events.ContributionPosted(contribution=view))
    return view


async def set_stance(db: Database, who: Who, form: StanceInput) -> events.StanceCounts:
    """A participant takes, changes or (with none) takes back their stance on a post."""
    async with db.transaction(actor_id=who.user_id) as tx:
        contribution = await tx.session.scalar(
            select(Contribution).where(Contribution.id == form.contribution_id).with_for_update()
        )
        if contribution is None or contribution.hidden:
            raise NotFound("discussions.contribution_not_found", _("There is no such post."))
        access = await access_round(
            tx.session, who, contribution.round_id, Purpose.REACT, lock=True
        )
        person = access.person
        if contribution.author_id == person.user_id:
            raise Conflict("discussions.own_contribution", _("This is your own post."))
        await tx.session.execute(
            delete(Stance).where(
                Stance.contribution_id == contribution.id, Stance.user_id == person.user_id
            )
        )
        if form.stance is not None:
            tx.session.add(
                Stance(
                    contribution_id=contribution.id,
                    user_id=person.user_id,
                    stance=form.stance.value,
                    at=utcnow(),
                )
            )
        await tx.session.flush()
        counts = await views.stance_counts(tx.session, contribution.id)
        tx.record(
            events.StancesCounted(
                discussion_id=access.round.discussion_id,
                contribution_id=contribution.id,
                stances=counts,
            )
        )
    return counts
