"""Vote storm: V distinct voters vote on the questions of one panel within S seconds.

The voters (one logged-in socket each, spread over the servers) each cast one
`qa.vote` at its scheduled time, V / S votes a second; F followers of the
panel's channel keep every count they are sent. Afterwards the database is
read: every vote taken must be counted exactly once (one row per voter, each
question's count equal to its rows), every follower's last counts must equal
the database's, no follower may have seen a count go down, and each
follower's last count must arrive within 1 s of the storm's last reply. The
replies' times (from each vote's due time) show what one hot channel takes.

    .venv/bin/python benchmarks/vote_storm.py                      # 2000 voters in 10 s, redis
    .venv/bin/python benchmarks/vote_storm.py --voters 2000 --seconds 5 --modes embedded,redis
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
    REPORT_LIMIT_SECONDS,
    START_AFTER_SECONDS,
    add_service_options,
    check_service_options,
    say,
    start_followers,
    start_voters,
    warm_up,
)
from fanout_deploy import Child, Deployment, Plan, deploy
from fanout_process import LOAD_CORE, cpu_seconds, prepare_process
from fanout_report import revision
from sqlalchemy import func, select

from fair.core.db import Database, create_engine
from fair.qa.models import Question, Vote

RESULTS = Path(__file__).resolve().parent / "results"
REPLY_TARGET_MS = 500.0
SETTLED_TARGET_MS = 1000.0
CONNECT_LIMIT_SECONDS = 330.0


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--voters", type=int, default=2000, help="distinct voters (default 2000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="the storm lasts (default 10)")
    parser.add_argument("--questions", type=int, default=20, help="questions voted on (default 20)")
    parser.add_argument("--followers", type=int, default=2000, help="followers (default 2000)")
    parser.add_argument("--modes", default="redis", help="embedded and/or redis (default redis)")
    add_service_options(parser)
    args = parser.parse_args()
    args.modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    if set(args.modes) - {"embedded", "redis"} or not args.modes:
        parser.error("--modes takes embedded and/or redis")
    check_service_options(args)
    return args


async def stored_counts(url: str, channel: str) -> tuple[dict[str, int], int, bool]:
    """Each question's count as stored, the vote rows, and whether every count equals its rows."""
    panel_id = int(channel.split(":")[1])
    db = Database(create_engine(url))
    try:
        async with db.reading() as session:
            rows = (
                await session.execute(
                    select(Question.id, Question.votes).where(Question.panel_id == panel_id)
                )
            ).all()
            by_question = dict(
                (
                    await session.execute(
                        select(Vote.question_id, func.count())
                        .join(Question, Question.id == Vote.question_id)
                        .where(Question.panel_id == panel_id)
                        .group_by(Vote.question_id)
                    )
                ).all()
            )
    finally:
        await db.dispose()
    counts = {str(question): votes for question, votes in rows}
    exact = all(by_question.get(question, 0) == votes for question, votes in rows)
    return counts, sum(by_question.values()), exact


async def storm(mode: str, args: argparse.Namespace, plan: Plan) -> dict[str, Any]:
    say(f"[{mode}] staging {args.voters} voters and starting servers")
    async with deploy(mode, plan) as deployment:
        channel = deployment.scene["channel"]
        scene_file = plan.results / f"{mode}-scene.json"
        scene_file.write_text(json.dumps(deployment.voters_scene(spread=True)))
        await warm_up(deployment, channel)
        helpers: list[Child] = []
        try:
            say(f"[{mode}] connecting {args.voters} voters and {args.followers} followers")
            voters = await start_voters(helpers, plan, scene_file, CONNECT_LIMIT_SECONDS)
            followers, following = await start_followers(
                helpers, plan, deployment, args.followers, "--counts"
            )
            return await measure(deployment, voters, followers, plan, following)
        finally:
            for child in reversed(helpers):
                await child.stop()


async def measure(
    deployment: Deployment, voters: Child, followers: Child, plan: Plan, following: dict[str, Any]
) -> dict[str, Any]:
    await deployment.tell("measure")
    cpu_before, wall_before = deployment.server_cpu(), time.monotonic()
    start_ns = time.time_ns() + round(START_AFTER_SECONDS * 1e9)
    say(f"storm: {plan.count} votes in {plan.count / plan.rate:g} s")
    await voters.command("produce " + json.dumps({"start_ns": start_ns}))
    produced = await voters.expect("produced", plan.count / plan.rate + REPORT_LIMIT_SECONDS)
    final, rows, exact = await stored_counts(deployment.database_url, deployment.scene["channel"])
    schedule = {
        "start_ns": start_ns,
        "rate": plan.rate,
        "events": produced["events"],
        "final": final,
        "ended_ns": produced["last_reply_ns"],
    }
    await followers.command("report " + json.dumps(schedule))
    report = await followers.expect("report", REPORT_LIMIT_SECONDS)
    server_cpu = deployment.server_cpu() - cpu_before
    gc_pauses = await deployment.gc_pauses()
    taken = produced["replied"] - sum(produced["refusals"].values())
    storm_seconds = (produced["last_reply_ns"] - start_ns) / 1e9
    return {
        "following": following,
        "votes": {k: v for k, v in produced.items() if k not in ("event", "events")},
        "taken": taken,
        "rows": rows,
        "counts_equal_rows": exact,
        "stored_total": sum(final.values()),
        "writes_per_second": taken / storm_seconds if storm_seconds > 0 else 0.0,
        "followers": {k: v for k, v in report.items() if k != "worst_per_event_ms"},
        "server_cpu_seconds": server_cpu,
        "wall_seconds": time.monotonic() - wall_before,
        "voters_cpu_seconds": cpu_seconds(voters.pid),
        "gc_pauses": gc_pauses,
    }


def verdicts(mode: str, r: dict[str, Any], voters: int) -> list[str]:
    votes, seen = r["votes"], r["followers"]
    settled = seen.get("settled_after_storm_ms", {}).get("max", 0.0)

    def line(ok: bool, what: str, detail: str) -> str:
        return f"{'MET ' if ok else 'MISS'}  {mode}: {what} ({detail})"

    return [
        line(
            r["taken"] == voters and r["rows"] == voters and r["counts_equal_rows"],
            "every vote counted exactly once",
            f"{r['taken']} taken of {voters}, {r['rows']} rows, counts "
            f"{'equal' if r['counts_equal_rows'] else 'differ from'} rows, "
            f"refused {votes['refusals'] or 'none'}",
        ),
        line(
            votes["reply_p99_ms"] < REPLY_TARGET_MS,
            f"vote replies p99 under {REPLY_TARGET_MS:.0f} ms",
            f"p50 {votes['reply_p50_ms']:.0f} / p99 {votes['reply_p99_ms']:.0f} / max "
            f"{votes['reply_max_ms']:.0f} ms",
        ),
        line(
            seen["counts_wrong"] == 0 and seen["counts_backwards"] == 0 and seen["held"] > 0,
            "every follower's counts equal the database's, none went down",
            f"{seen['counts_wrong']} of {seen['held']} differ, {seen['counts_backwards']} "
            "went down",
        ),
        line(
            settled <= SETTLED_TARGET_MS,
            "every follower's last count within 1 s of the last reply",
            f"p50 {seen['settled_after_storm_ms']['p50']:.0f} / max {settled:.0f} ms",
        ),
    ]


async def run(args: argparse.Namespace) -> int:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = RESULTS / f"storm-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    plan = Plan(
        args.voters / args.seconds,
        args.voters,
        args.voters,
        args.postgres,
        args.redis,
        run_dir,
        questions=args.questions,
    )
    results: dict[str, Any] = {}
    lines = []
    for mode in args.modes:
        try:
            results[mode] = await storm(mode, args, plan)
            lines += verdicts(mode, results[mode], args.voters)
        except Exception as failure:  # one mode failing must not hide the other's numbers
            say(f"[{mode}] failed: {failure!r}")
            results[mode] = {"error": repr(failure)}
            lines.append(f"FAIL  {mode}: {failure!r}")
    print(
        f"\n{args.voters} voters on {args.questions} questions in {args.seconds:g} s "
        f"({plan.rate:g} votes/s), {args.followers} followers, app at {revision()}"
    )
    for mode, r in results.items():
        if "error" in r:
            continue
        v = r["votes"]
        print(
            f"{mode}: {r['taken']} votes taken at {r['writes_per_second']:.0f}/s; replies p50 "
            f"{v['reply_p50_ms']:.0f} / p99 {v['reply_p99_ms']:.0f} ms; server CPU "
            f"{r['server_cpu_seconds']:.1f} s; {r['followers']['held']} followers held"
        )
    print()
    print("\n".join(lines))
    path = RESULTS / f"storm-{stamp}.json"
    document = {
        "options": vars(args),
        "revision": revision(),
        "results": results,
        "verdicts": lines,
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"\nResults: {path}  (logs: {run_dir})")
    return 1 if any("error" in r for r in results.values()) else 0


def main() -> int:
    args = options()
    prepare_process(LOAD_CORE)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
