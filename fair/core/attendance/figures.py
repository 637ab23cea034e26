"""What features use to answer for their tables on the attendance dashboard."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement, Select

from fair.core.contract import FigureScope
from fair.core.i18n import gettext as _
from fair.core.templates import country_name

UNKNOWN = "??"
"""In a table by country: people without an account, whose country nobody told."""
OTHER = "~"
"""In a table by country: the countries beyond those listed."""


def country_label(code: str) -> str:
    """How a table by country names a row, in the active language."""
    if code == UNKNOWN:
        return _("Not given (visitors without an account)")
    if code == OTHER:
        return _("Other countries")
    return country_name(code)


def within(column: Any, scope: FigureScope) -> list[ColumnElement[bool]]:
    """The conditions that keep `column` (a moment) inside the scope's day, if it has one."""
    conditions = []
    if scope.start is not None:
        conditions.append(column >= scope.start)
    if scope.end is not None:
        conditions.append(column < scope.end)
    return conditions


async def counted(session: AsyncSession, query: Select[Any, int]) -> Counter[Any]:
    """The rows of a (key, count) query as a Counter (missing keys count 0)."""
    return Counter({key: count for key, count in await session.execute(query)})
