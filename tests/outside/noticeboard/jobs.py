"""The notice board's job: take old notices down."""

from __future__ import annotations

from fair.core.contract import Job, JobWindow, Services
from noticeboard import actions
from noticeboard.settings import NoticeboardSettings


async def _sweep(services: Services, window: JobWindow) -> None:
    keep = services.settings.section(NoticeboardSettings).keep_seconds
    await actions.sweep_notices(services.db, window.now, keep)


SWEEP = Job("noticeboard.sweep", _sweep, every_seconds=0.5)
