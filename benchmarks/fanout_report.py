"""The numbers of a fan-out run: one result per mode, the table, the verdicts and the JSON file."""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from websockets.version import version as websockets_version

from fair.core.settings import PROJECT_ROOT

P99_TARGET = 1.5  # the fair's p99 latency within this factor of the ceiling's
CPU_TARGET = 1.5  # the fair's server CPU per delivery within this factor of the ceiling's
LOAD_BUSY = 0.9  # share of a core above which the load generator is the bottleneck
LAG_LIMIT_MS = 50.0  # event-loop lag above which the load generator delays what it records
OTHERS_LIMIT = 0.25  # cores used by other processes above which the run was disturbed


@dataclasses.dataclass
class ModeResult:
    """What one mode did under load; `error` is set when it could not finish."""

    mode: str
    clients: int
    connected: int = 0
    held: int = 0
    produced: int = 0
    delivered: int = 0
    lost: int = 0
    duplicates: int = 0
    strays: int = 0
    latency_ms: dict[str, float] = dataclasses.field(default_factory=dict)
    first_ms: dict[str, float] = dataclasses.field(default_factory=dict)
    worst_ms_by_tick: list[float] = dataclasses.field(default_factory=list)
    server_cpu_seconds: float = 0.0
    cpu_us_per_delivery: float | None = None
    producer_cpu_seconds: float | None = None
    rss_before_mib: float = 0.0
    rss_after_mib: float = 0.0
    kib_per_connection: float | None = None
    connect_seconds: float = 0.0
    produce: dict[str, float] = dataclasses.field(default_factory=dict)
    settle_seconds: float = 0.0
    load_cpu_share: float = 0.0
    others_cpu_cores: float = 0.0
    loop_lag_ms: dict[str, float] = dataclasses.field(default_factory=dict)
    cores: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    close_codes: dict[str, int] = dataclasses.field(default_factory=dict)
    connect_failures: dict[str, int] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None


def percentiles(values: Sequence[float], scale: float = 1.0) -> dict[str, float]:
    """p50, p99 and max by nearest rank, each multiplied by `scale`; empty when there is nothing."""
    if not values:
        return {}
    ordered = sorted(values)

    def rank(share: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] * scale

    return {"p50": rank(0.50), "p99": rank(0.99), "max": ordered[-1] * scale}


def load_notes(result: ModeResult) -> list[str]:
    """Say so when the load generator, not the server, may have set the latencies."""
    notes = []
    if result.load_cpu_share >= LOAD_BUSY:
        notes.append(
            f"load generator used {result.load_cpu_share:.0%} of its core: one process is at the "
            "limit of what it can read from this many sockets, so latencies include its own "
            "queueing"
        )
    if result.loop_lag_ms.get("p99", 0.0) > LAG_LIMIT_MS:
        notes.append(
            f"load generator's event loop lagged {result.loop_lag_ms['p99']:.0f} ms at p99: "
            "latencies are an upper bound"
        )
    if result.others_cpu_cores > OTHERS_LIMIT:
        notes.append(
            f"other processes kept {result.others_cpu_cores:.2f} cores busy while measuring "
            "(PostgreSQL and Redis count here, and anything else running): numbers may be disturbed"
        )
    return notes


def _cell(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(results: Sequence[ModeResult]) -> str:
    head = (
        f"{'mode':<9} {'held/N':>11} {'ticks':>6} {'lost':>7} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'CPU us/deliv':>12} {'KiB/conn':>9} "
        f"{'loadgen CPU':>11} {'lag p99':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        if r.error is not None:
            lines.append(f"{r.mode:<9} failed: {r.error}")
            continue
        lines.append(
            f"{r.mode:<9} {f'{r.held}/{r.clients}':>11} {r.produced:>6} {r.lost:>7} "
            f"{_cell(r.latency_ms.get('p50')):>8} {_cell(r.latency_ms.get('p99')):>8} "
            f"{_cell(r.latency_ms.get('max')):>8} {_cell(r.cpu_us_per_delivery):>12} "
            f"{_cell(r.kib_per_connection):>9} {r.load_cpu_share:>10.0%} "
            f"{_cell(r.loop_lag_ms.get('p99')):>8}"
        )
    return "\n".join(lines)


def details(results: Sequence[ModeResult]) -> list[str]:
    """A few lines per mode on how the run went around the headline numbers."""
    lines = []
    for r in results:
        if r.error is not None:
            continue
        p, first = r.produce, r.first_ms
        producer = (
            "" if r.producer_cpu_seconds is None else (f", producer {r.producer_cpu_seconds:.1f} s")
        )
        lines += [
            f"{r.mode}: {r.connected} connected in {r.connect_seconds:.1f} s; "
            f"server RSS {r.rss_before_mib:.0f} -> {r.rss_after_mib:.0f} MiB",
            f"  producer: {p.get('produced', 0):.0f} ticks in {p.get('seconds', 0):.1f} s, "
            f"late by up to {p.get('late_max_ms', 0):.0f} ms; each call (commit or broadcast) "
            f"p50 {p.get('call_p50_ms', 0):.1f} / p99 {p.get('call_p99_ms', 0):.1f} ms",
            f"  first delivery of each tick p50 {first.get('p50', 0):.1f} / p99 "
            f"{first.get('p99', 0):.1f} ms; CPU: servers {r.server_cpu_seconds:.1f} s{producer}, "
            f"other processes {r.others_cpu_cores:.2f} cores",
        ]
    return lines


def verdicts(results: Sequence[ModeResult]) -> list[str]:
    """The issue's targets, checked for each fair mode against the ceiling of the same run."""
    by_mode = {r.mode: r for r in results if r.error is None}
    ceiling = by_mode.get("ceiling")
    lines = []
    for r in by_mode.values():
        if r.mode == "ceiling":
            continue
        lines.append(
            _verdict(
                f"{r.mode}: 0 events lost, all {r.clients} held",
                r.lost == 0 and r.held == r.clients,
                f"lost {r.lost}, held {r.held}",
            )
        )
        if ceiling is None:
            continue
        lines.append(
            _ratio(
                f"{r.mode}: p99 latency",
                r.latency_ms.get("p99"),
                ceiling.latency_ms.get("p99"),
                P99_TARGET,
            )
        )
        lines.append(
            _ratio(
                f"{r.mode}: CPU per delivery",
                r.cpu_us_per_delivery,
                ceiling.cpu_us_per_delivery,
                CPU_TARGET,
            )
        )
    return lines


def _verdict(what: str, ok: bool, detail: str) -> str:
    return f"{'PASS' if ok else 'FAIL'}  {what} ({detail})"


def _ratio(what: str, value: float | None, ceiling: float | None, target: float) -> str:
    if value is None or not ceiling:
        return f"n/a   {what}: no ceiling number to compare with"
    ratio = value / ceiling
    return _verdict(
        f"{what} within {target}x the ceiling",
        ratio <= target,
        f"{value:.1f} vs {ceiling:.1f}, {ratio:.2f}x",
    )


def revision() -> str:
    """The commit of the app measured, marked `+changes` when fair/ or config/ differ from it."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "fair", "config")
    return commit + ("+changes" if changed else "")


def machine() -> dict[str, Any]:
    model = "unknown"
    with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "websockets": websockets_version,
        "load_average_at_end": os.getloadavg(),
    }


def write_json(path: Path, options: dict[str, Any], results: Sequence[ModeResult]) -> None:
    document = {
        "options": options,
        "revision": revision(),
        "machine": machine(),
        "results": [dataclasses.asdict(r) for r in results],
        "verdicts": verdicts(results),
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
