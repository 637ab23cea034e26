"""Making hall things for tests through the real actions: themes, booths, teams, media, viewers."""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence

from sqlalchemy import func, select

from fair.core.accounts.models import User
from fair.core.accounts.queries import viewer_for
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import SYSTEM, Viewer
from fair.core.db import Database
from fair.core.home.actions import set_themes
from fair.core.home.inputs import ThemeInput, Themes
from fair.core.home.queries import themes
from fair.core.log import LoggedEvent
from fair.core.security import LOGIN_COOKIE
from fair.hall.actions import booths, media
from fair.hall.inputs import BoothCreation, MediaDetails, StateChange, TeamInvitation
from fair.hall.models import Booth, Media
from fair.hall.rules import BoothState, MediaKind
from fair.hall.uploads import Storage
from tests.support.factories import login_cookies, person

_numbers = itertools.count(1)

# The first bytes of each accepted kind of file, padded so that they are not empty.
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n" + b" " * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 300
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


async def viewer(db: Database, user: User) -> Viewer:
    """The viewer a browser holding a fresh login of `user` is seen as (with their current role)."""
    cookies = await login_cookies(db, user)
    return await viewer_for(db, cookies[LOGIN_COOKIE], f"visitor-of-{user.id}")


async def someone(db: Database, role: Role = Role.PARTICIPANT, name: str | None = None) -> Viewer:
    """A new account with `role`, as the viewer of its login."""
    return await viewer(db, await person(db, role, name))


async def theme(db: Database, slug: str = "mobility", name: str | None = None) -> str:
    """Add a theme to the fair's themes (keeping the others); returns its slug."""
    kept = [ThemeInput(slug=s, name=n, description=d) for s, n, d in await themes(db)]
    if slug not in {t.slug for t in kept}:
        kept.append(ThemeInput(slug=slug, name=name or slug.replace("-", " ").title()))
        await set_themes(db, SYSTEM, Themes(themes=kept))
    return slug


async def booth(
    db: Database,
    organiser: Viewer,
    *,
    title: str | None = None,
    published: bool = True,
    team: Sequence[User] = (),
    theme: str = "",
) -> Booth:
    """A booth made by `organiser`, with `team` on it, published unless asked for a draft."""
    made = await booths.create_booth(
        db,
        organiser,
        BoothCreation(title=title or f"Booth number {next(_numbers)}", theme=theme),
    )
    for member in team:
        await booths.add_team_member(db, organiser, made.id, TeamInvitation(email=member.email))
    if published:
        made = await booths.change_state(
            db, organiser, made.id, StateChange(state=BoothState.PUBLISHED)
        )
    return made


async def stored_media(
    db: Database,
    runner: Viewer,
    booth_id: int,
    storage: Storage,
    kind: MediaKind,
    content: bytes,
    *,
    title: str = "A file",
    filename: str = "file",
) -> Media:
    """An uploaded file, checked and stored like an upload, added to the booth by `runner`."""
    stored = await storage.save(kind, io.BytesIO(content), filename)
    return await media.add_media(
        db, runner, booth_id, MediaDetails(kind=kind, title=title), stored, storage
    )


async def event_count(db: Database) -> int:
    """How many events the log holds, on every channel."""
    async with db.reading() as session:
        return await session.scalar(select(func.count(LoggedEvent.id))) or 0


async def logged_events(db: Database, channel: str) -> list[LoggedEvent]:
    async with db.reading() as session:
        return list(
            await session.scalars(
                select(LoggedEvent).where(LoggedEvent.channel == channel).order_by(LoggedEvent.seq)
            )
        )
