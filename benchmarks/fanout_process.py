"""What every process of the fan-out benchmark shares: core pinning, file limits, the control pipe.

The driver talks to each helper process over its stdin and stdout: the helper
announces itself with one `FANOUT {json}` line on stdout and obeys commands, one
a line, on stdin (`measure`, `report`, `produce {json}`); end of stdin means stop.
Other output on stdout is ignored, so a library that prints cannot confuse the driver.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

CONTROL_PREFIX = "FANOUT "
SERVER_CORE = 0
LOAD_CORE = 1
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def prepare_process(core: int | None) -> None:
    """Allow as many open files as the hard limit permits and run only on `core` (if it exists)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    # Not the inherited affinity: the driver pins itself before it starts the servers.
    if core is not None and core in online_cores():
        os.sched_setaffinity(0, {core})


def online_cores() -> set[int]:
    return set(range(os.cpu_count() or 1))


def cores_available() -> bool:
    """Whether the machine has the two cores the benchmark pins its processes to."""
    return {SERVER_CORE, LOAD_CORE} <= online_cores()


def announce(**fields: Any) -> None:
    """Tell the driver something, as one control line on stdout."""
    sys.stdout.write(CONTROL_PREFIX + json.dumps(fields) + "\n")
    sys.stdout.flush()


def parse_announcement(line: str) -> dict[str, Any] | None:
    if not line.startswith(CONTROL_PREFIX):
        return None
    found = json.loads(line.removeprefix(CONTROL_PREFIX))
    return found if isinstance(found, dict) else None


async def commands() -> AsyncIterator[str]:
    """The driver's commands, one per stdin line, until it closes the pipe."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        yield line.decode().strip()


class GcPauses:
    """Every garbage collection of this process since the last `measure`: how long it paused
    the process, by generation (read with `gc.callbacks`)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self._started = 0.0
        gc.callbacks.append(self._observe)

    def _observe(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((int(info["generation"]), time.perf_counter() - self._started))

    def summary(self) -> dict[str, Any]:
        by_generation: dict[str, Any] = {}
        for generation in (0, 1, 2):
            taken = [seconds * 1000 for gen, seconds in self.pauses if gen == generation]
            by_generation[str(generation)] = {
                "count": len(taken),
                "total_ms": round(sum(taken), 1),
                "max_ms": round(max(taken, default=0.0), 1),
            }
        return by_generation


async def obey(pauses: GcPauses) -> None:
    """A server's commands, until the driver closes stdin: `measure` starts counting the
    collections, `report` announces them, `objects` announces how many objects of each type
    the collector tracks (to see what each connection keeps alive)."""
    async for command in commands():
        if command == "measure":
            pauses.pauses.clear()
        elif command == "report":
            announce(event="gc", pauses=pauses.summary())
        elif command == "objects":
            counts = Counter(type(o).__qualname__ for o in gc.get_objects())
            announce(event="objects", total=sum(counts.values()), types=dict(counts))


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a whole process (every thread), from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, so utime (14) and stime (15) sit at 11 and 12.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_cpu_seconds() -> float:
    """CPU time every core of the machine spent busy (not idle, not waiting for I/O), from /proc."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def service_pids() -> list[int]:
    """The PostgreSQL and Redis server processes on this machine (their CPU is the shared
    services', not the servers' nor "other processes'")."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm", encoding="ascii", errors="replace") as comm:
                name = comm.read().strip()
        except OSError:
            continue
        if name.startswith(("postgres", "redis-server")):
            found.append(int(entry))
    return found


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """CPU of each process still there (one that ended meanwhile is left out)."""
    found = {}
    for pid in pids:
        try:
            found[pid] = cpu_seconds(pid)
        except OSError:
            continue
    return found


def cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings: a process that started meanwhile counts whole."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def rss_bytes(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")
