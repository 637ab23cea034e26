"""Scheduled jobs: one worker at a time across instances, take-over, failures, shutdown."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import update

from fair.core.contract import Feature, Job, JobWindow, Services
from fair.core.jobs import JobRunner, _due, _Scheduled
from fair.core.leases import JobRun
from fair.core.settings import SettingsError
from tests.support.jobs import lease_of, services_on, until


@dataclass
class Runs:
    """What a test job saw: who ran it, with which window, and how many ran at once."""

    by: list[Services] = field(default_factory=list)
    windows: list[JobWindow] = field(default_factory=list)
    running: int = 0
    most_at_once: int = 0
    started_at: list[datetime] = field(default_factory=list)

    def job(self, name: str = "test.counted", every: float = 0.02) -> Job:
        async def run(services: Services, window: JobWindow) -> None:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.by.append(services)
            self.windows.append(window)
            self.started_at.append(window.now)
            try:
                await asyncio.sleep(0.01)
            finally:
                self.running -= 1

        return Job(name, run, every_seconds=every)


def test_a_job_has_exactly_one_kind_of_schedule() -> None:
    """A job with both an interval and a time of day, or neither, is refused."""

    async def run(_services: Services, _window: JobWindow) -> None:
        return None

    with pytest.raises(ValueError, match="exactly one"):
        Job("both", run, every_seconds=1, daily_at=time(8))
    with pytest.raises(ValueError, match="exactly one"):
        Job("neither", run)
    assert Job("daily", run, daily_at=time(8)).daily_at == time(8)


def test_a_daily_job_is_due_once_per_day_after_its_time() -> None:
    """A daily job is due when its time (UTC) came since it last completed, and not again."""

    async def run(_window: JobWindow) -> None:
        return None

    daily = _Scheduled("daily", run, None, time(8, 0), 1.0)
    morning = datetime(2026, 5, 4, 8, 0, 1, tzinfo=UTC)
    assert _due(daily, None, morning)
    assert _due(daily, morning - timedelta(days=1), morning)
    assert not _due(daily, morning, morning + timedelta(hours=10))
    assert not _due(daily, morning - timedelta(hours=1), morning - timedelta(seconds=2))
    assert _due(daily, morning, morning + timedelta(days=1))


async def test_a_job_runs_on_one_instance_and_moves_when_it_stops(
    clean_postgres_url: str,
) -> None:
    """Two instances on one PostgreSQL run a job on one of them only; a clean stop hands it over."""
    runs = Runs()
    async with services_on(clean_postgres_url) as a, services_on(clean_postgres_url) as b:
        first, second = JobRunner(a, [runs.job()]), JobRunner(b, [runs.job()])
        first.start()
        second.start()
        try:
            await until(lambda: len(runs.by) >= 10)
            holder = runs.by[0]
            assert all(s is holder for s in runs.by)
            stopped, other = (first, b) if holder is a else (second, a)
            before = len(runs.by)
            await stopped.stop()
            await until(lambda: len(runs.by) >= before + 5)
        finally:
            await first.stop()
            await second.stop()
    assert runs.by[before:] == [other] * (len(runs.by) - before)
    assert runs.most_at_once == 1


async def test_a_dead_instances_job_moves_once_its_lease_runs_out(
    clean_postgres_url: str,
) -> None:
    """An instance that stops without releasing (a crash) keeps the job until its lease ends."""
    runs = Runs()
    async with services_on(clean_postgres_url) as a, services_on(clean_postgres_url) as b:
        first, second = JobRunner(a, [runs.job()]), JobRunner(b, [runs.job()])
        first.start()
        await until(lambda: len(runs.by) >= 2)
        second.start()
        try:
            await first.stop(release=False)
            dead = await lease_of(a.db, "test.counted")
            assert dead is not None and dead.holder == first.holder
            assert dead.lease_until is not None
            before = len(runs.by)
            await until(lambda: len(runs.by) >= before + 3)
        finally:
            await first.stop()
            await second.stop()
    assert runs.by[before:] == [b] * (len(runs.by) - before)
    assert runs.started_at[before] >= dead.lease_until
    assert runs.most_at_once == 1


async def test_a_failing_job_is_logged_and_retried_with_the_same_window(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A run that raises is logged with its traceback and retried from the same `since`."""
    windows: list[JobWindow] = []

    async def flaky(_services: Services, window: JobWindow) -> None:
        windows.append(window)
        if len(windows) <= 2:
            raise RuntimeError("not yet")

    async with services_on(database_url) as services:
        runner = JobRunner(services, [Job("test.flaky", flaky, every_seconds=0.02)])
        runner.start()
        try:
            await until(lambda: len(windows) >= 4)
        finally:
            await runner.stop()
    assert [w.since for w in windows[:3]] == [None, None, None]
    assert windows[3].since == windows[2].now
    failures = [r for r in caplog.records if "test.flaky failed" in r.getMessage()]
    assert len(failures) == 2
    assert all(r.levelno == logging.ERROR and r.exc_info for r in failures)


async def test_shutdown_cancels_a_running_job_and_releases_its_lease(database_url: str) -> None:
    """Stopping the runner cancels a run in progress, leaves no task and frees the lease."""
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def long(_services: Services, _window: JobWindow) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async with services_on(database_url) as services:
        runner = JobRunner(services, [Job("test.long", long, every_seconds=60)])
        runner.start()
        await asyncio.wait_for(started.wait(), 20)
        await runner.stop()
        lease = await lease_of(services.db, "test.long")
    assert cancelled.is_set()
    assert [t for t in asyncio.all_tasks() if t.get_name().startswith("job-")] == []
    assert lease is not None
    assert (lease.holder, lease.lease_until, lease.last_completed_at) == (None, None, None)


async def test_a_run_that_loses_its_lease_is_cancelled_and_not_completed(
    database_url: str,
) -> None:
    """If another worker took the lease while a run lasted, the run is cancelled, not recorded."""
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def long(_services: Services, _window: JobWindow) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async with services_on(database_url) as services:
        runner = JobRunner(services, [Job("test.stolen", long, every_seconds=60)])
        runner.start()
        try:
            await asyncio.wait_for(started.wait(), 20)
            async with services.db.transaction() as tx:
                await tx.session.execute(
                    update(JobRun)
                    .where(JobRun.name == "test.stolen")
                    .values(holder="another", lease_until=datetime.now(UTC) + timedelta(hours=1))
                )
            await asyncio.wait_for(cancelled.wait(), 20)
        finally:
            await runner.stop()
        lease = await lease_of(services.db, "test.stolen")
    assert lease is not None
    assert (lease.holder, lease.last_completed_at) == ("another", None)


async def test_a_features_job_runs_at_the_interval_the_settings_give(sqlite_url: str) -> None:
    """The app runs its features' jobs; `job_intervals` changes a job's interval."""
    runs = Runs()
    feature = Feature("test", jobs=[runs.job(every=3600)])
    async with services_on(sqlite_url, [feature], job_intervals=("test.counted=0.01",)):
        await until(lambda: len(runs.by) >= 3)
    assert [w.since for w in runs.windows[1:3]] == [w.now for w in runs.windows[0:2]]


@pytest.mark.parametrize(
    ("entry", "message"),
    [("test.counted", "name=seconds"), ("test.countde=1", "names no interval job: test.countde")],
)
async def test_a_wrong_interval_setting_stops_the_start(
    sqlite_url: str, entry: str, message: str
) -> None:
    """A malformed or misspelt `job_intervals` entry is refused at start, saying which."""
    feature = Feature("test", jobs=[Runs().job()])
    with pytest.raises(SettingsError, match=message):
        async with services_on(sqlite_url, [feature], job_intervals=(entry,)):
            pass


async def test_jobs_off_keeps_a_job_off_this_worker_and_a_misspelt_name_stops_the_start(
    sqlite_url: str,
) -> None:
    """A job named in `jobs_off` never runs here; a name that is no job is refused at start."""
    runs = Runs()
    kept, counted = Feature("test", jobs=[runs.job(every=0.01)]), Runs()
    other = Feature("other", jobs=[counted.job(every=0.01, name="other.counted")])
    async with services_on(sqlite_url, [kept, other], jobs_off=("test.counted",)):
        await until(lambda: len(counted.by) >= 3)
    assert runs.by == []
    with pytest.raises(SettingsError, match=r"names no job or consumer: test\.countde"):
        async with services_on(sqlite_url, [kept], jobs_off=("test.countde",)):
            pass
