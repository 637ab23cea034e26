"""The `fair` command: serve, migrate the database, create accounts, load the demo."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path

from fair.core.settings import PROJECT_ROOT, Settings, SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fair", description="Run and manage a virtual fair.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the fair over HTTP and websockets")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (needs PostgreSQL and Redis)"
    )
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--demo", action="store_true", help="apply migrations and load the demo first"
    )

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser(
        "upgrade", help="apply every migration of the core and the features not applied yet"
    )

    user = commands.add_parser("user", help="accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    create = user_commands.add_parser("create", help="create an account")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--country", required=True, help="ISO 3166 two-letter code, e.g. SN")
    create.add_argument("--organisation", default="")
    create.add_argument(
        "--role",
        default="participant",
        choices=["participant", "exhibitor", "panelist", "moderator", "organiser"],
    )
    create.add_argument("--password", help="omit to be asked (better: not kept in shell history)")

    demo = commands.add_parser("demo", help="demo content")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True)
    demo_commands.add_parser("load", help="load the demo fair (idempotent)")
    simulate = demo_commands.add_parser(
        "simulate", help="made-up days of activity for the demo fair's dashboard (once)"
    )
    simulate.add_argument("--people", type=int, default=300, help="how many people (300)")
    simulate.add_argument("--seed", type=int, default=2009, help="the same seed, the same days")

    digest = commands.add_parser("digest", help="the e-mail digest")
    digest_commands = digest.add_subparsers(dest="digest_command", required=True)
    send = digest_commands.add_parser(
        "send", help="queue today's digest (the period up to now) for everyone, or one person"
    )
    send.add_argument("--for", dest="email", help="only this person (an e-mail address)")
    send.add_argument(
        "--dry-run", action="store_true", help="print the digest instead of queueing it"
    )

    docs = commands.add_parser("docs", help="documentation generated from the code")
    docs_commands = docs.add_subparsers(dest="docs_command", required=True)
    docs_commands.add_parser("protocol", help="write docs/protocol.md (commands, channels, events)")

    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        settings.check()
        if args.command in {"serve", "demo"}:
            _check_sections(settings)
    except SettingsError as problem:
        print(f"fair: {problem}", file=sys.stderr)
        return 2

    if args.command == "serve":
        return _serve(settings, args)
    if args.command == "db":
        _upgrade(settings)
        return 0
    if args.command == "user":
        return asyncio.run(_create_user(settings, args))
    if args.command == "docs":
        return _write_protocol(settings)
    if args.command == "digest":
        return asyncio.run(_send_digest(settings, args.email, dry_run=args.dry_run))
    if args.command == "demo":
        _upgrade(settings)
        for line in asyncio.run(load_demo(settings)):
            print(line)
        if args.demo_command == "simulate":
            for line in asyncio.run(simulate_demo(settings, args.people, args.seed)):
                print(line)
        return 0
    return 1


def _check_sections(settings: Settings) -> None:
    """Parse every configured feature's settings section, so a bad one is refused up front."""
    from fair.core.features import load_features

    features = load_features(settings.features)
    settings.check_sections(f.settings for f in features if f.settings is not None)


def _upgrade(settings: Settings) -> None:
    from fair.core.migrate import upgrade

    upgrade(settings.database_url, settings.features)
    print(f"Database is up to date ({_redacted(settings.database_url)}).")


def _write_protocol(settings: Settings) -> int:
    from fair.core.protocol import PAGE, protocol_page

    (PROJECT_ROOT / PAGE).write_text(protocol_page(settings.features), encoding="utf-8")
    print(f"Wrote {PAGE}.")
    return 0


def _redacted(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from fair.core.server import server_options

    if args.workers > 1 and (settings.is_sqlite or not settings.redis_url):
        print(
            "fair: several workers need a shared database and bus: set FAIR_DATABASE_URL to a "
            "postgresql+asyncpg:// URL and FAIR_REDIS_URL to a redis:// URL.",
            file=sys.stderr,
        )
        return 2
    if args.demo:
        _upgrade(settings)
        for line in asyncio.run(load_demo(settings)):
            print(line)
    host = args.host or settings.host
    port = args.port or settings.port
    # Worker processes read the settings again from the environment: pass the choices on.
    os.environ["FAIR_HOST"], os.environ["FAIR_PORT"] = host, str(port)
    if not settings.production and "FAIR_BASE_URL" not in os.environ:
        os.environ["FAIR_BASE_URL"] = f"http://{host}:{port}"
    print(f"\nThe fair is running at http://{host}:{port}/  (Ctrl+C to stop)\n", flush=True)
    uvicorn.run(
        "fair.core.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        log_level="info",
        **server_options(settings),
    )
    return 0


async def _send_digest(settings: Settings, email: str | None, *, dry_run: bool) -> int:
    """`fair digest send`: the digest of the period up to now, printed or queued."""
    from fair.core.consumers import caught_up
    from fair.core.features import load_features
    from fair.core.notifications.consumer import NAME, notifications_consumer
    from fair.core.notifications.digest import Writing, digest_now
    from fair.core.services import open_services

    features = load_features(settings.features)
    # Only the notifications consumer runs here: it catches up first (after `fair demo load`,
    # say), so the digest reads every notice up to now.
    others = [job.name for f in features for job in f.jobs]
    others += [c.name for f in features for c in f.consumers if c.name != NAME]
    async with open_services(settings.replace(jobs_off=tuple(others)), features) as services:
        consumer = notifications_consumer(services.notifiers, services.notice_kinds)
        for _ in range(600):  # at most two minutes
            if consumer is None or await caught_up(services.db, consumer):
                break
            await asyncio.sleep(0.2)
        for line in await digest_now(services.db, Writing.of(services), email, dry_run=dry_run):
            print(line)
    return 0


async def load_demo(settings: Settings) -> list[str]:
    """Run every feature's demo loader against the configured database."""
    from fair.core.db import Database, create_engine
    from fair.core.features import load_features

    demo_dir = Path(settings.demo_path)
    if not demo_dir.is_absolute():
        demo_dir = PROJECT_ROOT / demo_dir
    db = Database(create_engine(settings.database_url))
    lines: list[str] = []
    try:
        for feature in load_features(settings.features):
            if feature.demo is not None:
                lines.extend(await feature.demo(db, demo_dir, settings))
    finally:
        await db.dispose()
    return lines


async def simulate_demo(settings: Settings, people: int, seed: int) -> list[str]:
    """Simulated days of the demo fair, from every feature that simulates its share."""
    from fair.core.attendance.simulation import simulate
    from fair.core.db import Database, create_engine
    from fair.core.features import load_features

    if not 1 <= people <= 100_000:
        return ["--people must be between 1 and 100000"]
    db = Database(create_engine(settings.database_url))
    try:
        features = load_features(settings.features)
        hooks = [f.simulate for f in features if f.simulate is not None]
        return await simulate(db, hooks, people=people, seed=seed)
    finally:
        await db.dispose()


async def _create_user(settings: Settings, args: argparse.Namespace) -> int:
    from fair.core.accounts.actions import register
    from fair.core.accounts.inputs import Registration
    from fair.core.accounts.roles import Role
    from fair.core.db import Database, create_engine
    from fair.core.errors import FairError
    from fair.core.inputs import parse

    password = args.password or getpass.getpass("Password (at least 10 characters): ")
    db = Database(create_engine(settings.database_url))
    try:
        form = parse(
            Registration,
            {
                "email": args.email,
                "display_name": args.name,
                "country": args.country,
                "organisation": args.organisation,
                "password": password,
            },
        )
        user = await register(db, form, role=Role(args.role))
    except FairError as refusal:
        details = "; ".join(f"{k}: {v}" for k, v in refusal.fields.items())
        print(f"fair: {refusal.message} {details}".strip(), file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    print(f"Created {user.email} ({user.role}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
