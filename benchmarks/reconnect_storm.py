"""Reconnect storm: one of two workers holding N followers is killed mid-run.

Two fair workers share PostgreSQL and Redis; N followers (default 5,000) of one
panel are split over them; voters vote through the first at a fixed rate. After
`--kill-after` seconds the second worker is killed (SIGKILL, as a crashed host
would go): its followers reconnect to the survivor with the page's backoff
(live.js: 0.5 s doubling to 5 s, jittered) and resume from the last seq each
saw. The run checks that every follower ends with every event (0 lost, 0
duplicated), how long each moved follower took to follow again (targets: 95 %
within 10 s, 100 % within 30 s), and the delivery latency meanwhile of the
survivor's own followers.

    .venv/bin/python benchmarks/reconnect_storm.py                 # N = 5000, kill after 10 s
    .venv/bin/python benchmarks/reconnect_storm.py --clients 1000 --seconds 20 --kill-after 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from fanout import (
    READY_SECONDS,
    REPORT_LIMIT_SECONDS,
    START_AFTER_SECONDS,
    add_service_options,
    check_service_options,
    say,
    start_followers,
    start_voters,
    warm_up,
)
from fanout_deploy import Child, Plan, deploy
from fanout_process import LOAD_CORE, prepare_process
from fanout_report import revision
from fanout_scene import voters_needed

RESULTS = Path(__file__).resolve().parent / "results"
CONNECT_LIMIT_SECONDS = 330.0
QUIET_SECONDS = 30.0  # a survivor catching up may go silent for a while: wait longer for it


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=5000, help="followers (default 5000)")
    parser.add_argument("--rate", type=float, default=10.0, help="votes per second (default 10)")
    parser.add_argument("--seconds", type=float, default=40.0, help="vote for (default 40)")
    parser.add_argument("--kill-after", type=float, default=10.0, help="seconds (default 10)")
    add_service_options(parser)
    args = parser.parse_args()
    check_service_options(args)
    return args


async def storm(args: argparse.Namespace, plan: Plan) -> dict[str, Any]:
    async with deploy("redis", plan) as deployment:
        channel = deployment.scene["channel"]
        scene_file = plan.results / "redis-scene.json"
        scene_file.write_text(json.dumps(deployment.voters_scene()))
        await warm_up(deployment, channel)
        helpers: list[Child] = []
        try:
            voters = await start_voters(helpers, plan, scene_file, READY_SECONDS)
            say(f"connecting {args.clients} followers over two workers")
            followers, following = await start_followers(
                helpers,
                plan,
                deployment,
                args.clients,
                "--reconnect",
                "--quiet",
                str(QUIET_SECONDS),
            )
            start_ns = time.time_ns() + round(START_AFTER_SECONDS * 1e9)
            await voters.command("produce " + json.dumps({"start_ns": start_ns}))
            await asyncio.sleep(START_AFTER_SECONDS + args.kill_after)
            victim = deployment.servers[1]
            say(f"killing {victim.name} (pid {victim.pid}), holding about {args.clients // 2}")
            killed_ns = time.time_ns()
            victim.process.kill()
            produced = await voters.expect(
                "produced", plan.count / plan.rate + REPORT_LIMIT_SECONDS
            )
            schedule = {
                "start_ns": start_ns,
                "rate": plan.rate,
                "events": produced["events"],
                "killed_ns": killed_ns,
            }
            await followers.command("report " + json.dumps(schedule))
            report = await followers.expect("report", REPORT_LIMIT_SECONDS + 60)
            return {
                "following": following,
                "votes": {k: v for k, v in produced.items() if k not in ("event", "events")},
                "followers": report,
            }
        finally:
            for child in reversed(helpers):
                await child.stop()


def verdicts(r: dict[str, Any], clients: int) -> list[str]:
    seen = r["followers"]
    lost = seen["connected"] * seen["events"] - seen["delivered"]

    def line(ok: bool, what: str, detail: str) -> str:
        return f"{'MET ' if ok else 'MISS'}  {what} ({detail})"

    return [
        line(
            lost == 0 and seen["duplicates"] == 0 and seen["held"] == clients,
            "every follower resumed with every event, none twice",
            f"lost {lost}, duplicated {seen['duplicates']}, held {seen['held']} of {clients}, "
            f"resets {seen['resets']}",
        ),
        line(
            seen["rejoined_within_10s"] >= 0.95,
            "95 % of the moved followers following again within 10 s",
            f"{seen['rejoined_within_10s']:.1%} of {seen['moved']}",
        ),
        line(
            seen["rejoined_within_30s"] >= 1.0,
            "100 % within 30 s",
            f"{seen['rejoined_within_30s']:.1%}; p50 {seen['rejoined_ms']['p50']:.0f} / max "
            f"{seen['rejoined_ms']['max']:.0f} ms",
        ),
    ]


async def run(args: argparse.Namespace) -> int:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = RESULTS / f"reconnect-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    count = max(1, round(args.rate * args.seconds))
    plan = Plan(args.rate, count, voters_needed(args.rate), args.postgres, args.redis, run_dir)
    try:
        result = await storm(args, plan)
    except Exception as failure:
        say(f"failed: {failure!r}")
        return 1
    lines = verdicts(result, args.clients)
    seen = result["followers"]
    steady = seen["steady_after_kill_ms"]
    print(
        f"\n{args.clients} followers over two workers, {count} votes at {args.rate:g}/s, the "
        f"second worker killed after {args.kill_after:g} s; app at {revision()}"
    )
    print(
        f"moved {seen['moved']}, follows refused and sent again "
        f"{seen['follows_refused_then_sent_again'] or 'none'}; the "
        f"survivor's own followers after the kill: p50 {steady['p50']:.0f} / p99 "
        f"{steady['p99']:.0f} / max {steady['max']:.0f} ms; all deliveries p99 "
        f"{seen['latency_ms']['p99']:.0f} ms"
    )
    print("\n".join(lines))
    path = RESULTS / f"reconnect-{stamp}.json"
    document = {"options": vars(args), "revision": revision(), "result": result, "verdicts": lines}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"\nResults: {path}  (logs: {run_dir})")
    return 0


def main() -> int:
    args = options()
    prepare_process(LOAD_CORE)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
