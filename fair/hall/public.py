"""What other features may ask of the hall: small read-only queries, no models handed out.

Another feature imports the hall only through this module (tests/test_layering.py), so the
hall's tables can change without touching them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.hall.models import Booth, Media
from fair.hall.rules import BoothState, MediaKind


@dataclass(frozen=True, slots=True)
class BoothLink:
    """A booth as another page links to it."""

    id: int
    slug: str
    title: str


@dataclass(frozen=True, slots=True)
class Recording:
    """A recorded interview, played from the hall's media address."""

    media_id: int
    url: str
    content_type: str


async def booths_by_slug(session: AsyncSession, slugs: Iterable[str]) -> dict[str, BoothLink]:
    """The booths at these addresses (whatever their state), by address."""
    wanted = list(slugs)
    if not wanted:
        return {}
    rows = await session.execute(
        select(Booth.id, Booth.slug, Booth.title).where(Booth.slug.in_(wanted))
    )
    return {slug: BoothLink(id_, slug, title) for id_, slug, title in rows}


async def listed_booths_by_slug(
    session: AsyncSession, slugs: Iterable[str]
) -> dict[str, BoothLink]:
    """Those of the booths at these addresses that everyone may see (not drafts), by address:
    a draft answers as if it did not exist."""
    wanted = list(slugs)
    if not wanted:
        return {}
    rows = await session.execute(
        select(Booth.id, Booth.slug, Booth.title).where(
            Booth.slug.in_(wanted), Booth.state != BoothState.DRAFT.value
        )
    )
    return {slug: BoothLink(id_, slug, title) for id_, slug, title in rows}


async def booths_by_id(session: AsyncSession, booth_ids: Iterable[int]) -> list[BoothLink]:
    """These booths (whatever their state), in the order given."""
    wanted = list(booth_ids)
    if not wanted:
        return []
    rows = await session.execute(
        select(Booth.id, Booth.slug, Booth.title).where(Booth.id.in_(wanted))
    )
    found = {id_: BoothLink(id_, slug, title) for id_, slug, title in rows}
    return [found[id_] for id_ in wanted if id_ in found]


async def listed_booths(session: AsyncSession, booth_ids: Iterable[int]) -> list[BoothLink]:
    """Those of these booths that everyone may see (not drafts), in the order given."""
    wanted = list(booth_ids)
    if not wanted:
        return []
    rows = await session.execute(
        select(Booth.id, Booth.slug, Booth.title).where(
            Booth.id.in_(wanted), Booth.state != BoothState.DRAFT.value
        )
    )
    found = {id_: BoothLink(id_, slug, title) for id_, slug, title in rows}
    return [found[id_] for id_ in wanted if id_ in found]


async def recorded_interview_of(session: AsyncSession, booth_slug: str) -> int | None:
    """The media id of the first uploaded interview of the booth at `booth_slug`, if any."""
    return await session.scalar(
        select(Media.id)
        .join(Booth, Booth.id == Media.booth_id)
        .where(
            Booth.slug == booth_slug,
            Media.kind == MediaKind.INTERVIEW,
            Media.stored_name.is_not(None),
        )
        .order_by(Media.position, Media.id)
        .limit(1)
    )


async def recording(session: AsyncSession, media_id: int | None) -> Recording | None:
    """The recording `media_id` names, if it is still stored."""
    if media_id is None:
        return None
    media = await session.get(Media, media_id)
    if media is None or not media.stored_name:
        return None
    return Recording(media.id, f"/media/{media.id}", media.content_type)


async def interview_booth(session: AsyncSession, media_id: int | None) -> str:
    """The address of the booth whose recording `media_id` is ('' if none): what a form that
    names an interview by its booth shows."""
    if media_id is None:
        return ""
    slug = await session.scalar(
        select(Booth.slug).join(Media, Media.booth_id == Booth.id).where(Media.id == media_id)
    )
    return slug or ""
