"""A booth's media: uploaded interviews, documents and images, external interviews, the logo."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from fair.core.access import Purpose
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.errors import Invalid, NotFound
from fair.core.i18n import gettext as _
from fair.core.tables import utcnow
from fair.hall import events, views
from fair.hall.access import access_booth
from fair.hall.inputs import MediaDetails
from fair.hall.models import Media
from fair.hall.rules import MediaKind
from fair.hall.uploads import Storage, StoredFile


async def add_media(
    db: Database,
    viewer: Viewer,
    booth_id: int,
    details: MediaDetails,
    stored: StoredFile | None,
    storage: Storage,
) -> Media:
    """The team adds a stored upload, or an external interview link; a new logo replaces the old."""
    if stored is None and not (details.kind == MediaKind.INTERVIEW and details.external_url):
        raise Invalid(
            "hall.upload_missing",
            _("Choose a file to upload (or, for an interview, a link)."),
            fields={"file": _("Required.")},
        )
    replaced: list[str] = []
    try:
        async with db.transaction(actor_id=viewer.user_id) as tx:
            await access_booth(tx.session, viewer, booth_id, Purpose.RUN)
            if details.kind == MediaKind.LOGO:
                old = (
                    await tx.session.scalars(
                        select(Media).where(
                            Media.booth_id == booth_id, Media.kind == MediaKind.LOGO
                        )
                    )
                ).all()
                replaced = [m.stored_name for m in old if m.stored_name]
                for media in old:
                    tx.record(events.MediaRemoved(booth_id=booth_id, media_id=media.id))
                await tx.session.execute(
                    delete(Media).where(Media.booth_id == booth_id, Media.kind == MediaKind.LOGO)
                )
            position = await tx.session.scalar(
                select(func.coalesce(func.max(Media.position), 0)).where(Media.booth_id == booth_id)
            )
            media = Media(
                booth_id=booth_id,
                kind=details.kind.value,
                title=details.title,
                stored_name=stored.name if stored else None,
                original_name=stored.original_name if stored else "",
                content_type=stored.content_type if stored else "",
                size=stored.size if stored else 0,
                external_url="" if stored else details.external_url,
                transcript=details.transcript,
                duration=details.seconds if details.kind == MediaKind.INTERVIEW else None,
                position=(position or 0) + 1,
                created_at=utcnow(),
            )
            tx.session.add(media)
            await tx.session.flush()
            tx.record(events.MediaAdded(booth_id=booth_id, media=views.media_view(media)))
    except BaseException:
        # Nothing of a refused upload is kept.
        if stored is not None:
            await storage.remove(stored.name)
        raise
    for name in replaced:
        await storage.remove(name)
    return media


async def remove_media(db: Database, viewer: Viewer, media_id: int, storage: Storage) -> int:
    """The team removes a media item; its file goes once the removal is committed.

    Returns the id of the booth it belonged to."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        media = await tx.session.get(Media, media_id)
        if media is None:
            raise NotFound("hall.no_such_media", _("There is no such file."))
        await access_booth(tx.session, viewer, media.booth_id, Purpose.RUN)
        names = [name for name in (media.stored_name, media.audio_name) if name]
        booth_id = media.booth_id
        await tx.session.delete(media)
        tx.record(events.MediaRemoved(booth_id=booth_id, media_id=media_id))
    for name in names:
        await storage.remove(name)
    return booth_id


async def interview_booth(db: Database, viewer: Viewer, media_id: int) -> int:
    """The booth of an interview the viewer may run (checked before an upload is read)."""
    async with db.reading() as session:
        media = await session.get(Media, media_id)
        if media is None or media.kind != MediaKind.INTERVIEW:
            raise NotFound("hall.no_such_media", _("There is no such interview."))
        await access_booth(session, viewer, media.booth_id, Purpose.RUN)
        return media.booth_id


async def attach_audio(
    db: Database, viewer: Viewer, media_id: int, stored: StoredFile, storage: Storage
) -> Media:
    """The team attaches a low-bitrate audio-only version to an interview, replacing any
    earlier one; a refused one is not kept."""
    replaced: str | None = None
    try:
        async with db.transaction(actor_id=viewer.user_id) as tx:
            media = await tx.session.get(Media, media_id)
            if media is None or media.kind != MediaKind.INTERVIEW:
                raise NotFound("hall.no_such_media", _("There is no such interview."))
            await access_booth(tx.session, viewer, media.booth_id, Purpose.RUN)
            replaced = media.audio_name
            media.audio_name = stored.name
            media.audio_type = stored.content_type
            media.audio_size = stored.size
            await tx.session.flush()
            tx.record(events.MediaChanged(booth_id=media.booth_id, media=views.media_view(media)))
    except BaseException:
        await storage.remove(stored.name)
        raise
    if replaced:
        await storage.remove(replaced)
    return media
