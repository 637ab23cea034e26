"""Two-way links through the contract: a feature outside fair/ says which of its pages cite a
booth or a panel (`Feature.citations`), and the hall's booth page lists them, without the
hall knowing that feature."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.roles import Role
from fair.core.contract import Citation, Feature
from fair.core.services import collect_citations
from tests.conftest import make_settings
from tests.support import hall
from tests.support.factories import person
from tests.support.hall import viewer
from tests.support.servers import serve


async def cite_every_booth(session: AsyncSession, kind: str, target_id: int) -> Sequence[Citation]:
    """A notebook that cites every booth, and twice the same page (shown once)."""
    if kind != "booth":
        return []
    page = Citation(f"Notes on booth {target_id}", f"/notes/{target_id}")
    return [page, page]


feature = Feature(name="notes", citations=cite_every_booth)
"""This module as a feature of its own (`tests.core.test_citations`), named in the settings."""


def test_the_citation_sources_of_the_features_are_collected_in_order() -> None:
    """Features that bring `citations` give a source each, in the features' order."""

    async def other(session: AsyncSession, kind: str, target_id: int) -> Sequence[Citation]:
        return []

    features = [Feature(name="a"), Feature(name="b", citations=other), feature]
    assert collect_citations(features) == [other, cite_every_booth]


async def test_a_booth_page_lists_what_a_feature_outside_fair_cites(sqlite_url: str) -> None:
    """With the notes feature configured, the booth page says "Discussed in" with its link,
    once."""
    settings = make_settings(sqlite_url)
    settings = settings.replace(features=(*settings.features, "tests.core.test_citations"))
    async with serve(settings) as server:
        organiser = await viewer(
            server.services.db, await person(server.services.db, Role.ORGANISER)
        )
        booth = await hall.booth(server.services.db, organiser, title="Village savings")
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            html = (await http.get(f"/booths/{booth.slug}")).text
    assert "Discussed in" in html
    assert html.count(f'<a href="/notes/{booth.id}">Notes on booth {booth.id}</a>') == 1
