"""Background tasks: stopping them cleanly."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

RECANCEL_SECONDS = 1.0


async def cancel_all(tasks: Iterable[asyncio.Task[None]]) -> None:
    """Cancel every task, then wait for each to finish its cleanup.

    A task still running a second after its cancel is cancelled again: on Python 3.11 a
    cancel that lands as an inner `asyncio.timeout` expires (redis-py's bounded reads)
    can be taken for that timeout and lost, and the task would then never stop.
    """
    everyone = list(tasks)
    for task in everyone:
        task.cancel()
    pending = set(everyone)
    while pending:
        _done, pending = await asyncio.wait(pending, timeout=RECANCEL_SECONDS)
        for task in pending:
            task.cancel()
    for task in everyone:
        if not task.cancelled():
            task.result()
