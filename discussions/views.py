"""Building the views that events and pages carry, from rows."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Mapping

from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions.events import ContributionView, RoundView, StanceCounts
from discussions.models import Contribution, Round, Stance
from discussions.rules import CITATION, StanceKind
from fair.core.i18n import gettext as _
from fair.core.text import render_markdown


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
    contribution: Contribution, discussion_id: int, author_name: str, replies: int
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
    html = CITATION.sub(inline, str(render_markdown(body)))
    marked = {int(found) for found in CITATION.findall(body)}
    rest = sorted((n, post_id) for post_id, n in numbers.items() if post_id not in marked)
    if rest:
        links = " ".join(cite(post_id) for _n, post_id in rest)
        html += f'<p class="see-also">{escape(_("See also"))}: {links}</p>\n'
    return Markup(html)  # noqa: S704
