"""Reading the hall: the grid with its filters, a booth page, chat history, cards, bookmarks."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core import log
from fair.core.access import Purpose
from fair.core.accounts.countries import country_names
from fair.core.accounts.models import User
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.errors import NotFound
from fair.core.home.models import FairCountry, Theme
from fair.core.i18n import gettext as _
from fair.hall import views
from fair.hall.access import access_booth
from fair.hall.channels import booth_channel
from fair.hall.events import (
    BoothSummary,
    CardView,
    ChatMessageView,
    MediaView,
    OfficeHourView,
)
from fair.hall.models import (
    Bookmark,
    Booth,
    BoothCountry,
    BoothVisit,
    ChatMessage,
    ConsortiumMember,
    ContactRequest,
    Media,
    TeamMember,
)
from fair.hall.rules import (
    BoothState,
    MediaKind,
    OrganisationKind,
    may_leave_card,
    may_remove_chat,
    may_run,
)

PAGE_SIZE = 24
CHAT_PAGE = 30
SORTS = ("title", "newest", "popular")


@dataclass(frozen=True)
class HallFilters:
    theme: str = ""
    country: str = ""
    kind: str = ""
    q: str = ""
    sort: str = "title"
    page: int = 1
    bookmarked: bool = False


@dataclass(frozen=True)
class HallPage:
    booths: list[BoothSummary]
    total: int
    page: int
    pages: int
    themes: list[tuple[str, str]]
    countries: list[str]
    kinds: list[str]
    bookmarked: set[int]


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(query: Select[Booth], filters: HallFilters) -> Select[Booth]:
    if filters.theme:
        query = query.join(Theme, Theme.id == Booth.theme_id).where(Theme.slug == filters.theme)
    if filters.country:
        query = query.where(
            Booth.id.in_(select(BoothCountry.booth_id).where(BoothCountry.code == filters.country))
        )
    if filters.kind:
        query = query.where(
            Booth.id.in_(
                select(ConsortiumMember.booth_id).where(ConsortiumMember.kind == filters.kind)
            )
        )
    names = country_names()
    for term in filters.q.lower().split()[:8]:
        # The stored text names countries in English; a country typed in the page's language
        # (Sénégal, Marruecos) finds the booths that have it too.
        codes = [code for code, name in names.items() if term in name.casefold()]
        matches: ColumnElement[bool] = Booth.search_text.like(
            f"%{_escape_like(term)}%", escape="\\"
        )
        if codes:
            matches = or_(
                matches,
                Booth.id.in_(
                    select(BoothCountry.booth_id).where(BoothCountry.code.in_(codes[:50]))
                ),
            )
        query = query.where(matches)
    return query


async def hall_page(db: Database, viewer: Viewer, filters: HallFilters) -> HallPage:
    """Published booths matching the filters, a page at a time, with the choices to filter by."""
    async with db.reading() as session:
        query = _filtered(select(Booth).where(Booth.state == BoothState.PUBLISHED), filters)
        kept: set[int] = set()
        if viewer.user_id is not None:
            kept = set(
                await session.scalars(
                    select(Bookmark.booth_id).where(Bookmark.user_id == viewer.user_id)
                )
            )
            if filters.bookmarked:
                query = query.where(Booth.id.in_(kept or {0}))
        total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(max(1, filters.page), pages)
        if filters.sort == "newest":
            query = query.order_by(Booth.published_at.desc(), Booth.id.desc())
        elif filters.sort == "popular":
            visits = (
                select(func.count(BoothVisit.id))
                .where(BoothVisit.booth_id == Booth.id)
                .correlate(Booth)
                .scalar_subquery()
            )
            query = query.order_by(visits.desc(), Booth.title)
        else:
            query = query.order_by(func.lower(Booth.title), Booth.id)
        booths = (
            await session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
        ).all()
        themes = [
            (t.slug, t.name) for t in await session.scalars(select(Theme).order_by(Theme.position))
        ]
        in_play = list(await session.scalars(select(FairCountry.code)))
        if not in_play:
            in_play = list(await session.scalars(select(BoothCountry.code).distinct()))
        return HallPage(
            booths=await views.summaries(session, booths),
            total=total,
            page=page,
            pages=pages,
            themes=themes,
            # In the order of their names in the page's language, as the filter shows them.
            countries=[code for code in country_names() if code in in_play],
            kinds=[k.value for k in OrganisationKind],
            bookmarked=kept,
        )


@dataclass(frozen=True)
class ConsortiumView:
    name: str
    kind: str
    country: str


@dataclass(frozen=True)
class Transcript:
    id: int
    title: str
    transcript: str


@dataclass(frozen=True)
class BoothPage:
    summary: BoothSummary
    description: str
    contact_email: str
    contact_phone: str
    website: str
    links: list[dict[str, str]]
    consortium: list[ConsortiumView]
    interviews: list[MediaView]
    documents: list[MediaView]
    images: list[MediaView]
    hours: list[OfficeHourView]
    transcripts: list[Transcript]
    chat: list[ChatMessageView]
    chat_has_more: bool
    head: int
    on_team: bool
    may_run: bool
    may_remove_chat: bool
    may_leave_card: bool
    bookmarked: bool
    my_cards: list[CardView] = field(default_factory=list)


async def booth_id_for(db: Database, slug: str) -> int | None:
    async with db.reading() as session:
        return await session.scalar(select(Booth.id).where(Booth.slug == slug))


async def booth_page(db: Database, viewer: Viewer, booth_id: int) -> BoothPage:
    """Everything on a booth's page, and the channel head it was read at (for following)."""
    async with db.reading() as session:
        head = (await log.heads(session, [booth_channel(booth_id)]))[booth_channel(booth_id)]
        access = await access_booth(session, viewer, booth_id, Purpose.SEE)
        booth = access.booth
        media = (
            await session.scalars(
                select(Media).where(Media.booth_id == booth_id).order_by(Media.position, Media.id)
            )
        ).all()
        consortium = await session.scalars(
            select(ConsortiumMember)
            .where(ConsortiumMember.booth_id == booth_id)
            .order_by(ConsortiumMember.position)
        )
        chat, has_more = await _chat_page(session, booth_id, None)
        kept = (
            viewer.user_id is not None
            and await session.get(Bookmark, (viewer.user_id, booth_id)) is not None
        )
        my_cards: list[CardView] = []
        if viewer.user_id is not None:
            me = await session.get(User, viewer.user_id)
            cards = await session.scalars(
                select(ContactRequest)
                .where(
                    ContactRequest.booth_id == booth_id, ContactRequest.sender_id == viewer.user_id
                )
                .order_by(ContactRequest.id)
            )
            my_cards = [views.card_view(card, booth.title, me) for card in cards] if me else []
        state = BoothState(booth.state)
        return BoothPage(
            summary=await views.summary(session, booth),
            description=booth.description,
            contact_email=booth.contact_email,
            contact_phone=booth.contact_phone,
            website=booth.website,
            links=json.loads(booth.links or "[]"),
            consortium=[ConsortiumView(m.name, m.kind, m.country) for m in consortium],
            interviews=[views.media_view(m) for m in media if m.kind == MediaKind.INTERVIEW],
            documents=[views.media_view(m) for m in media if m.kind == MediaKind.DOCUMENT],
            images=[views.media_view(m) for m in media if m.kind == MediaKind.IMAGE],
            transcripts=[
                Transcript(m.id, m.title, m.transcript)
                for m in media
                if m.kind == MediaKind.INTERVIEW and m.transcript
            ],
            hours=await views.office_hours(session, booth_id),
            chat=chat,
            chat_has_more=has_more,
            head=head,
            on_team=access.on_team,
            may_run=may_run(viewer, access.on_team),
            may_remove_chat=may_remove_chat(viewer, access.on_team),
            may_leave_card=may_leave_card(viewer, state, access.on_team),
            bookmarked=kept,
            my_cards=my_cards,
        )


async def _chat_page(
    session: AsyncSession, booth_id: int, before: int | None
) -> tuple[list[ChatMessageView], bool]:
    query = (
        select(ChatMessage, User)
        .join(User, User.id == ChatMessage.author_id)
        .where(ChatMessage.booth_id == booth_id, ChatMessage.removed_at.is_(None))
    )
    if before is not None:
        query = query.where(ChatMessage.id < before)
    rows = (await session.execute(query.order_by(ChatMessage.id.desc()).limit(CHAT_PAGE + 1))).all()
    page = [views.chat_view(m.id, m.booth_id, u, m.body, m.created_at) for m, u in rows[:CHAT_PAGE]]
    return list(reversed(page)), len(rows) > CHAT_PAGE


async def chat_history(
    db: Database, viewer: Viewer, booth_id: int, before: int | None
) -> tuple[list[ChatMessageView], bool]:
    """A page of a booth's chat, oldest first, ending just before message `before`."""
    async with db.reading() as session:
        await access_booth(session, viewer, booth_id, Purpose.SEE)
        return await _chat_page(session, booth_id, before)


async def media_for_download(db: Database, viewer: Viewer, media_id: int) -> Media:
    """A stored file the viewer may see (its booth is visible to them)."""
    async with db.reading() as session:
        media = await session.get(Media, media_id)
        if media is None or not media.stored_name:
            raise NotFound("hall.no_such_media", _("There is no such file."))
        await access_booth(session, viewer, media.booth_id, Purpose.SEE)
        return media


async def my_booths(db: Database, viewer: Viewer) -> list[BoothSummary]:
    """The booths whose team the viewer is on, whatever their state."""
    if viewer.user_id is None:
        return []
    async with db.reading() as session:
        booths = (
            await session.scalars(
                select(Booth)
                .join(TeamMember, TeamMember.booth_id == Booth.id)
                .where(TeamMember.user_id == viewer.user_id)
                .order_by(func.lower(Booth.title))
            )
        ).all()
        return await views.summaries(session, booths)


async def my_bookmarks(db: Database, viewer: Viewer) -> list[BoothSummary]:
    if viewer.user_id is None:
        return []
    async with db.reading() as session:
        booths = (
            await session.scalars(
                select(Booth)
                .join(
                    Bookmark,
                    and_(Bookmark.booth_id == Booth.id, Bookmark.user_id == viewer.user_id),
                )
                .where(or_(Booth.state == BoothState.PUBLISHED, Booth.state == BoothState.ARCHIVED))
                .order_by(Bookmark.created_at.desc())
            )
        ).all()
        return await views.summaries(session, booths)
