"""Fan-out benchmark: N followers of one Q&A panel while voters vote at a fixed rate.

For each mode (the embedded fair, two fair workers on PostgreSQL and Redis, a
bare `websockets` ceiling and a naive Starlette server) it measures delivery
latency from each vote's scheduled time, events lost and duplicated,
connections held, server CPU per delivered event, server memory per
connection and garbage-collection pauses, then prints a table and the
verdicts and writes JSON to benchmarks/results/. Servers run on core 0; the
load generator, the voters and this driver on core 1. Run by hand:

    .venv/bin/python benchmarks/fanout.py                          # N=10000, 10/s, 20 s
    .venv/bin/python benchmarks/fanout.py --clients 200 --seconds 5 --modes ceiling,embedded
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fanout_deploy import Child, Deployment, Plan, deploy, require_loopback
from fanout_process import (
    LOAD_CORE,
    cores_available,
    cpu_by_pid,
    cpu_seconds,
    cpu_since,
    machine_cpu_seconds,
    prepare_process,
    service_pids,
)
from fanout_report import ModeResult, details, load_notes, revision, table, verdicts, write_json
from fanout_scene import voters_needed
from websockets.asyncio.client import connect
from websockets.typing import Origin

RESULTS = Path(__file__).resolve().parent / "results"
MODE_NAMES = ("embedded", "redis", "ceiling", "starlette")
SETTLE_SECONDS = 2.0  # after connecting, before reading memory: let handshake garbage go
READY_SECONDS = 60.0
CONNECT_LIMIT_SECONDS = 330.0
REPORT_LIMIT_SECONDS = 180.0
START_AFTER_SECONDS = 0.5
MIB = 1024 * 1024


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=10000, help="followers (default 10000)")
    parser.add_argument("--rate", type=float, default=10.0, help="votes per second (default 10)")
    parser.add_argument("--seconds", type=float, default=20.0, help="produce for (default 20)")
    parser.add_argument(
        "--modes",
        default=",".join(MODE_NAMES),
        help=f"comma-separated subset of {','.join(MODE_NAMES)} (default: all)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=100,
        help="handshakes in flight while connecting (default 100)",
    )
    add_service_options(parser)
    args = parser.parse_args()
    check_service_options(args)
    args.modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    unknown = set(args.modes) - set(MODE_NAMES)
    if unknown or not args.modes:
        parser.error(f"--modes takes a subset of {','.join(MODE_NAMES)}")
    if args.clients < 1 or args.rate <= 0 or args.seconds <= 0:
        parser.error("--clients, --rate and --seconds must be positive")
    return args


def add_service_options(parser: argparse.ArgumentParser) -> None:
    """`--postgres` and `--redis`, for every benchmark that runs the two-worker mode."""
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "FAIR_BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test"
        ),
        help="admin DSN; the redis mode creates and drops a scratch database through it",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("FAIR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="Redis for the redis mode",
    )


def check_service_options(args: argparse.Namespace) -> None:
    require_loopback(args.postgres)
    require_loopback(args.redis)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def warm_up(deployment: Deployment, channel: str) -> None:
    """One follower through each server first, so one-time setup is not counted per connection."""
    for target in deployment.targets:
        async with connect(
            target.url, origin=Origin(target.origin), compression=None, proxy=None
        ) as connection:
            command = {"kind": "command", "ref": "w", "type": "live.follow"}
            await connection.send(json.dumps({**command, "data": {"channel": channel}}))
            await asyncio.wait_for(connection.recv(), READY_SECONDS)


async def helper(name: str, script: str, args: list[str], plan: Plan) -> Child:
    """A helper process of the driver's own (voters, followers), on the load generator's core."""
    return await Child.start(
        name, script, ["--core", str(LOAD_CORE), *args], {**os.environ}, plan.results
    )


async def measure(mode: str, args: argparse.Namespace, plan: Plan) -> ModeResult:
    result = ModeResult(mode, args.clients)
    say(f"[{mode}] starting servers")
    async with deploy(mode, plan) as deployment:
        channel = deployment.scene["channel"]
        scene_file = plan.results / f"{mode}-scene.json"
        scene_file.write_text(json.dumps(deployment.voters_scene()))
        await warm_up(deployment, channel)
        helpers: list[Child] = []
        try:
            voters = await start_voters(helpers, plan, scene_file, READY_SECONDS)
            await asyncio.sleep(SETTLE_SECONDS)
            rss_before = deployment.server_rss()
            say(f"[{mode}] connecting {args.clients} followers of {channel}")
            followers, following = await start_followers(
                helpers, plan, deployment, args.clients, "--concurrency", str(args.concurrency)
            )
            result.connect_seconds = following["seconds"]
            result.connect_failures = following["failures"]
            result.follows_refused = following["refused_then_followed"]
            await asyncio.sleep(SETTLE_SECONDS)
            record_memory(result, rss_before, deployment.server_rss(), following["following"])
            say(
                f"[{mode}] {following['following']} following after {following['seconds']:.1f} s; "
                f"{plan.count} votes at {plan.rate:g}/s"
            )
            result.cores = {
                **{s.name: sorted(os.sched_getaffinity(s.pid)) for s in deployment.servers},
                **{h.name: sorted(os.sched_getaffinity(h.pid)) for h in helpers},
            }
            await produce_and_count(deployment, voters, followers, plan, result)
        finally:
            for child in reversed(helpers):
                await child.stop()
    result.notes.extend(load_notes(result))
    return result


async def start_voters(helpers: list[Child], plan: Plan, scene_file: Path, within: float) -> Child:
    """The voters' process, once every voter's socket is open."""
    voters = await helper(
        "voters",
        "fanout_voters.py",
        ["--rate", str(plan.rate), "--count", str(plan.count), "--scene", str(scene_file)],
        plan,
    )
    helpers.append(voters)
    await voters.expect("ready", within)
    return voters


async def start_followers(
    helpers: list[Child], plan: Plan, deployment: Deployment, clients: int, *extra: str
) -> tuple[Child, dict[str, Any]]:
    """The load generator's process, spread over every server; what it said once following."""
    pairs = [part for target in deployment.targets for part in (target.url, target.origin)]
    followers = await helper(
        "followers",
        "fanout_followers.py",
        [
            "--clients",
            str(clients),
            "--expected",
            str(plan.count),
            "--channel",
            deployment.scene["channel"],
            *extra,
            *pairs,
        ],
        plan,
    )
    helpers.append(followers)
    return followers, await followers.expect("following", CONNECT_LIMIT_SECONDS)


@dataclass(frozen=True)
class Clocks:
    """Time so far: wall clock, and CPU of the servers, the load generator, the voters, this
    driver, PostgreSQL and Redis, and the whole machine."""

    wall: float
    servers: float
    load: float
    voters: float
    driver: float
    services: dict[int, float]
    machine: float

    @classmethod
    def read(cls, deployment: Deployment, followers: Child, voters: Child) -> Clocks:
        return cls(
            time.monotonic(),
            deployment.server_cpu(),
            cpu_seconds(followers.pid),
            cpu_seconds(voters.pid),
            cpu_seconds(os.getpid()),
            cpu_by_pid(service_pids()),
            machine_cpu_seconds(),
        )

    def record_since(self, start: Clocks, result: ModeResult) -> None:
        wall = self.wall - start.wall
        result.server_cpu_seconds = self.servers - start.servers
        result.load_cpu_share = (self.load - start.load) / wall
        result.voters_cpu_seconds = self.voters - start.voters
        services = cpu_since(start.services, self.services)
        result.services_cpu_cores = services / wall
        ours = (
            result.server_cpu_seconds
            + (self.load - start.load)
            + result.voters_cpu_seconds
            + (self.driver - start.driver)
            + services
        )
        result.others_cpu_cores = max(0.0, (self.machine - start.machine - ours) / wall)


async def produce_and_count(
    deployment: Deployment, voters: Child, followers: Child, plan: Plan, result: ModeResult
) -> None:
    """The measured phase: the votes go out, every follower counts what arrives."""
    await deployment.tell("measure")
    start = Clocks.read(deployment, followers, voters)
    start_ns = time.time_ns() + round(START_AFTER_SECONDS * 1e9)
    await voters.command("produce " + json.dumps({"start_ns": start_ns}))
    produced = await voters.expect("produced", plan.count / plan.rate + REPORT_LIMIT_SECONDS)
    schedule = {"start_ns": start_ns, "rate": plan.rate, "events": produced["events"]}
    await followers.command("report " + json.dumps(schedule))
    report = await followers.expect("report", REPORT_LIMIT_SECONDS)
    Clocks.read(deployment, followers, voters).record_since(start, result)
    result.gc_pauses = await deployment.gc_pauses()
    result.produce = {k: v for k, v in produced.items() if k not in ("event", "events")}
    count_deliveries(result, report)


def count_deliveries(result: ModeResult, report: dict[str, Any]) -> None:
    """What the followers received, against what was produced."""
    result.connected = report["connected"]
    result.held = report["held"]
    result.close_codes = report["close_codes"]
    result.produced = report["events"]
    result.delivered = report["delivered"]
    result.lost = result.connected * result.produced - result.delivered
    result.duplicates = report["duplicates"]
    result.strays = report["strays"]
    result.transient = report["transient"]
    result.unmapped = report["unmapped"]
    result.latency_ms = report["latency_ms"]
    result.first_ms = report["first_ms"]
    result.worst_ms_by_event = report["worst_per_event_ms"]
    result.loop_lag_ms = report["loop_lag_ms"]
    result.settle_seconds = report["settle_seconds"]
    if result.delivered:
        result.cpu_us_per_delivery = result.server_cpu_seconds / result.delivered * 1e6


def record_memory(result: ModeResult, before: int, after: int, connected: int) -> None:
    result.rss_before_mib = before / MIB
    result.rss_after_mib = after / MIB
    if connected:
        result.kib_per_connection = (after - before) / 1024 / connected


async def run(args: argparse.Namespace) -> int:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = RESULTS / f"fanout-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    count = max(1, round(args.rate * args.seconds))
    plan = Plan(args.rate, count, voters_needed(args.rate), args.postgres, args.redis, run_dir)
    results = []
    for mode in args.modes:
        try:
            results.append(await measure(mode, args, plan))
        except Exception as failure:  # one mode failing must not hide the others' numbers
            say(f"[{mode}] failed: {failure!r}")
            results.append(ModeResult(mode, args.clients, error=repr(failure)))
    print()
    print(
        f"{args.clients} followers, {plan.count} votes at {plan.rate:g}/s by {plan.voters} "
        f"voters, app at {revision()} (servers on core 0; load generator, voters, driver on "
        "core 1)"
    )
    print(table(results))
    print()
    for line in details(results):
        print(line)
    print()
    for line in [*verdicts(results), *(f"note: {r.mode}: {n}" for r in results for n in r.notes)]:
        print(line)
    path = RESULTS / f"fanout-{stamp}.json"
    write_json(path, {**vars(args), "events": plan.count, "voters": plan.voters}, results)
    print(f"\nResults: {path}  (logs: {run_dir})")
    return 1 if any(r.error for r in results) else 0


def main() -> int:
    args = options()
    if not cores_available():
        say("fanout: cores 0 and 1 are not both available; processes will not be pinned")
    prepare_process(LOAD_CORE)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
