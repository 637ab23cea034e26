"""The job that samples how many people are online, for the dashboard's peaks."""

from __future__ import annotations

from fair.core.attendance.actions import take_samples
from fair.core.contract import Job, JobWindow, Services

EVERY_SECONDS = 60.0


async def _sample(services: Services, window: JobWindow) -> None:
    await take_samples(services.db, services.presence, window.now)


SAMPLES = Job("attendance.sample", _sample, every_seconds=EVERY_SECONDS)
