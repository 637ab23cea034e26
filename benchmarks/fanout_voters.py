"""The producer: voters casting votes on a panel's questions through the live protocol.

Every mode is fed the same way, from this separate process, as people do it:
each voter is a logged-in websocket (the fair's login cookie) sending `qa.vote`
commands, alternately up and down, on a question of its own. Vote k of the run
is due at `start_ns + k / rate` and is cast by voter k mod V, without waiting
for earlier replies (an open loop: a slow server makes the votes' events late,
it does not slow the schedule). Voters are spread over the run so that none
goes past the fair's vote limit (60 a minute).

It connects when started, announces `ready`; on `produce {start_ns}` it casts
the run's votes and announces `produced` with the replies' times (from each
vote's due time to its reply), any refusals, and which votes changed a count
(so published an event) on which question. End of stdin: close and exit.

    python benchmarks/fanout_voters.py --core 1 --rate 10 --count 200 --scene scene.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from fanout_process import LOAD_CORE, announce, commands, prepare_process
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

OPEN_SECONDS = 30.0
JOIN_ATTEMPTS = 12
CONNECTING = 50  # handshakes in flight
REPLY_LIMIT_SECONDS = 60.0


class Voter:
    """One logged-in socket voting on its question; replies matched to votes by ref."""

    def __init__(self, connection: ClientConnection, question_id: int) -> None:
        self.connection = connection
        self.question_id = question_id
        self.up = True
        self.due: dict[str, int] = {}
        self.cast: list[tuple[int, bool]] = []  # (vote number, up) in the order sent
        self.refused: set[int] = set()
        self.last_reply_ns = 0
        self.answered = asyncio.Event()
        self.replied_ms: list[float] = []
        self.refusals: Counter[str] = Counter()
        self.reader = asyncio.create_task(self.read())

    async def vote(self, number: int, due_ns: int) -> None:
        ref = f"v{number}"
        self.due[ref] = due_ns
        self.cast.append((number, self.up))
        self.answered.clear()
        frame = {
            "kind": "command",
            "ref": ref,
            "type": "qa.vote",
            "data": {"question_id": self.question_id, "up": self.up},
        }
        self.up = not self.up
        try:
            await self.connection.send(json.dumps(frame, separators=(",", ":")))
        except ConnectionClosed as closed:
            # The server closed this voter's socket: the vote was never sent; say why.
            del self.due[ref]
            self.refusals[f"closed:{closed.rcvd.code if closed.rcvd else 1006}"] += 1
            self.refused.add(number)

    async def read(self) -> None:
        with contextlib.suppress(Exception):
            async for message in self.connection:
                frame = json.loads(message)
                if frame.get("kind") != "reply" or frame.get("ref") not in self.due:
                    continue
                due = self.due.pop(frame["ref"])
                self.last_reply_ns = time.time_ns()
                if not self.due:
                    self.answered.set()
                self.replied_ms.append((time.time_ns() - due) / 1e6)
                if not frame.get("ok"):
                    self.refusals[(frame.get("error") or {}).get("code", "?")] += 1
                    self.refused.add(int(frame["ref"][1:]))

    def events(self) -> list[int]:
        """The votes that changed the count, so published an event, in order.

        A refused vote changes nothing, and makes the next one (the other way) a no-op:
        the fair answers a vote that is already so with the count and no event.
        """
        voted, changed = False, []
        for number, up in self.cast:
            if number in self.refused or up == voted:
                continue
            voted = up
            changed.append(number)
        return changed


async def join(scene: dict[str, Any], index: int) -> Voter:
    """A voter's socket, checked with a `live.ping`. One the server closes while it sets up
    (1013: its database is busy) is opened again after a backoff, as the page does."""
    voter = scene["voters"][index]
    headers = {"Cookie": voter["cookie"]} if voter.get("cookie") else {}
    url, origin = scene["targets"][index % len(scene["targets"])]
    for attempt in range(JOIN_ATTEMPTS):
        try:
            connection = await connect(
                url,
                origin=Origin(origin),
                additional_headers=headers,
                compression=None,
                open_timeout=OPEN_SECONDS,
                ping_interval=None,
                proxy=None,
            )
            ping = {"kind": "command", "ref": "p", "type": "live.ping", "data": {}}
            await connection.send(json.dumps(ping))
            await asyncio.wait_for(connection.recv(), OPEN_SECONDS)
            return Voter(connection, int(voter["question_id"]))
        except (ConnectionClosed, OSError, TimeoutError):
            await asyncio.sleep(min(5.0, 0.5 * 2**attempt) * (0.5 + random.random() / 2))
    raise RuntimeError(f"voter {index} could not connect in {JOIN_ATTEMPTS} attempts")


async def cast(voters: list[Voter], count: int, rate: float, start_ns: int) -> dict[str, Any]:
    """Every vote of the run at its due time; then wait for the replies."""
    late_max = 0.0
    for k in range(count):
        due = start_ns + round(k * 1e9 / rate)
        delay = (due - time.time_ns()) / 1e9
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            late_max = max(late_max, -delay)
        await voters[k % len(voters)].vote(k, due)
    pending = [asyncio.create_task(v.answered.wait()) for v in voters if v.due]
    if pending:
        _done, late = await asyncio.wait(pending, timeout=REPLY_LIMIT_SECONDS)
        for task in late:
            task.cancel()
    replies = sorted(ms for v in voters for ms in v.replied_ms)
    refusals = sum((v.refusals for v in voters), Counter())
    return {
        "produced": count,
        "events": [[v.question_id, v.events()] for v in voters],
        "last_reply_ns": max((v.last_reply_ns for v in voters), default=0),
        "replied": len(replies),
        "unanswered": sum(len(v.due) for v in voters),
        "refusals": dict(refusals),
        "late_max_ms": late_max * 1000,
        "reply_p50_ms": replies[len(replies) // 2] if replies else 0.0,
        "reply_p99_ms": replies[min(len(replies) - 1, int(len(replies) * 0.99))]
        if replies
        else 0.0,
        "reply_max_ms": replies[-1] if replies else 0.0,
    }


async def run(scene_file: Path, count: int, rate: float) -> None:
    scene = json.loads(await asyncio.to_thread(scene_file.read_text))
    gate = asyncio.Semaphore(CONNECTING)

    async def joined(index: int) -> Voter:
        async with gate:
            return await join(scene, index)

    voters = list(await asyncio.gather(*(joined(i) for i in range(len(scene["voters"])))))
    try:
        announce(event="ready", voters=len(voters))
        async for command in commands():
            word, _, rest = command.partition(" ")
            if word == "produce":
                start_ns = int(json.loads(rest)["start_ns"])
                announce(event="produced", **await cast(voters, count, rate, start_ns))
    finally:
        for voter in voters:
            voter.reader.cancel()
            with contextlib.suppress(Exception):
                await voter.connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--core", type=int, default=LOAD_CORE)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--scene", type=Path, required=True)
    args = parser.parse_args()
    prepare_process(args.core)
    asyncio.run(run(args.scene, args.count, args.rate))


if __name__ == "__main__":
    main()
