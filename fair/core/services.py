"""Everything a request or command needs, built once in the app's lifespan and passed down."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from starlette.templating import Jinja2Templates

from fair.core.breaker import Breaker
from fair.core.bus import create_bus
from fair.core.channels import ChannelAccess
from fair.core.db import Database, Timeouts, create_engine
from fair.core.features import Feature
from fair.core.hub import Hub
from fair.core.jobs import start_jobs
from fair.core.limits import Limits, create_limits
from fair.core.live import CORE_COMMANDS, Command, audience_recheck
from fair.core.presence import Presence, create_presence_store
from fair.core.settings import Settings
from fair.core.templates import create_templates


@dataclass
class Services:
    settings: Settings
    db: Database
    hub: Hub
    presence: Presence
    limits: Limits
    access: ChannelAccess
    commands: dict[str, Command]
    templates: Jinja2Templates
    features: Sequence[Feature]


def collect_commands(features: Sequence[Feature]) -> dict[str, Command]:
    commands: dict[str, Command] = {}
    for command in [*CORE_COMMANDS, *(c for f in features for c in f.commands)]:
        if command.name in commands:
            raise RuntimeError(f"websocket command {command.name!r} is defined twice")
        commands[command.name] = command
    return commands


@contextlib.asynccontextmanager
async def open_services(settings: Settings, features: Sequence[Feature]) -> AsyncIterator[Services]:
    timeouts = Timeouts.of(settings)
    db = Database(create_engine(settings.database_url, timeouts), timeouts)
    hub = Hub(
        db,
        create_bus(
            settings.redis_url,
            namespace=settings.namespace,
            probe_seconds=settings.bus_probe_seconds,
            probe_misses=settings.bus_probe_misses,
        ),
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
    rules = {prefix: rule for feature in features for prefix, rule in feature.channel_rules.items()}
    services = Services(
        settings=settings,
        db=db,
        hub=hub,
        presence=presence,
        limits=limits,
        access=ChannelAccess(rules),
        commands=collect_commands(features),
        templates=create_templates(settings, features),
        features=features,
    )
    hub.recheck = audience_recheck(services)
    await hub.start()
    await presence.start()
    # What exists now lives as long as the process: keep it out of the collector's full
    # passes, which otherwise pause a worker holding thousands of sockets.
    gc.collect()
    gc.freeze()
    jobs = start_jobs(services)
    try:
        yield services
    finally:
        await jobs.stop()
        await presence.stop()
        await hub.stop()
        await limits.counter.close()
        await db.dispose()
