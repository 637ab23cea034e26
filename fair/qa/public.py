"""What other features may ask of the Q&A: small read-only queries, no models handed out.

Another feature imports the Q&A only through this module (tests/test_layering.py). Every
panel is public (there are no draft panels), so these answer for any viewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.qa.models import Panel


@dataclass(frozen=True, slots=True)
class PanelLink:
    """A panel as another page links to it: `/panels/<slug>`."""

    id: int
    slug: str
    title: str


async def panel_links(
    session: AsyncSession, *, ids: Iterable[int] = (), slugs: Iterable[str] = ()
) -> list[PanelLink]:
    """The panels with these ids or at these addresses (those that exist), by id."""
    wanted_ids, wanted_slugs = list(ids), list(slugs)
    if not wanted_ids and not wanted_slugs:
        return []
    rows = await session.execute(
        select(Panel.id, Panel.slug, Panel.title)
        .where(or_(Panel.id.in_(wanted_ids), Panel.slug.in_(wanted_slugs)))
        .order_by(Panel.id)
    )
    return [PanelLink(id_, slug, title) for id_, slug, title in rows]
