"""The job runner: every feature's jobs and consumers, each on exactly one worker at a time.

Every worker runs one small task per job (and per consumer). Each tick it takes or
renews that job's lease (`leases.py`, a row per job): the worker that holds it keeps it
while it lives and runs the job when due; the others only try again at their next tick.
A worker that dies stops renewing, and another takes over once the lease has run out
(`job_lease_seconds`); one that shuts down cancels its runs and releases its leases, so
another takes over at its next tick (`job_poll_seconds`). While a run lasts, its lease
is renewed every tick; a run whose lease was lost (its worker stalled past the lease)
is cancelled, so a job never runs on two workers, nor twice at once on one.

A run gets a `JobWindow`: `since` is when the job last completed (None the first time
ever), `now` is this run's moment; completing stores `now`, so the next run covers
what came after. A run that raises is logged and retried at the next tick with the same
`since`; it never stops the runner. An `every_seconds` job is due when that long has
passed since it last completed (`job_intervals` in the settings can change it per job),
a `daily_at` job when the time (UTC) has come since it last completed; the first time
ever both are due at once.

A consumer (`consumers.py`) is driven the same way under the lease `consumer:<name>`:
it makes a pass every `consumer_poll_seconds`, and at once when a commit on this worker
touched one of its channels.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from fair.core import consumers, leases
from fair.core.contract import Consumer, Job, JobWindow
from fair.core.errors import Unavailable
from fair.core.events import Envelope
from fair.core.notifications.consumer import notifications_consumer
from fair.core.settings import Settings, SettingsError
from fair.core.tables import utcnow
from fair.core.tasks import cancel_all

if TYPE_CHECKING:
    from fair.core.contract import Services

logger = logging.getLogger(__name__)


@dataclass
class _Scheduled:
    """One job or consumer as the runner drives it."""

    name: str
    work: Callable[[JobWindow], Coroutine[object, object, None]]
    every: float | None
    daily_at: time | None
    wait: float
    wake: asyncio.Event | None = None
    reads: Consumer | None = None


class JobRunner:
    """Drives `jobs` and `consumers` on this worker, under one holder name."""

    def __init__(
        self,
        services: Services,
        jobs: Sequence[Job] = (),
        consumers: Sequence[Consumer] = (),
        *,
        holder: str | None = None,
    ) -> None:
        settings = services.settings
        _check(settings)
        self.services = services
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.poll = settings.job_poll_seconds
        self.lease = settings.job_lease_seconds
        intervals = _intervals(settings)
        self._scheduled = [self._job(job, intervals.get(job.name)) for job in jobs]
        self._scheduled += [self._consumer(consumer, settings) for consumer in consumers]
        names = [s.name for s in self._scheduled]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise RuntimeError(f"jobs or consumers defined twice: {', '.join(twice)}")
        self._tasks: list[asyncio.Task[None]] = []
        self._stopped = False

    def _job(self, job: Job, every: float | None) -> _Scheduled:
        services = self.services

        async def work(window: JobWindow) -> None:
            await job.run(services, window)

        every = every if every is not None and job.every_seconds is not None else job.every_seconds
        wait = self.poll if every is None else min(self.poll, every)
        return _Scheduled(job.name, work, every, job.daily_at, wait)

    def _consumer(self, consumer: Consumer, settings: Settings) -> _Scheduled:
        services = self.services

        async def work(_window: JobWindow) -> None:
            await consumers.consume(
                services,
                consumer,
                batch=settings.consumer_batch,
                max_failures=settings.consumer_max_failures,
            )

        wait = min(self.poll, settings.consumer_poll_seconds)
        return _Scheduled(
            f"consumer:{consumer.name}", work, None, None, wait, asyncio.Event(), consumer
        )

    def start(self) -> None:
        if any(s.wake is not None for s in self._scheduled):
            self.services.db.on_commit(self._committed)
        self._tasks = [
            asyncio.create_task(self._drive(s), name=f"job-{s.name}") for s in self._scheduled
        ]

    async def stop(self, *, release: bool = True) -> None:
        """Cancel every run and, unless told not to (a test playing a crash), release the
        leases so another worker takes over at once."""
        self._stopped = True
        await cancel_all(self._tasks)
        self._tasks = []
        if not release or not self._scheduled:
            return
        try:
            await leases.release(self.services.db, self.holder)
        except Exception:
            logger.warning("could not release the job leases of %s; they will expire", self.holder)

    async def _committed(self, envelopes: Sequence[Envelope]) -> None:
        if self._stopped:
            return
        for scheduled in self._scheduled:
            if scheduled.reads is not None and scheduled.wake is not None:
                if any(scheduled.reads.reads(e.channel) for e in envelopes):
                    scheduled.wake.set()

    async def _drive(self, scheduled: _Scheduled) -> None:
        while True:
            if scheduled.wake is not None:
                scheduled.wake.clear()
            try:
                await self._tick(scheduled)
            except Unavailable:
                logger.warning("job %s: the database is away; trying again", scheduled.name)
            except Exception:
                logger.exception("job %s failed; it runs again at the next tick", scheduled.name)
            await self._sleep(scheduled)

    async def _sleep(self, scheduled: _Scheduled) -> None:
        if scheduled.wake is None:
            await asyncio.sleep(scheduled.wait)
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(scheduled.wait):
                await scheduled.wake.wait()

    async def _tick(self, scheduled: _Scheduled) -> None:
        db = self.services.db
        now = utcnow()
        held = await leases.take(db, scheduled.name, self.holder, now, self.lease)
        if held is None or not _due(scheduled, held.last_completed_at, now):
            return
        window = JobWindow(held.last_completed_at, now)
        if await self._run_holding(scheduled, window):
            await leases.complete(db, scheduled.name, self.holder, now)

    async def _run_holding(self, scheduled: _Scheduled, window: JobWindow) -> bool:
        """Run once, renewing the lease every tick; False if the lease was lost meanwhile."""
        db = self.services.db
        run = asyncio.create_task(scheduled.work(window), name=f"job-run-{scheduled.name}")
        try:
            while not run.done():
                await asyncio.wait({run}, timeout=self.poll)
                if run.done():
                    break
                if await leases.take(db, scheduled.name, self.holder, utcnow(), self.lease) is None:
                    logger.warning("job %s lost its lease while running: cancelled", scheduled.name)
                    return False
            run.result()
            return True
        finally:
            if not run.done():
                await cancel_all([run])


def start_jobs(services: Services) -> JobRunner:
    """Start every configured feature's jobs and consumers on this worker."""
    features = services.features
    jobs = [job for feature in features for job in feature.jobs]
    periodic = {job.name for job in jobs if job.every_seconds is not None}
    unknown = sorted(set(_intervals(services.settings)) - periodic)
    if unknown:
        raise SettingsError(
            f"FAIR_JOB_INTERVALS names no interval job: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(periodic)) or 'none'})"
        )
    consumers = [consumer for feature in features for consumer in feature.consumers]
    notifying = notifications_consumer(services.notifiers, services.notice_kinds)
    if notifying is not None:
        consumers.append(notifying)
    off = set(services.settings.jobs_off)
    unknown = sorted(off - {job.name for job in jobs} - {consumer.name for consumer in consumers})
    if unknown:
        raise SettingsError(f"FAIR_JOBS_OFF names no job or consumer: {', '.join(unknown)}")
    runner = JobRunner(
        services,
        [job for job in jobs if job.name not in off],
        [consumer for consumer in consumers if consumer.name not in off],
    )
    runner.start()
    return runner


def _due(scheduled: _Scheduled, last: datetime | None, now: datetime) -> bool:
    if scheduled.every is None and scheduled.daily_at is None:
        return True  # a consumer: a pass at every tick
    if last is None:
        return True
    if scheduled.every is not None:
        return now - last >= timedelta(seconds=scheduled.every)
    assert scheduled.daily_at is not None
    today = datetime.combine(now.date(), scheduled.daily_at.replace(tzinfo=None), tzinfo=UTC)
    latest = today if today <= now else today - timedelta(days=1)
    return last < latest


def _check(settings: Settings) -> None:
    if settings.job_poll_seconds <= 0 or settings.consumer_poll_seconds <= 0:
        raise SettingsError("FAIR_JOB_POLL_SECONDS and FAIR_CONSUMER_POLL_SECONDS must be > 0")
    if settings.job_lease_seconds < 2 * settings.job_poll_seconds:
        raise SettingsError(
            "FAIR_JOB_LEASE_SECONDS must be at least twice FAIR_JOB_POLL_SECONDS: "
            "a lease is renewed once per poll"
        )
    if settings.consumer_batch < 1 or settings.consumer_max_failures < 1:
        raise SettingsError("FAIR_CONSUMER_BATCH and FAIR_CONSUMER_MAX_FAILURES must be >= 1")


def _intervals(settings: Settings) -> dict[str, float]:
    """`job_intervals`: "name=seconds" entries that change an interval job's interval."""
    found: dict[str, float] = {}
    for entry in settings.job_intervals:
        name, _, seconds = entry.partition("=")
        try:
            value = float(seconds)
        except ValueError:
            value = 0.0
        if value <= 0:
            raise SettingsError(f"FAIR_JOB_INTERVALS: {entry!r} is not name=seconds")
        found[name.strip()] = value
    return found
