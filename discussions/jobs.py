"""The round schedule: rounds open when their time comes and close at their deadline.

Every `SCHEDULE_SECONDS` (on one worker) the job looks at the boundaries crossed in its
window (since, now]: a PLANNED round whose `opens_at` fell in it and whose `closes_at` is
still ahead opens; an OPEN round whose `closes_at` fell in it closes. Only boundaries
crossed since the last run count, so a moderator who re-opens a round after its deadline
is not overruled at the next tick; a planned round whose whole window passed while the
fair was down stays planned for its moderators to decide. The first run ever (`since`
None) looks back one interval.

Each move goes through `open_round` / `close_round` as the system, so it records the same
events as a moderator's move and checks the same transitions.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, or_, select

from discussions import handbook_formats as formats
from discussions.actions import handbook
from discussions.actions.setup import close_round, open_round
from discussions.handbook import read_handbook
from discussions.inputs import RoundRef
from discussions.models import Round
from discussions.rules import ExportState, RoundState
from discussions.settings import DiscussionsSettings
from fair.core.accounts.viewers import SYSTEM
from fair.core.contract import Job, JobWindow, Services
from fair.core.db import Database
from fair.core.errors import FairError, Unavailable

logger = logging.getLogger(__name__)

SCHEDULE_SECONDS = 5.0


async def rounds_due(db: Database, since: datetime, now: datetime) -> list[tuple[int, RoundState]]:
    """The moves the schedule owes for (since, now]: (round id, state it should take)."""
    opening = and_(
        Round.state == RoundState.PLANNED.value,
        Round.opens_at > since,
        Round.opens_at <= now,
        Round.closes_at > now,
    )
    closing = and_(
        Round.state == RoundState.OPEN.value, Round.closes_at > since, Round.closes_at <= now
    )
    query = select(Round.id, Round.state).where(or_(opening, closing)).order_by(Round.id)
    async with db.reading() as session:
        rows = (await session.execute(query)).all()
    return [
        (round_id, RoundState.CLOSED if state == RoundState.OPEN.value else RoundState.OPEN)
        for round_id, state in rows
    ]


async def follow_schedule(services: Services, window: JobWindow) -> None:
    """Open the rounds whose time came, close those whose deadline came."""
    since = window.since or window.now - timedelta(seconds=SCHEDULE_SECONDS)
    for round_id, state in await rounds_due(services.db, since, window.now):
        move = open_round if state is RoundState.OPEN else close_round
        try:
            await move(services.db, SYSTEM, RoundRef(round_id=round_id))
        except Unavailable:
            raise
        except FairError as refusal:
            # A moderator moved it in between: their move stands.
            logger.info("round %d not moved to %s: %s", round_id, state.value, refusal.code)


SCHEDULE = Job("discussions.round_schedule", follow_schedule, every_seconds=SCHEDULE_SECONDS)


HANDBOOK_SECONDS = 2.0
HANDBOOK_FILES = {"html": "handbook.html", "md": "handbook.md", "pdf": "handbook.pdf"}


def export_dir(services: Services, export_id: int) -> Path:
    return services.settings.section(DiscussionsSettings).handbook_path / str(export_id)


def _write(path: Path, content: bytes) -> None:
    """Write `content` whole or not at all (a download never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(content)
    partial.replace(path)


async def build_handbooks(services: Services, window: JobWindow) -> None:
    """Work through the queued handbook exports, one at a time, reporting progress: read the
    snapshot, then write the HTML, the Markdown and the PDF."""
    while (task := await handbook.next_export(services.db)) is not None:
        await _build(services, task)
        await clean_up_exports(services)


async def clean_up_exports(services: Services) -> None:
    """Keep the files of the newest `handbook_keep` done exports of each scope: older ones are
    marked expired, then every export folder that no done, queued or running export owns is
    deleted (the expired ones, the failed ones, and any a crash left behind)."""
    settings = services.settings.section(DiscussionsSettings)
    await handbook.expire_exports(services.db, settings.handbook_keep)
    # Folders are listed before the exports are read: a folder is only made for an export
    # already in the table, so a folder listed here never belongs to an unseen export.
    folders = await asyncio.to_thread(_export_folders, settings.handbook_path)
    owned = await handbook.exports_with_files(services.db)
    for export_id, folder in folders.items():
        if export_id not in owned:
            await asyncio.to_thread(shutil.rmtree, folder, True)


def _export_folders(root: Path) -> dict[int, Path]:
    """The export folders under `root`, by export id; anything not named by a number is not
    the job's, and is left alone."""
    if not root.is_dir():
        return {}
    return {
        int(path.name): path for path in root.iterdir() if path.is_dir() and path.name.isdigit()
    }


async def _build(services: Services, task: handbook.ExportTask) -> None:
    db = services.db
    await handbook.move_export(db, task.id, ExportState.RUNNING, 5)
    try:
        book = await read_handbook(db, task.theme_id, as_of=task.requested_at)
        await handbook.move_export(db, task.id, ExportState.RUNNING, 30)
        folder = export_dir(services, task.id)
        base_url = services.settings.base_url
        html = formats.to_html(book, services.templates.env, base_url)
        await asyncio.to_thread(_write, folder / HANDBOOK_FILES["html"], html.encode())
        await handbook.move_export(db, task.id, ExportState.RUNNING, 55)
        markdown = formats.to_markdown(book, base_url)
        await asyncio.to_thread(_write, folder / HANDBOOK_FILES["md"], markdown.encode())
        await handbook.move_export(db, task.id, ExportState.RUNNING, 80)
        pdf = await asyncio.to_thread(formats.to_pdf, book, base_url)
        await asyncio.to_thread(_write, folder / HANDBOOK_FILES["pdf"], pdf)
    except Unavailable:
        raise
    except Exception:
        # A broken export is told to the organisers, and the next one goes on.
        logger.exception("handbook export %d failed", task.id)
        await handbook.move_export(
            db, task.id, ExportState.FAILED, 100, "The export could not be written."
        )
        return
    await handbook.move_export(db, task.id, ExportState.DONE, 100)


HANDBOOK = Job("discussions.handbook_exports", build_handbooks, every_seconds=HANDBOOK_SECONDS)
