"""Building the views that events and pages show, a batch of booths at a time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.models import User
from fair.core.home.models import Theme
from fair.hall.events import (
    BoothSummary,
    CardSender,
    CardView,
    ChatMessageView,
    MediaView,
    OfficeHourView,
    TeamMemberView,
)
from fair.hall.models import (
    Booth,
    BoothCountry,
    ConsortiumMember,
    ContactRequest,
    Media,
    OfficeHour,
    TeamMember,
)
from fair.hall.rules import CountryRole, MediaKind


def media_url(media: Media) -> str:
    return f"/media/{media.id}"


def media_view(media: Media) -> MediaView:
    return MediaView(
        id=media.id,
        kind=media.kind,
        title=media.title,
        url=media_url(media) if media.stored_name else "",
        content_type=media.content_type,
        size=media.size,
        external_url=media.external_url,
        has_transcript=bool(media.transcript),
        duration=media.duration,
        audio_url=f"{media_url(media)}/audio" if media.audio_name else "",
        audio_size=media.audio_size,
    )


async def summaries(session: AsyncSession, booths: Sequence[Booth]) -> list[BoothSummary]:
    """Summaries of `booths`, in the given order, in four queries whatever their number."""
    ids = [booth.id for booth in booths]
    if not ids:
        return []
    themes = dict((await session.execute(select(Theme.id, Theme.name))).all())
    countries: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for booth_id, code, kind in await session.execute(
        select(BoothCountry.booth_id, BoothCountry.code, BoothCountry.kind)
        .where(BoothCountry.booth_id.in_(ids))
        .order_by(BoothCountry.code)
    ):
        countries[booth_id][kind].append(code)
    kinds: dict[int, list[str]] = defaultdict(list)
    for booth_id, kind in await session.execute(
        select(ConsortiumMember.booth_id, ConsortiumMember.kind)
        .where(ConsortiumMember.booth_id.in_(ids))
        .order_by(ConsortiumMember.position)
    ):
        if kind not in kinds[booth_id]:
            kinds[booth_id].append(kind)
    logos: dict[int, Media] = {}
    for media in await session.scalars(
        select(Media)
        .where(Media.booth_id.in_(ids), Media.kind == MediaKind.LOGO)
        .order_by(Media.id)
    ):
        logos[media.booth_id] = media
    return [
        BoothSummary(
            id=booth.id,
            slug=booth.slug,
            title=booth.title,
            tagline=booth.tagline,
            state=booth.state,
            theme=themes.get(booth.theme_id, "") if booth.theme_id else "",
            logo_url=media_url(logos[booth.id]) if booth.id in logos else "",
            origin_countries=countries[booth.id][CountryRole.ORIGIN],
            destination_countries=countries[booth.id][CountryRole.DESTINATION],
            organisation_kinds=kinds[booth.id],
        )
        for booth in booths
    ]


async def summary(session: AsyncSession, booth: Booth) -> BoothSummary:
    [one] = await summaries(session, [booth])
    return one


def chat_view(
    message_id: int, booth_id: int, author: User, body: str, at: object
) -> ChatMessageView:
    return ChatMessageView(
        id=message_id,
        booth_id=booth_id,
        author_id=author.id,
        author_name=author.display_name,
        author_country=author.country,
        body=body,
        at=at,  # type: ignore[arg-type]
    )


def card_view(card: ContactRequest, booth_title: str, sender: User) -> CardView:
    shared = card.share_details
    return CardView(
        id=card.id,
        booth_id=card.booth_id,
        booth_title=booth_title,
        message=card.message,
        sender=CardSender(
            shared=shared,
            display_name=sender.display_name if shared else "",
            country=sender.country,
            organisation=sender.organisation if shared else "",
            email=sender.email if shared else "",
        ),
        at=card.created_at,
        answer=card.answer,
        answered_at=card.answered_at,
    )


async def office_hours(session: AsyncSession, booth_id: int) -> list[OfficeHourView]:
    hours = await session.scalars(
        select(OfficeHour).where(OfficeHour.booth_id == booth_id).order_by(OfficeHour.starts_at)
    )
    return [
        OfficeHourView(id=h.id, starts_at=h.starts_at, ends_at=h.ends_at, note=h.note)
        for h in hours
    ]


async def team(session: AsyncSession, booth_id: int) -> list[TeamMemberView]:
    rows = await session.execute(
        select(User.id, User.display_name, User.email)
        .join(TeamMember, TeamMember.user_id == User.id)
        .where(TeamMember.booth_id == booth_id)
        .order_by(User.display_name)
    )
    return [TeamMemberView(user_id=i, display_name=n, email=e) for i, n, e in rows]
