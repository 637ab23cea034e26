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
CPU_TARGET = 1.2  # the fair's server CPU per delivery within this factor of the ceiling's
KIB_TARGET = 20.0  # server memory per connection
LOAD_BUSY = 0.85  # share of its core above which the load generator may be the bottleneck
LAG_LIMIT_MS = 50.0  # loop lag above which the load generator delays what it records
OTHERS_LIMIT = 0.25  # cores used by other processes above which the run was disturbed
SATURATED_FIRST_MS = 1000.0  # the ceiling's first delivery p50 above which it is saturated
FAIR_MODES = ("embedded", "redis")


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
    transient: int = 0
    unmapped: int = 0
    latency_ms: dict[str, float] = dataclasses.field(default_factory=dict)
    first_ms: dict[str, float] = dataclasses.field(default_factory=dict)
    worst_ms_by_event: list[float] = dataclasses.field(default_factory=list)
    server_cpu_seconds: float = 0.0
    cpu_us_per_delivery: float | None = None
    voters_cpu_seconds: float = 0.0
    services_cpu_cores: float = 0.0
    rss_before_mib: float = 0.0
    rss_after_mib: float = 0.0
    kib_per_connection: float | None = None
    connect_seconds: float = 0.0
    connect_failures: dict[str, int] = dataclasses.field(default_factory=dict)
    follows_refused: dict[str, int] = dataclasses.field(default_factory=dict)
    produce: dict[str, Any] = dataclasses.field(default_factory=dict)
    settle_seconds: float = 0.0
    load_cpu_share: float = 0.0
    others_cpu_cores: float = 0.0
    loop_lag_ms: dict[str, float] = dataclasses.field(default_factory=dict)
    gc_pauses: dict[str, Any] = dataclasses.field(default_factory=dict)
    close_codes: dict[str, int] = dataclasses.field(default_factory=dict)
    cores: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None

    @property
    def trusted(self) -> bool:
        """Whether the measurement itself held up (see `load_notes`)."""
        return not self.notes


def load_notes(result: ModeResult) -> list[str]:
    """Why this mode's numbers cannot be trusted, if they cannot: then no target counts as met."""
    notes = []
    if result.load_cpu_share >= LOAD_BUSY:
        notes.append(
            f"the load generator used {result.load_cpu_share:.0%} of its core (limit "
            f"{LOAD_BUSY:.0%}): latencies may be its own queueing"
        )
    if result.loop_lag_ms.get("p99", 0.0) > LAG_LIMIT_MS:
        notes.append(
            f"the load generator's loop lagged {result.loop_lag_ms['p99']:.0f} ms at p99 (limit "
            f"{LAG_LIMIT_MS:.0f} ms): latencies are an upper bound"
        )
    if result.others_cpu_cores > OTHERS_LIMIT:
        notes.append(
            f"other processes kept {result.others_cpu_cores:.2f} cores busy (limit "
            f"{OTHERS_LIMIT}): the machine was not quiet"
        )
    if result.unmapped:
        notes.append(f"{result.unmapped} events could not be matched to their vote")
    return notes


def _cell(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(results: Sequence[ModeResult]) -> str:
    head = (
        f"{'mode':<10} {'held/N':>11} {'events':>6} {'lost':>7} {'dup':>4} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'CPU us/deliv':>12} {'KiB/conn':>9} "
        f"{'loadgen CPU':>11} {'lag p99':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        if r.error is not None:
            lines.append(f"{r.mode:<10} failed: {r.error}")
            continue
        lines.append(
            f"{r.mode:<10} {f'{r.held}/{r.clients}':>11} {r.produced:>6} {r.lost:>7} "
            f"{r.duplicates:>4} {_cell(r.latency_ms.get('p50')):>8} "
            f"{_cell(r.latency_ms.get('p99')):>8} {_cell(r.latency_ms.get('max')):>8} "
            f"{_cell(r.cpu_us_per_delivery):>12} {_cell(r.kib_per_connection):>9} "
            f"{r.load_cpu_share:>10.0%} {_cell(r.loop_lag_ms.get('p99')):>8}"
        )
    return "\n".join(lines)


def _gc_line(pauses: dict[str, Any]) -> str:
    parts = []
    for server, generations in pauses.items():
        full = generations.get("2", {})
        young = [generations.get(g, {}) for g in ("0", "1")]
        parts.append(
            f"{server} gen2 {full.get('count', 0)}x max {full.get('max_ms', 0):.0f} ms, "
            f"gen0/1 {sum(y.get('count', 0) for y in young)}x "
            f"{sum(y.get('total_ms', 0) for y in young):.0f} ms in all"
        )
    return "; ".join(parts) or "not read"


def details(results: Sequence[ModeResult]) -> list[str]:
    """A few lines per mode on how the run went around the headline numbers."""
    lines = []
    for r in results:
        if r.error is not None:
            continue
        p, first = r.produce, r.first_ms
        lines += [
            f"{r.mode}: {r.connected} following after {r.connect_seconds:.1f} s"
            f"{f' (failures {r.connect_failures})' if r.connect_failures else ''}"
            f"{f' (follows refused, sent again: {r.follows_refused})' if r.follows_refused else ''}"
            "; "
            f"server RSS {r.rss_before_mib:.0f} -> {r.rss_after_mib:.0f} MiB; "
            f"closed: {r.close_codes or 'none'}",
            f"  votes: {p.get('replied', 0)} replies to {p.get('produced', 0)}, "
            f"refusals {p.get('refusals') or 'none'}, cast up to {p.get('late_max_ms', 0):.0f} ms "
            f"late; reply after due p50 {p.get('reply_p50_ms', 0):.1f} / p99 "
            f"{p.get('reply_p99_ms', 0):.1f} / max {p.get('reply_max_ms', 0):.1f} ms",
            f"  first delivery of each event p50 {first.get('p50', 0):.1f} / p99 "
            f"{first.get('p99', 0):.1f} ms; CPU: servers {r.server_cpu_seconds:.1f} s, voters "
            f"{r.voters_cpu_seconds:.1f} s, PostgreSQL + Redis {r.services_cpu_cores:.2f} cores, "
            f"other processes {r.others_cpu_cores:.2f} cores",
            f"  garbage collections: {_gc_line(r.gc_pauses)}",
        ]
    return lines


def verdicts(results: Sequence[ModeResult]) -> list[str]:
    """The issue's targets, checked for each fair mode against the ceiling of the same run.

    A target is only reported met when the measurement held up, for the mode and for the
    ceiling it is compared with; a miss is reported either way.
    """
    by_mode = {r.mode: r for r in results if r.error is None}
    ceiling = by_mode.get("ceiling")
    lines = []
    for r in by_mode.values():
        if r.mode not in FAIR_MODES:
            continue
        trusted = r.trusted and (ceiling is None or ceiling.trusted)
        whole = r.lost == 0 and r.duplicates == 0 and r.held == r.clients and r.strays == 0
        lines.append(
            _verdict(
                f"{r.mode}: 0 lost, 0 duplicated, all {r.clients} held",
                whole,
                f"lost {r.lost}, duplicated {r.duplicates}, strays {r.strays}, held {r.held}",
                trusted,
            )
        )
        refused = r.produce.get("refusals") or {}
        lines.append(
            _verdict(
                f"{r.mode}: every vote taken",
                not refused and r.produce.get("unanswered", 0) == 0,
                f"refused {refused or 'none'}, unanswered {r.produce.get('unanswered', 0)}",
                trusted,
            )
        )
        kib = r.kib_per_connection
        lines.append(
            _verdict(
                f"{r.mode}: at most {KIB_TARGET:.0f} KiB per connection",
                kib is not None and kib <= KIB_TARGET,
                f"{_cell(kib)} KiB",
                trusted,
            )
        )
        if ceiling is None:
            continue
        # A saturated ceiling's latency is the length of its queue: a ratio to it means nothing.
        ceiling_kept_up = ceiling.first_ms.get("p50", 0.0) <= SATURATED_FIRST_MS
        lines.append(
            _ratio(
                f"{r.mode}: p99 latency",
                r.latency_ms.get("p99"),
                ceiling.latency_ms.get("p99"),
                P99_TARGET,
                trusted and ceiling_kept_up,
                "" if ceiling_kept_up else "the ceiling itself is saturated: queue lengths",
            )
        )
        lines.append(
            _ratio(
                f"{r.mode}: CPU per delivery",
                r.cpu_us_per_delivery,
                ceiling.cpu_us_per_delivery,
                CPU_TARGET,
                trusted,
            )
        )
    naive = by_mode.get("starlette")
    if naive is not None and ceiling is not None:
        for what, value, base in (
            ("p99", naive.latency_ms.get("p99"), ceiling.latency_ms.get("p99")),
            ("CPU per delivery", naive.cpu_us_per_delivery, ceiling.cpu_us_per_delivery),
        ):
            if value is not None and base:
                lines.append(f"info  starlette (naive): {what} {value / base:.2f}x the ceiling")
    return lines


def _verdict(what: str, ok: bool, detail: str, trusted: bool, why: str = "") -> str:
    if ok and not trusted:
        return f"VOID  {what} ({detail}; not reported as met: {why or 'see the notes'})"
    return f"{'MET ' if ok else 'MISS'}  {what} ({detail})"


def _ratio(
    what: str,
    value: float | None,
    ceiling: float | None,
    target: float,
    trusted: bool,
    why: str = "",
) -> str:
    if value is None or not ceiling:
        return f"n/a   {what}: no ceiling number to compare with"
    ratio = value / ceiling
    return _verdict(
        f"{what} within {target}x the ceiling",
        ratio <= target,
        f"{value:.1f} vs {ceiling:.1f}, {ratio:.2f}x",
        trusted,
        why,
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
