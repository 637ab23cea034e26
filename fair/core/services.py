"""Building the `Services` (fair/core/contract.py) in the app's lifespan, and closing them."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Sequence

from fair.core.assets import StaticAssets
from fair.core.breaker import Breaker
from fair.core.buses import create_bus
from fair.core.channels import ChannelAccess
from fair.core.contract import (
    ChannelRule,
    CitationSource,
    Command,
    Feature,
    FigureSource,
    Forget,
    NoticeKind,
    Notifier,
    PersonalData,
    ProgrammeSource,
    Reportable,
    Services,
)
from fair.core.db import Database, Timeouts, create_engine
from fair.core.hub import Hub
from fair.core.jobs import start_jobs
from fair.core.limits import create_limits
from fair.core.live import CORE_COMMANDS, audience_recheck
from fair.core.presence import Presence, create_presence_store
from fair.core.settings import Settings
from fair.core.templates import create_templates


def collect_commands(features: Sequence[Feature]) -> dict[str, Command]:
    commands: dict[str, Command] = {}
    for command in [*CORE_COMMANDS, *(c for f in features for c in f.commands)]:
        if command.name in commands:
            raise RuntimeError(f"websocket command {command.name!r} is defined twice")
        commands[command.name] = command
    return commands


def collect_channel_rules(features: Sequence[Feature]) -> dict[str, ChannelRule]:
    rules: dict[str, ChannelRule] = {}
    for feature in features:
        for prefix, rule in feature.channel_rules.items():
            if prefix in rules:
                raise RuntimeError(f"channel prefix {prefix!r} has two rules")
            rules[prefix] = rule
    return rules


def collect_citations(features: Sequence[Feature]) -> list[CitationSource]:
    """The features' citation sources (two-way links), in the features' order."""
    return [feature.citations for feature in features if feature.citations is not None]


def collect_programmes(features: Sequence[Feature]) -> list[ProgrammeSource]:
    """The features' programme sources (the digest's "coming up"), in the features' order."""
    return [feature.programme for feature in features if feature.programme is not None]


def collect_figures(features: Sequence[Feature]) -> list[FigureSource]:
    """The features' attendance figures, in the features' order."""
    return [feature.figures for feature in features if feature.figures is not None]


def collect_personal_data(features: Sequence[Feature]) -> list[tuple[str, PersonalData]]:
    """The features' parts of a person's data download, by feature name, in the features'
    order."""
    return [(f.name, f.personal_data) for f in features if f.personal_data is not None]


def collect_forgetting(features: Sequence[Feature]) -> list[Forget]:
    """What the features do when a person deletes their account, in the features' order."""
    return [feature.forget for feature in features if feature.forget is not None]


def collect_notifiers(features: Sequence[Feature]) -> list[Notifier]:
    """Every feature's notifiers, in the features' order."""
    return [notifier for feature in features for notifier in feature.notifiers]


def collect_notice_kinds(features: Sequence[Feature]) -> dict[str, NoticeKind]:
    """Every feature's kinds of notice, by kind; a kind declared twice is a mistake."""
    kinds: dict[str, NoticeKind] = {}
    for kind in (k for f in features for k in f.notice_kinds):
        if kind.kind in kinds:
            raise RuntimeError(f"notice kind {kind.kind!r} is declared twice")
        kinds[kind.kind] = kind
    return kinds


def collect_reportables(features: Sequence[Feature]) -> dict[str, Reportable]:
    reportables: dict[str, Reportable] = {}
    for reportable in (r for f in features for r in f.reportables):
        if reportable.kind in reportables:
            raise RuntimeError(f"reportable kind {reportable.kind!r} is defined twice")
        reportables[reportable.kind] = reportable
    return reportables


@contextlib.asynccontextmanager
async def open_services(
    settings: Settings, features: Sequence[Feature], assets: StaticAssets | None = None
) -> AsyncIterator[Services]:
    timeouts = Timeouts.of(settings)
    db = Database(create_engine(settings.database_url, timeouts), timeouts)
    access = ChannelAccess(collect_channel_rules(features))
    hub = Hub(
        db,
        create_bus(
            settings.redis_url,
            namespace=settings.namespace,
            probe_seconds=settings.bus_probe_seconds,
            probe_misses=settings.bus_probe_misses,
        ),
        recheck=audience_recheck(db, access),
        replay_limit=settings.replay_limit,
        head_check_seconds=settings.head_check_seconds,
    )
    # Presence and limits talk to the same Redis: once either finds it down, both fail fast.
    breaker = Breaker("redis", cool_down=settings.redis_breaker_seconds)
    presence = Presence(
        create_presence_store(
            settings.redis_url,
            namespace=settings.namespace,
            timeout=settings.redis_timeout_seconds,
            breaker=breaker,
        ),
        ttl=settings.presence_ttl_seconds,
        heartbeat=settings.presence_heartbeat_seconds,
    )
    limits = create_limits(
        settings.redis_url,
        namespace=settings.namespace,
        timeout=settings.redis_timeout_seconds,
        breaker=breaker,
    )
    services = Services(
        settings=settings,
        db=db,
        hub=hub,
        presence=presence,
        limits=limits,
        access=access,
        commands=collect_commands(features),
        templates=create_templates(settings, features, assets),
        features=features,
        citations=collect_citations(features),
        reportables=collect_reportables(features),
        notifiers=collect_notifiers(features),
        notice_kinds=collect_notice_kinds(features),
        programmes=collect_programmes(features),
        figures=collect_figures(features),
        personal_data=collect_personal_data(features),
        forgetting=collect_forgetting(features),
    )
    # Whatever has started is stopped again, in reverse order, however far the start got.
    async with contextlib.AsyncExitStack() as started:
        started.push_async_callback(db.dispose)
        started.push_async_callback(limits.counter.close)
        await hub.start()
        started.push_async_callback(hub.stop)
        await presence.start()
        started.push_async_callback(presence.stop)
        # What exists now lives as long as the process: keep it out of the collector's full
        # passes, which otherwise pause a worker holding thousands of sockets.
        gc.collect()
        gc.freeze()
        jobs = start_jobs(services)
        started.push_async_callback(jobs.stop)
        yield services
