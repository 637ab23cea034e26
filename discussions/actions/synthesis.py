"""Writing a closed round's synthesis: drafts its moderators see, then publishing it, which
moves the round to synthesised and tells everyone following (and each cited author)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions import events, views
from discussions.access import access_round
from discussions.inputs import RoundRef, SynthesisDraft
from discussions.models import Citation, Contribution, Synthesis
from discussions.rules import (
    MAX_CITATIONS,
    RoundState,
    cited_in,
    may_move_round,
    may_write_synthesis,
)
from fair.core.access import Purpose
from fair.core.accounts.models import User
from fair.core.accounts.viewers import Who
from fair.core.audit import audited
from fair.core.db import Database
from fair.core.errors import Conflict, Invalid
from fair.core.i18n import gettext as _
from fair.core.tables import utcnow

SYNTHESIS_SAVED = audited(
    "discussions.synthesis.saved", "round", "A moderator saved a closed round's synthesis draft."
)
SYNTHESIS_PUBLISHED = audited(
    "discussions.synthesis.published",
    "round",
    "A moderator published a round's synthesis; the round became synthesised.",
)


async def citable(
    session: AsyncSession, round_id: int, post_ids: list[int]
) -> dict[int, tuple[Contribution, str]]:
    """The posts among `post_ids` a synthesis of round `round_id` may cite (its own visible
    posts), with their authors' names; refuses if any other is among them."""
    rows = (
        await session.execute(
            select(Contribution, User.display_name)
            .join(User, User.id == Contribution.author_id)
            .where(
                Contribution.id.in_(post_ids),
                Contribution.round_id == round_id,
                Contribution.hidden.is_(False),
            )
        )
    ).all()
    found = {c.id: (c, name) for c, name in rows}
    missing = [post_id for post_id in post_ids if post_id not in found]
    if missing:
        raise Conflict(
            "discussions.bad_citation",
            _("Only this round's visible posts can be cited (not: %(ids)s).")
            % {"ids": ", ".join(str(post_id) for post_id in missing)},
        )
    return found


async def save_synthesis(db: Database, who: Who, form: SynthesisDraft) -> list[int]:
    """A moderator writes (or rewrites) a closed round's synthesis as a draft, citing posts of
    the round inline (`[[12]]`) or picked from its list; the discussion's other moderators
    see the draft. The posts cited, in order."""
    async with db.transaction(actor_id=who.user_id) as tx:
        access = await access_round(tx.session, who, form.round_id, Purpose.MODERATE, lock=True)
        if not may_write_synthesis(access.state):
            raise Conflict(
                "discussions.not_closed",
                _("A synthesis is written once its round has closed, until it is published."),
            )
        cited = cited_in(form.body, form.cited_ids)
        if len(cited) > MAX_CITATIONS:
            raise Invalid(
                "input.invalid",
                _("Some fields are missing or not valid."),
                fields={"body": _("Cite at most %(n)d posts.") % {"n": MAX_CITATIONS}},
            ).about(SynthesisDraft)
        await citable(tx.session, access.round.id, cited)
        synthesis = await tx.session.get(Synthesis, access.round.id)
        before: dict[str, object] | None = None
        if synthesis is None:
            synthesis = Synthesis(round_id=access.round.id, published=False)
            tx.session.add(synthesis)
        else:
            before = {"length": len(synthesis.body), "cited": await _cited(tx.session, synthesis)}
        synthesis.body = form.body
        synthesis.author_id = who.user_id
        synthesis.updated_at = utcnow()
        await tx.session.flush()
        await tx.session.execute(delete(Citation).where(Citation.round_id == access.round.id))
        for number, post_id in enumerate(cited, start=1):
            tx.session.add(
                Citation(round_id=access.round.id, contribution_id=post_id, number=number)
            )
        tx.audit(
            who,
            SYNTHESIS_SAVED,
            access.round.id,
            before=before,
            after={"length": len(form.body), "cited": cited},
        )
        author = None if who.user_id is None else await tx.session.get(User, who.user_id)
        tx.record(
            events.SynthesisDraftSaved(
                draft=events.DraftView(
                    round_id=access.round.id,
                    discussion_id=access.round.discussion_id,
                    body=synthesis.body,
                    cited_ids=cited,
                    author_name="" if author is None else author.display_name,
                    updated_at=synthesis.updated_at,
                )
            )
        )
    return cited


async def _cited(session: AsyncSession, synthesis: Synthesis) -> list[int]:
    return list(
        await session.scalars(
            select(Citation.contribution_id)
            .where(Citation.round_id == synthesis.round_id)
            .order_by(Citation.number)
        )
    )


async def publish_synthesis(db: Database, who: Who, form: RoundRef) -> events.SynthesisView:
    """A moderator publishes a closed round's saved synthesis: the round becomes synthesised,
    everyone following sees it and each cited author is told."""
    async with db.transaction(actor_id=who.user_id) as tx:
        access = await access_round(tx.session, who, form.round_id, Purpose.MODERATE, lock=True)
        synthesis = await tx.session.get(Synthesis, access.round.id)
        if synthesis is None or synthesis.published:
            raise Conflict("discussions.no_draft", _("Save the synthesis as a draft first."))
        if not may_move_round(access.state, RoundState.SYNTHESISED):
            raise Conflict(
                "discussions.bad_transition",
                _("A %(current)s round cannot become %(target)s.")
                % {"current": access.state.value, "target": RoundState.SYNTHESISED.value},
            )
        cited = await _cited(tx.session, synthesis)
        # A post hidden since the draft was saved may no longer be cited.
        posts = await citable(tx.session, access.round.id, cited)
        now = utcnow()
        synthesis.published = True
        synthesis.published_at = now
        access.round.state = RoundState.SYNTHESISED.value
        numbers = {post_id: number for number, post_id in enumerate(cited, start=1)}
        view = events.SynthesisView(
            round_id=access.round.id,
            discussion_id=access.round.discussion_id,
            body_html=str(views.synthesis_html(synthesis.body, numbers, posts)),
            citations=[
                events.CitationView(
                    number=numbers[post_id], contribution_id=post_id, author_name=posts[post_id][1]
                )
                for post_id in cited
            ],
            published_at=now,
        )
        tx.audit(
            who,
            SYNTHESIS_PUBLISHED,
            access.round.id,
            before={"state": RoundState.CLOSED.value},
            after={"state": RoundState.SYNTHESISED.value, "cited": cited},
        )
        tx.record(events.SynthesisPublished(round=views.round_view(access.round), synthesis=view))
        discussion = access.discussion.discussion
        told: set[int] = set()
        for post_id in cited:
            contribution = posts[post_id][0]
            if contribution.author_id in told:
                continue
            told.add(contribution.author_id)
            tx.record(
                events.ContributionCited(
                    author_id=contribution.author_id,
                    notice=events.CitedNotice(
                        contribution_id=post_id,
                        discussion_slug=discussion.slug,
                        discussion_title=discussion.title,
                        round_position=access.round.position,
                    ),
                )
            )
    return view
