"""Fan-out benchmark: N live clients follow `fair` while ticks are committed at a fixed rate.

For each mode (the embedded fair, two fair workers on PostgreSQL and Redis,
and a bare `websockets` ceiling) it measures delivery latency, events lost,
connections held, server CPU per delivered event and server memory per
connection, then prints a table and writes JSON to benchmarks/results/.
Servers run on core 0, this load generator on core 1. Run by hand:

    .venv/bin/python benchmarks/fanout.py                          # N=5000, 10/s, 20 s
    .venv/bin/python benchmarks/fanout.py --clients 200 --seconds 5 --modes ceiling,embedded
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fanout_deploy import Deployment, Plan, deploy, require_loopback
from fanout_load import Crowd, LoopLag, disperse, gather_crowd, join, settle
from fanout_process import (
    LOAD_CORE,
    cores_available,
    cpu_seconds,
    machine_cpu_seconds,
    prepare_process,
)
from fanout_report import (
    ModeResult,
    details,
    load_notes,
    percentiles,
    revision,
    table,
    verdicts,
    write_json,
)
from fanout_ticks import tick_count

RESULTS = Path(__file__).resolve().parent / "results"
MODE_NAMES = ("embedded", "redis", "ceiling")
SETTLE_SECONDS = 2.0  # after connecting, before reading memory: let handshake garbage go
QUIET_SECONDS = 5.0  # after producing, stop waiting once nothing arrived for this long
DRAIN_LIMIT_SECONDS = 30.0
CONNECT_LIMIT_SECONDS = 300.0
PRODUCE_SLACK_SECONDS = 60.0
MIB = 1024 * 1024


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=5000, help="followers (default 5000)")
    parser.add_argument("--rate", type=float, default=10.0, help="ticks per second (default 10)")
    parser.add_argument("--seconds", type=float, default=20.0, help="produce for (default 20)")
    parser.add_argument(
        "--modes",
        default=",".join(MODE_NAMES),
        help="comma-separated subset of embedded,redis,ceiling (default: all)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=100,
        help="handshakes in flight while connecting (default 100)",
    )
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
    args = parser.parse_args()
    args.modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    unknown = set(args.modes) - set(MODE_NAMES)
    if unknown or not args.modes:
        parser.error(f"--modes takes a subset of {','.join(MODE_NAMES)}")
    if args.clients < 1 or args.rate <= 0 or args.seconds <= 0:
        parser.error("--clients, --rate and --seconds must be positive")
    require_loopback(args.postgres)
    require_loopback(args.redis)
    return args


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def warm_up(deployment: Deployment) -> None:
    """One client through each server first, so one-time setup is not counted per connection."""
    for target in deployment.targets:
        connection = await join(target, None)
        await connection.close()


async def measure(mode: str, args: argparse.Namespace, plan: Plan) -> ModeResult:
    result = ModeResult(mode, args.clients)
    say(f"[{mode}] starting servers")
    async with deploy(mode, plan) as deployment:
        result.cores = deployment.cores()
        await warm_up(deployment)
        await asyncio.sleep(SETTLE_SECONDS)
        rss_before = deployment.server_rss()
        say(f"[{mode}] connecting {args.clients} clients")
        crowd = await gather_crowd(
            deployment.targets, args.clients, plan.count, args.concurrency, CONNECT_LIMIT_SECONDS
        )
        try:
            await asyncio.sleep(SETTLE_SECONDS)
            rss_after = deployment.server_rss()
            say(
                f"[{mode}] {len(crowd.connections)} following after {crowd.connect_seconds:.1f} s; "
                f"producing {plan.count} ticks at {plan.rate:g}/s"
            )
            await produce_and_count(deployment, crowd, plan, result)
            record_memory(result, rss_before, rss_after)
        finally:
            await disperse(crowd)
    result.notes.extend(load_notes(result))
    return result


@dataclass(frozen=True)
class Clocks:
    """Time so far: wall clock, and CPU of the servers, this process, the producer, the machine."""

    wall: float
    servers: float
    load: float
    producer: float
    machine: float

    @classmethod
    def read(cls, deployment: Deployment) -> Clocks:
        return cls(
            time.monotonic(),
            deployment.server_cpu(),
            cpu_seconds(os.getpid()),
            deployment.producer_cpu() or 0.0,
            machine_cpu_seconds(),
        )

    @property
    def ours(self) -> float:
        return self.servers + self.load + self.producer

    def record_since(self, start: Clocks, result: ModeResult) -> None:
        wall = self.wall - start.wall
        result.server_cpu_seconds = self.servers - start.servers
        result.load_cpu_share = (self.load - start.load) / wall
        if self.producer:
            result.producer_cpu_seconds = self.producer - start.producer
        ours = self.ours - start.ours
        result.others_cpu_cores = (self.machine - start.machine - ours) / wall


async def produce_and_count(
    deployment: Deployment, crowd: Crowd, plan: Plan, result: ModeResult
) -> None:
    """The measured phase: ticks go out, every client counts what arrives, CPU is read around it."""
    lag = LoopLag()
    gc.collect()
    gc.disable()  # a full collection over 5,000 connections would stall the clients mid-run
    lag.start()
    start = Clocks.read(deployment)
    try:
        result.produce = await deployment.produce(plan.count / plan.rate + PRODUCE_SLACK_SECONDS)
        result.settle_seconds = await settle(crowd, QUIET_SECONDS, DRAIN_LIMIT_SECONDS)
        Clocks.read(deployment).record_since(start, result)
    finally:
        await lag.stop()
        gc.enable()
    result.loop_lag_ms = percentiles(lag.samples, 1000.0)
    count_deliveries(result, crowd)


def count_deliveries(result: ModeResult, crowd: Crowd) -> None:
    """What the clients received, against what was produced."""
    result.connected = len(crowd.connections)
    result.connect_seconds = crowd.connect_seconds
    result.connect_failures = dict(crowd.failures)
    result.held = crowd.held()
    result.close_codes = crowd.close_codes()
    result.produced = int(result.produce.get("produced", 0))
    result.delivered = crowd.received()
    result.lost = result.connected * result.produced - result.delivered
    result.duplicates = sum(inbox.duplicates for inbox in crowd.inboxes)
    result.strays = sum(inbox.strays for inbox in crowd.inboxes)
    result.latency_ms = percentiles(crowd.latencies.all, 1e-6)
    result.worst_ms_by_tick = [round(ns / 1e6, 1) for ns in crowd.latencies.worst]
    result.first_ms = percentiles(crowd.latencies.firsts(), 1e-6)
    if result.delivered:
        result.cpu_us_per_delivery = result.server_cpu_seconds / result.delivered * 1e6


def record_memory(result: ModeResult, before: int, after: int) -> None:
    result.rss_before_mib = before / MIB
    result.rss_after_mib = after / MIB
    if result.connected:
        result.kib_per_connection = (after - before) / 1024 / result.connected


async def run(args: argparse.Namespace) -> int:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = RESULTS / f"fanout-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    plan = Plan(args.rate, tick_count(args.rate, args.seconds), args.postgres, args.redis, run_dir)
    results = []
    for mode in args.modes:
        try:
            results.append(await measure(mode, args, plan))
        except Exception as failure:  # one mode failing must not hide the others' numbers
            say(f"[{mode}] failed: {failure!r}")
            results.append(ModeResult(mode, args.clients, error=repr(failure)))
    print()
    print(
        f"{args.clients} clients, {plan.count} ticks at {plan.rate:g}/s, app at {revision()} "
        f"(servers on core 0, load generator on core 1)"
    )
    print(table(results))
    print()
    for line in details(results):
        print(line)
    print()
    for line in [*verdicts(results), *(f"note: {r.mode}: {n}" for r in results for n in r.notes)]:
        print(line)
    path = RESULTS / f"fanout-{stamp}.json"
    write_json(path, {**vars(args), "ticks": plan.count}, results)
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
