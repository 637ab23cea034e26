"""The discussions' table on the organisers' attendance dashboard: activity per round."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions.models import Contribution, Discussion, Round
from fair.core.accounts.models import User
from fair.core.attendance.figures import within
from fair.core.contract import FigureScope, FigureTable
from fair.core.i18n import N_
from fair.core.i18n import gettext as _


async def round_figures(session: AsyncSession, scope: FigureScope) -> Sequence[FigureTable]:
    """Per round with posts in the scope: posts, distinct participants and their countries."""
    rows = await session.execute(
        select(
            Discussion.title,
            Round.position,
            func.count(Contribution.id),
            func.count(func.distinct(Contribution.author_id)),
            func.count(func.distinct(User.country)),
        )
        .join(Round, Round.discussion_id == Discussion.id)
        .join(Contribution, Contribution.round_id == Round.id)
        .join(User, User.id == Contribution.author_id)
        .where(*within(Contribution.created_at, scope))
        .group_by(Discussion.id, Discussion.title, Round.id, Round.position)
        .order_by(Discussion.title, Round.position)
    )
    return [
        FigureTable(
            key="rounds",
            title=N_("Discussion rounds"),
            columns=[N_("Round"), N_("Posts"), N_("Participants"), N_("Countries")],
            rows=[
                [
                    _("%(discussion)s, round %(number)d")
                    % {"discussion": title, "number": position},
                    posts,
                    people,
                    countries,
                ]
                for title, position, posts, people, countries in rows
            ],
            chart=1,
        )
    ]
