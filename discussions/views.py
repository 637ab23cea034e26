"""Building the views that events and pages carry, from rows."""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence

from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions.events import (
    ContributionView,
    QuoteView,
    ReactionCounts,
    ReferenceCard,
    RoundView,
    StanceCounts,
)
from discussions.models import Contribution, Quote, Reaction, Reference, Round, Stance
from discussions.rules import CITATION, ReactionKind, ReferenceKind, StanceKind, excerpt
from fair.core.accounts.models import User
from fair.core.i18n import gettext as _
from fair.core.text import render_markdown
from fair.hall.public import listed_booths
from fair.qa.public import panel_links


def round_view(round_: Round) -> RoundView:
    return RoundView(
        id=round_.id,
        discussion_id=round_.discussion_id,
        position=round_.position,
        question=round_.question,
        opens_at=round_.opens_at,
        closes_at=round_.closes_at,
        state=round_.state,
    )


def contribution_view(
    contribution: Contribution,
    discussion_id: int,
    author_name: str,
    replies: int,
    *,
    quote: QuoteView | None = None,
    references: Sequence[ReferenceCard] = (),
) -> ContributionView:
    return ContributionView(
        id=contribution.id,
        discussion_id=discussion_id,
        round_id=contribution.round_id,
        thread_id=contribution.thread_id,
        author_name=author_name,
        body_html=str(render_markdown(contribution.body)),
        at=contribution.created_at,
        replies=replies,
        quote=quote,
        references=list(references),
        author_id=contribution.author_id,
        group_name=contribution.group_name,
        group_size=contribution.group_size,
    )


async def reply_count(session: AsyncSession, thread_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Contribution)
        .where(Contribution.thread_id == thread_id, Contribution.hidden.is_(False))
    )
    return count or 0


async def stance_counts(session: AsyncSession, contribution_id: int) -> StanceCounts:
    rows = await session.execute(
        select(Stance.stance, func.count())
        .where(Stance.contribution_id == contribution_id)
        .group_by(Stance.stance)
    )
    counts: Counter[str] = Counter({stance: count for stance, count in rows.all()})
    return StanceCounts(
        agree=counts[StanceKind.AGREE.value],
        nuance=counts[StanceKind.NUANCE.value],
        disagree=counts[StanceKind.DISAGREE.value],
    )


_BLOCK_TAG = re.compile(r"</?(?:p|br|li|ul|ol|h[1-6]|blockquote|pre|div|hr|tr|td|th)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


def plain_text(markdown: str) -> str:
    """What a reader sees of a post's Markdown, as text: the sanitised HTML without tags."""
    blocks = _BLOCK_TAG.sub(" ", str(render_markdown(markdown)))
    return html.unescape(_TAG.sub("", blocks))


def quote_view(quoted: Contribution, author_name: str) -> QuoteView:
    return QuoteView(
        id=quoted.id, author_name=author_name, excerpt=excerpt(plain_text(quoted.body))
    )


async def quotes_of(session: AsyncSession, contribution_ids: Iterable[int]) -> dict[int, QuoteView]:
    """What each of these contributions quotes, if the quoted post is still shown."""
    wanted = list(contribution_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        select(Quote.contribution_id, Contribution, User.display_name)
        .join(Contribution, Contribution.id == Quote.quote_id)
        .join(User, User.id == Contribution.author_id)
        .where(Quote.contribution_id.in_(wanted), Contribution.hidden.is_(False))
    )
    return {cid: quote_view(quoted, name) for cid, quoted, name in rows.all()}


async def references_of(
    session: AsyncSession, contribution_ids: Iterable[int]
) -> dict[int, list[ReferenceCard]]:
    """The cards of the booths and panels each contribution named, as they are now: a booth
    back in draft since is left out (its name is not shown), a title follows its changes."""
    wanted = list(contribution_ids)
    if not wanted:
        return {}
    rows = (
        await session.execute(
            select(Reference.contribution_id, Reference.kind, Reference.target_id)
            .where(Reference.contribution_id.in_(wanted))
            .order_by(Reference.contribution_id, Reference.position)
        )
    ).all()
    booth_ids = {t for _c, kind, t in rows if kind == ReferenceKind.BOOTH.value}
    panel_ids = {t for _c, kind, t in rows if kind == ReferenceKind.PANEL.value}
    booths = {b.id: b for b in await listed_booths(session, sorted(booth_ids))}
    panels = {p.id: p for p in await panel_links(session, ids=sorted(panel_ids))}
    cards: dict[int, list[ReferenceCard]] = defaultdict(list)
    for cid, kind, target in rows:
        if kind == ReferenceKind.BOOTH.value and target in booths:
            booth = booths[target]
            cards[cid].append(
                ReferenceCard(kind=kind, title=booth.title, href=f"/booths/{booth.slug}")
            )
        elif kind == ReferenceKind.PANEL.value and target in panels:
            panel = panels[target]
            cards[cid].append(
                ReferenceCard(kind=kind, title=panel.title, href=f"/panels/{panel.slug}")
            )
    return dict(cards)


def reactions_from(counts: dict[str, int]) -> ReactionCounts:
    return ReactionCounts(
        useful=counts.get(ReactionKind.USEFUL.value, 0),
        thanks=counts.get(ReactionKind.THANKS.value, 0),
        question=counts.get(ReactionKind.QUESTION.value, 0),
    )


async def reaction_counts(session: AsyncSession, contribution_id: int) -> ReactionCounts:
    rows = await session.execute(
        select(Reaction.kind, func.count())
        .where(Reaction.contribution_id == contribution_id)
        .group_by(Reaction.kind)
    )
    return reactions_from({kind: count for kind, count in rows.all()})


def synthesis_html(body: str, numbers: Mapping[int, int], visible: Container[int]) -> Markup:
    """A synthesis's Markdown as sanitised HTML, each `[[<post id>]]` it cites a numbered link
    to `#post-<id>`, or "withdrawn" (never the post) once that post is hidden; posts cited
    from the list only follow as "See also"."""

    def cite(post_id: int) -> str:
        number = numbers[post_id]
        if post_id not in visible:
            label = escape(_("withdrawn"))
            return f'<sup class="cite withdrawn">[{number}, {label}]</sup>'
        return f'<sup class="cite"><a href="#post-{post_id}">[{number}]</a></sup>'

    def inline(found: re.Match[str]) -> str:
        post_id = int(found.group(1))
        return cite(post_id) if post_id in numbers else found.group(0)

    # The markers survive Markdown and sanitising as text; the markup put in is ours alone.
    rendered = CITATION.sub(inline, str(render_markdown(body)))
    marked = {int(found) for found in CITATION.findall(body)}
    rest = sorted((n, post_id) for post_id, n in numbers.items() if post_id not in marked)
    if rest:
        links = " ".join(cite(post_id) for _n, post_id in rest)
        rendered += f'<p class="see-also">{escape(_("See also"))}: {links}</p>\n'
    return Markup(rendered)  # noqa: S704
