"""Handbook exports: an organiser asks for one; the export job (as the platform) starts it,
reports its progress and finishes or fails it. Every move is seen live by the organisers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from discussions import events
from discussions.inputs import HandbookRequest
from discussions.models import HandbookExport, Theme
from discussions.rules import ExportState, may_move_export
from fair.core.access import require
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Who
from fair.core.audit import audited
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, NotFound
from fair.core.i18n import gettext as _
from fair.core.tables import utcnow

HANDBOOK_REQUESTED = audited(
    "discussions.handbook.requested",
    "handbook_export",
    "An organiser asked for a handbook export (of a theme or of the whole fair).",
)


async def export_view(tx: Tx, export: HandbookExport) -> events.ExportView:
    session = tx.session
    requester = await session.scalar(
        select(User.display_name).where(User.id == export.requested_by)
    )
    scope = ""
    if export.theme_id is not None:
        scope = await session.scalar(select(Theme.name).where(Theme.id == export.theme_id)) or ""
    return events.ExportView(
        id=export.id,
        scope=scope,
        state=export.state,
        progress=export.progress,
        requested_by=requester or "",
        requested_at=export.requested_at,
        finished_at=export.finished_at,
        error=export.error,
    )


async def request_handbook(db: Database, who: Who, form: HandbookRequest) -> events.ExportView:
    """An organiser asks for the handbook of a theme (or of the whole fair): it is queued for
    the export job."""
    actor = require(who, Capability.EDIT_FAIR)
    async with db.transaction(actor_id=actor.user_id) as tx:
        if form.theme_id is not None and await tx.session.get(Theme, form.theme_id) is None:
            raise NotFound("discussions.theme_not_found", _("There is no such theme."))
        export = HandbookExport(
            theme_id=form.theme_id,
            state=ExportState.QUEUED.value,
            progress=0,
            requested_by=actor.user_id,
            requested_at=utcnow(),
            error="",
        )
        tx.session.add(export)
        await tx.session.flush()
        view = await export_view(tx, export)
        tx.audit(actor, HANDBOOK_REQUESTED, export.id, after={"theme_id": form.theme_id})
        tx.record(events.HandbookExportChanged(export=view))
    return view


@dataclass(frozen=True)
class ExportTask:
    """An export the job works on: which, of what, asked for when."""

    id: int
    theme_id: int | None
    requested_at: datetime


async def next_export(db: Database) -> ExportTask | None:
    """The export the job should work on: one left running by a worker that died (the job
    runs on one worker at a time), else the oldest queued."""
    async with db.reading() as session:
        found = await session.scalar(
            select(HandbookExport)
            .where(HandbookExport.state.in_([ExportState.RUNNING, ExportState.QUEUED]))
            .order_by(HandbookExport.state.desc(), HandbookExport.id)
            .limit(1)
        )
    return None if found is None else ExportTask(found.id, found.theme_id, found.requested_at)


async def move_export(
    db: Database, export_id: int, state: ExportState, progress: int, error: str = ""
) -> events.ExportView:
    """The export job moves an export on (started, progressed, done, failed)."""
    async with db.transaction() as tx:
        export = await tx.session.scalar(
            select(HandbookExport).where(HandbookExport.id == export_id).with_for_update()
        )
        if export is None:
            raise NotFound("discussions.export_not_found", _("There is no such export."))
        if not may_move_export(ExportState(export.state), state):
            raise Conflict("discussions.bad_transition", _("This export is finished."))
        export.state = state.value
        export.progress = max(0, min(100, progress))
        export.error = error[:200]
        if state in {ExportState.DONE, ExportState.FAILED}:
            export.finished_at = utcnow()
        view = await export_view(tx, export)
        tx.record(events.HandbookExportChanged(export=view))
    return view


async def expire_exports(db: Database, keep: int) -> list[int]:
    """The export job marks expired every done export beyond the newest `keep` of its scope
    (a theme, or the whole fair), so their files may go; the ids it expired."""
    async with db.transaction() as tx:
        done = (
            await tx.session.scalars(
                select(HandbookExport)
                .where(HandbookExport.state == ExportState.DONE.value)
                .order_by(HandbookExport.id.desc())
                .with_for_update()
            )
        ).all()
        kept: dict[int | None, int] = {}
        expired = []
        for export in done:
            kept[export.theme_id] = kept.get(export.theme_id, 0) + 1
            if kept[export.theme_id] > keep:
                export.state = ExportState.EXPIRED.value
                expired.append(export.id)
                tx.record(events.HandbookExportChanged(export=await export_view(tx, export)))
    return expired


async def exports_with_files(db: Database) -> set[int]:
    """The exports whose folders must stay: done, or queued or still being built."""
    async with db.reading() as session:
        found = await session.scalars(
            select(HandbookExport.id).where(
                HandbookExport.state.in_(
                    [ExportState.DONE, ExportState.RUNNING, ExportState.QUEUED]
                )
            )
        )
        return set(found)
