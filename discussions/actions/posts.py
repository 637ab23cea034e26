"""Taking part: posting in an open round (new threads and replies, quotes, references to booths
and panels), taking stances."""

from __future__ import annotations

from sqlalchemy import delete, select

from discussions import events, rules, views
from discussions.access import RoundAccess, access_reacting, access_round
from discussions.actions import people
from discussions.inputs import (
    Posting,
    StanceInput,
)
from discussions.models import Contribution, Quote, Reference, Round, Stance
from discussions.rules import ReferenceKind
from fair.core.access import Purpose
from fair.core.accounts.access import account_of
from fair.core.accounts.models import User
from fair.core.accounts.viewers import Who
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, NotFound
from fair.core.i18n import gettext as _
from fair.core.tables import utcnow
from fair.hall.public import listed_booths_by_slug
from fair.qa.public import panel_links


async def _thread_of(tx: Tx, access: RoundAccess, reply_to_id: int) -> int:
    """The thread a reply to `reply_to_id` goes in: that post's thread, in the same round."""
    replied = await tx.session.get(Contribution, reply_to_id)
    if replied is None or replied.hidden:
        raise NotFound("discussions.contribution_not_found", _("There is no such post."))
    if replied.round_id != access.round.id:
        raise Conflict("discussions.other_round", _("Reply in the round of the post."))
    return replied.thread_id or replied.id


async def _quote_of(tx: Tx, access: RoundAccess, quote_id: int) -> events.QuoteView:
    """The post quoted: shown (not hidden), and in the same discussion."""
    row = (
        await tx.session.execute(
            select(Contribution, Round.discussion_id, User.display_name)
            .join(Round, Round.id == Contribution.round_id)
            .join(User, User.id == Contribution.author_id)
            .where(Contribution.id == quote_id)
        )
    ).first()
    if row is None or row[0].hidden:
        raise NotFound("discussions.contribution_not_found", _("There is no such post."))
    quoted, discussion_id, author_name = row
    if discussion_id != access.round.discussion_id:
        raise Conflict("discussions.other_discussion", _("Quote a post of the same discussion."))
    return views.quote_view(quoted, author_name)


async def _references(
    tx: Tx, contribution_id: int, body: str, origins: frozenset[str]
) -> list[events.ReferenceCard]:
    """Store the booths and panels the post names that everyone may see now (a draft booth,
    an unknown address or id stays plain text); their cards, in the order named."""
    mentions = rules.mentions_in(body, origins)
    booth_slugs = [m.slug for m in mentions if m.kind is ReferenceKind.BOOTH and m.slug]
    panel_ids = [m.id for m in mentions if m.kind is ReferenceKind.PANEL and m.id]
    panel_slugs = [m.slug for m in mentions if m.kind is ReferenceKind.PANEL and m.slug]
    booths = await listed_booths_by_slug(tx.session, booth_slugs)
    panels = await panel_links(tx.session, ids=panel_ids, slugs=panel_slugs)
    panels_by_id = {p.id: p for p in panels}
    panels_by_slug = {p.slug: p for p in panels}
    cards: list[events.ReferenceCard] = []
    stored: set[tuple[str, int]] = set()
    for mention in mentions:
        if mention.kind is ReferenceKind.BOOTH:
            booth = booths.get(mention.slug or "")
            if booth is None:
                continue
            target = (ReferenceKind.BOOTH.value, booth.id)
            card = events.ReferenceCard(
                kind=target[0], title=booth.title, href=f"/booths/{booth.slug}"
            )
        else:
            panel = (
                panels_by_id.get(mention.id)
                if mention.id is not None
                else panels_by_slug.get(mention.slug or "")
            )
            if panel is None:
                continue
            target = (ReferenceKind.PANEL.value, panel.id)
            card = events.ReferenceCard(
                kind=target[0], title=panel.title, href=f"/panels/{panel.slug}"
            )
        if target in stored:
            continue
        stored.add(target)
        tx.session.add(
            Reference(
                contribution_id=contribution_id,
                kind=target[0],
                target_id=target[1],
                position=len(cards),
            )
        )
        cards.append(card)
    return cards


async def post_contribution(
    db: Database, who: Who, form: Posting, *, origins: frozenset[str] = frozenset()
) -> events.ContributionView:
    """A participant posts in an open round: a new thread, or a reply in a post's thread; it
    may quote a post of the discussion, and the booths and panels it names become links (a
    pasted address counts when it is on one of the fair's `origins`)."""
    async with db.transaction(actor_id=who.user_id) as tx:
        access = await access_round(tx.session, who, form.round_id, Purpose.CONTRIBUTE, lock=True)
        author = await account_of(tx.session, access.person)
        thread_id = (
            None if form.reply_to_id is None else await _thread_of(tx, access, form.reply_to_id)
        )
        quote = None if form.quote_id is None else await _quote_of(tx, access, form.quote_id)
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
        if quote is not None:
            tx.session.add(Quote(contribution_id=contribution.id, quote_id=quote.id))
        references = await _references(tx, contribution.id, form.body, origins)
        replies = 0 if thread_id is None else await views.reply_count(tx.session, thread_id)
        view = views.contribution_view(
            contribution,
            access.round.discussion_id,
            author.display_name,
            replies,
            quote=quote,
            references=references,
        )
        tx.record(events.ContributionPosted(contribution=view))
    return view


async def set_stance(db: Database, who: Who, form: StanceInput) -> events.StanceCounts:
    """A participant takes, changes or (with none) takes back their stance on a post."""
    async with db.transaction(actor_id=who.user_id) as tx:
        contribution, access = await access_reacting(tx.session, who, form.contribution_id)
        person = access.person
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
