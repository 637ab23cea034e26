"""Reacting to other people's posts: useful, thanks, question, one of each kind per person."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete

from discussions import events, views
from discussions.access import access_reacting
from discussions.inputs import ReactionToggle
from discussions.models import Reaction
from fair.core.accounts.viewers import Who
from fair.core.db import Database
from fair.core.tables import utcnow


@dataclass(frozen=True)
class Toggled:
    """What a toggle left: whether the person now has that reaction, and the post's counts."""

    pressed: bool
    counts: events.ReactionCounts


async def toggle_reaction(db: Database, who: Who, form: ReactionToggle) -> Toggled:
    """A participant gives a reaction of one kind to another's post in an open round, or
    takes it back if they had given it; everyone following sees the counts, never who."""
    async with db.transaction(actor_id=who.user_id) as tx:
        contribution, access = await access_reacting(tx.session, who, form.contribution_id)
        person = access.person
        removed = await tx.session.execute(
            delete(Reaction).where(
                Reaction.contribution_id == contribution.id,
                Reaction.user_id == person.user_id,
                Reaction.kind == form.kind.value,
            )
        )
        pressed = removed.rowcount == 0  # type: ignore[attr-defined]
        if pressed:
            tx.session.add(
                Reaction(
                    contribution_id=contribution.id,
                    user_id=person.user_id,
                    kind=form.kind.value,
                    at=utcnow(),
                )
            )
        await tx.session.flush()
        counts = await views.reaction_counts(tx.session, contribution.id)
        tx.record(
            events.ReactionsCounted(
                discussion_id=access.round.discussion_id,
                contribution_id=contribution.id,
                reactions=counts,
            )
        )
    return Toggled(pressed, counts)
