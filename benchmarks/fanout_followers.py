"""The load generator: thousands of followers of one panel in one process, without a task each.

Each follower is a raw non-blocking socket speaking just enough of the websocket
protocol (RFC 6455) to do what a browser on the panel's page does: the upgrade
handshake with the page's Origin, `live.follow` of `qa:<id>` from the head it
was shown, present, then reading every frame. One `select.epoll` loop serves
them all; a frame costs a `recv` and a few byte searches, so one core holds
10,000 followers at 10 events a second with room to spare, where a `websockets`
client per socket could not. Every event frame's channel and seq are checked:
a seq seen twice is a duplicate, one outside the run's range a stray, one
never seen a loss. Pings are answered, so the servers keep the sockets.

The driver controls it over stdin and stdout (fanout_process): it connects
when started, announces `following`, and on `report {schedule}` waits until
every follower has every event (or nothing arrives for a while), then
announces what arrived. End of stdin: close everything and exit.

    python benchmarks/fanout_followers.py --core 1 --clients 10000 --expected 200 \
        --channel qa:1 ws://127.0.0.1:8001/ws http://127.0.0.1:8001 [more url origin pairs]
"""

from __future__ import annotations

import argparse
import base64
import errno
import gc
import hashlib
import heapq
import json
import os
import random
import select
import socket
import sys
import time
from array import array
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from fanout_process import LOAD_CORE, announce, prepare_process

ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
READ_SIZE = 65536
LAG_INTERVAL = 0.01
CONNECT_LIMIT_SECONDS = 300.0
FOLLOW_AGAIN_SECONDS = 1.0
PASSING = frozenset({"db.unavailable", "live.busy"})
RECONNECT_LIMIT_SECONDS = 60.0
SETTLE_LIMIT_SECONDS = 180.0

# A follower's life: TCP connecting, upgrade sent, follow sent, following, gone.
CONNECTING, UPGRADING, JOINING, FOLLOWING, GONE = range(5)


def masked_frame(opcode: int, payload: bytes) -> bytes:
    """A client frame (clients must mask what they send)."""
    mask = os.urandom(4)
    length = len(payload)
    if length < 126:
        header = bytes((0x80 | opcode, 0x80 | length))
    else:
        header = bytes((0x80 | opcode, 0x80 | 126)) + length.to_bytes(2, "big")
    body = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return header + mask + body


class Follower:
    """One socket and what arrived on it."""

    __slots__ = (
        "backwards",
        "buffer",
        "close_code",
        "counts",
        "dropped_at",
        "duplicates",
        "head",
        "key",
        "last_at",
        "last_seq",
        "moved",
        "opened",
        "received",
        "resets",
        "retries",
        "seen",
        "sock",
        "state",
        "strays",
        "transient",
        "url",
    )

    def __init__(self, url: str, expected: int) -> None:
        self.sock: socket.socket  # set by Crowd.open_socket, again on each reconnect
        self.url = url
        self.state = CONNECTING
        self.buffer = b""
        self.key = base64.b64encode(os.urandom(16))
        self.opened = time.monotonic()
        self.head = -1
        self.seen = bytearray(expected)
        self.received = 0
        self.duplicates = 0
        self.strays = 0
        self.transient = 0
        self.close_code: int | None = None
        self.last_seq = -1  # the last event's seq (where a resume starts)
        self.dropped_at = 0.0  # when its socket was lost (monotonic), while reconnecting
        self.moved = False  # reconnected at least once
        self.retries = 0
        self.resets = 0
        self.counts: dict[int, int] = {}  # question -> the last count seen (with --counts)
        self.backwards = 0  # counts seen going down
        self.last_at = 0  # when the last event arrived (ns since the epoch)


class Crowd:
    """Every follower, the epoll loop that serves them, and the run's record of deliveries."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.expected = args.expected
        self.channel = args.channel
        self.event_start = f'{{"kind":"event","channel":{json.dumps(self.channel)},"seq":'.encode()
        self.follow_frame = masked_frame(
            0x1,
            json.dumps(
                {
                    "kind": "command",
                    "ref": "f",
                    "type": "live.follow",
                    "data": {"channel": self.channel, "since": None, "present": True},
                },
                separators=(",", ":"),
            ).encode(),
        )
        self.targets = list(zip(args.targets[0::2], args.targets[1::2], strict=True))
        self.epoll = select.epoll()
        self.by_fd: dict[int, Follower] = {}
        self.followers: list[Follower] = []
        self.failures: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()  # follows refused for a passing reason, sent again
        # What is due later, soonest first: a follow to send again on the same socket, or a
        # socket to open again (--reconnect).
        self.timers: list[tuple[float, int, str, Follower]] = []
        self.rejoined: list[float] = []  # seconds from losing a socket to following again
        self.moved = array("b")  # per delivery: to a follower that has been moved
        self.started = 0
        self.joining = 0
        # Every delivery: which event (its index in the run) and when it arrived (ns).
        self.indexes = array("i")
        self.arrivals = array("q")
        # For each event, the question it was about (read from its first copy only).
        self.questions = array("i", [-1]) * self.expected
        self.lag: list[float] = []
        self.lag_due = time.monotonic() + LAG_INTERVAL
        self.last_arrival = time.monotonic()
        self.stdin = b""
        self.commands: list[str] = []

    # The loop.

    def run(self) -> None:
        self.epoll.register(sys.stdin.fileno(), select.EPOLLIN)
        begun = time.monotonic()
        self.connect_more()
        while self.started < self.args.clients or self.joining:
            self.serve_once()
            self.connect_more()
            if time.monotonic() - begun > CONNECT_LIMIT_SECONDS:
                self.give_up_joining()
                break
        following = sum(1 for f in self.followers if f.state == FOLLOWING)
        announce(
            event="following",
            following=following,
            seconds=time.monotonic() - begun,
            failures=dict(self.failures),
            refused_then_followed=dict(self.refused),
            heads=sorted({f.head for f in self.followers if f.state == FOLLOWING}),
        )
        while True:
            self.serve_once()
            while self.commands:
                command = self.commands.pop(0)
                if command == "eof":
                    self.close_all()
                    return
                word, _, rest = command.partition(" ")
                if word == "report":
                    self.lag.clear()
                    announce(event="report", **self.report(json.loads(rest)))

    def serve_once(self) -> None:
        """One turn of the loop; the lag timer notes how late the turn came round to it."""
        events = self.epoll.poll(max(0.0, self.lag_due - time.monotonic()), 16384)
        arrived = time.time_ns()
        stdin = sys.stdin.fileno()
        for fd, mask in events:
            if fd == stdin:
                self.read_stdin()
                continue
            follower = self.by_fd.get(fd)
            if follower is None:
                continue
            if follower.state == CONNECTING:
                self.connected(follower)
            elif mask & (select.EPOLLIN | select.EPOLLHUP | select.EPOLLERR):
                self.readable(follower, arrived)
        now = time.monotonic()
        self.run_timers(now)
        if now >= self.lag_due:
            self.lag.append(now - self.lag_due)
            self.lag_due = now + LAG_INTERVAL

    def read_stdin(self) -> None:
        data = os.read(sys.stdin.fileno(), 65536)
        if not data:
            self.epoll.unregister(sys.stdin.fileno())
            self.commands.append("eof")
            return
        self.stdin += data
        *lines, self.stdin = self.stdin.split(b"\n")
        self.commands.extend(line.decode().strip() for line in lines if line.strip())

    # Connecting.

    def connect_more(self) -> None:
        while self.started < self.args.clients and self.joining < self.args.concurrency:
            url, origin = self.targets[self.started % len(self.targets)]
            self.started += 1
            self.joining += 1
            follower = Follower(url, self.expected)
            self.followers.append(follower)
            self.open_socket(follower, url, origin)

    def open_socket(self, follower: Follower, url: str, origin: str) -> None:
        """Start a (new) connection for `follower` to `url`."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        follower.sock, follower.url, follower.state = sock, url, CONNECTING
        follower.key = base64.b64encode(os.urandom(16))
        parts = urlsplit(url)
        error = sock.connect_ex((parts.hostname or "127.0.0.1", parts.port or 80))
        if error not in (0, errno.EINPROGRESS):
            self.fail(follower, f"connect:{errno.errorcode.get(error, error)}")
            return
        self.by_fd[sock.fileno()] = follower
        follower.buffer = origin.encode()  # kept until the upgrade request is written
        self.epoll.register(sock.fileno(), select.EPOLLOUT)

    # Reconnecting (--reconnect): a follower whose server went away opens a socket to the
    # first target and resumes from its last seq, with the page's backoff (live.js).

    def lost(self, follower: Follower) -> None:
        """A following socket closed: reconnect it, or count it gone."""
        if not self.args.reconnect:
            self.drop(follower)
            return
        self.close_socket(follower)
        follower.state = CONNECTING
        if not follower.dropped_at:
            follower.dropped_at = time.monotonic()
            follower.retries = 0
        self.joining += 1
        self.schedule_reconnect(follower)

    def schedule_reconnect(self, follower: Follower) -> None:
        delay = min(5.0, 0.5 * 2**follower.retries)
        follower.retries += 1
        self.later(delay / 2 + random.random() * delay / 2, "connect", follower)

    def later(self, delay: float, action: str, follower: Follower) -> None:
        heapq.heappush(self.timers, (time.monotonic() + delay, id(follower), action, follower))

    def run_timers(self, now: float) -> None:
        while self.timers and self.timers[0][0] <= now:
            _, _, action, follower = heapq.heappop(self.timers)
            if action == "follow":
                if follower.state == JOINING:
                    follower.sock.send(self.follow_frame_for(follower))
            elif now - follower.dropped_at > RECONNECT_LIMIT_SECONDS:
                self.joining -= 1
                self.failures["reconnect-gave-up"] += 1
                follower.state = GONE
            else:
                url, origin = self.targets[0]
                self.open_socket(follower, url, origin)

    def close_socket(self, follower: Follower) -> None:
        fd = follower.sock.fileno()
        if fd >= 0:
            self.by_fd.pop(fd, None)
            try:
                self.epoll.unregister(fd)
            except (FileNotFoundError, ValueError, OSError):
                pass
            follower.sock.close()

    def connected(self, follower: Follower) -> None:
        sock = follower.sock
        error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            self.fail(follower, f"connect:{errno.errorcode.get(error, error)}")
            return
        parts = urlsplit(follower.url)
        request = (
            f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {follower.key.decode()}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: {follower.buffer.decode()}\r\nUser-Agent: fanout-followers\r\n\r\n"
        ).encode()
        follower.buffer = b""
        sock.send(request)
        follower.state = UPGRADING
        self.epoll.modify(sock.fileno(), select.EPOLLIN)

    def upgraded(self, follower: Follower) -> bool:
        """Read the upgrade's answer; whether the socket now speaks websocket."""
        end = follower.buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        head, follower.buffer = follower.buffer[:end], follower.buffer[end + 4 :]
        lines = head.split(b"\r\n")
        if not lines[0].startswith(b"HTTP/1.1 101"):
            status = lines[0].split(b" ")[1].decode() if b" " in lines[0] else "?"
            self.fail(follower, f"http:{status}")
            return False
        accept = base64.b64encode(hashlib.sha1(follower.key + ACCEPT_GUID).digest())
        if not any(line.lower() == b"sec-websocket-accept: " + accept.lower() for line in lines):
            self.fail(follower, "bad-accept")
            return False
        follower.sock.send(self.follow_frame_for(follower))
        follower.state = JOINING
        return True

    def follow_frame_for(self, follower: Follower) -> bytes:
        """The page's follow: from the head it was shown, or on a resume from its last seq."""
        if not follower.dropped_at:
            return self.follow_frame
        data = {"channel": self.channel, "since": follower.last_seq, "present": True}
        command = {"kind": "command", "ref": "f", "type": "live.follow", "data": data}
        return masked_frame(0x1, json.dumps(command, separators=(",", ":")).encode())

    def joined(self, follower: Follower, text: bytes) -> None:
        """The reply to the follow (other frames before it are counted as transient)."""
        if not text.startswith(b'{"kind":"reply"'):
            follower.transient += 1
            return
        reply = json.loads(text)
        if not reply.get("ok"):
            code = (reply.get("error") or {}).get("code", "?")
            if code in PASSING or code.endswith(".rate_limited"):
                # As the page does (live.js): ask again after a while, on the same socket.
                self.refused[code] += 1
                self.later(FOLLOW_AGAIN_SECONDS, "follow", follower)
                return
            self.joining -= 1
            self.fail(follower, f"refused:{code}", counted=True)
            return
        self.joining -= 1
        follower.state = FOLLOWING
        if follower.dropped_at:
            self.rejoined.append(time.monotonic() - follower.dropped_at)
            follower.dropped_at, follower.moved = 0.0, True
            return
        follower.head = int(reply["data"]["head"])
        follower.last_seq = follower.head

    def fail(self, follower: Follower, why: str, counted: bool = False) -> None:
        if follower.dropped_at and self.args.reconnect:
            self.refused[f"reconnect:{why}"] += 1
            self.close_socket(follower)
            follower.state = CONNECTING
            if counted:
                self.joining += 1
            self.schedule_reconnect(follower)
            return
        self.failures[why] += 1
        if not counted and follower.state != FOLLOWING:
            self.joining -= 1
        self.drop(follower)

    def give_up_joining(self) -> None:
        for follower in list(self.followers):
            if follower.state in (CONNECTING, UPGRADING, JOINING):
                self.fail(follower, "gave-up")

    def drop(self, follower: Follower) -> None:
        if follower.state == GONE:
            return
        follower.state = GONE
        self.close_socket(follower)

    # Reading.

    def readable(self, follower: Follower, arrived: int) -> None:
        try:
            data = follower.sock.recv(READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            if follower.state == FOLLOWING:
                follower.close_code = follower.close_code or 1006
                self.lost(follower)
            else:
                self.fail(follower, "closed-while-joining")
            return
        buffer = follower.buffer + data if follower.buffer else data
        if follower.state == UPGRADING:
            follower.buffer = buffer
            if not self.upgraded(follower):
                return
            buffer, follower.buffer = follower.buffer, b""
        self.frames(follower, buffer, arrived)

    def frames(self, follower: Follower, buffer: bytes, arrived: int) -> None:
        at, size = 0, len(buffer)
        while size - at >= 2:
            first, second = buffer[at], buffer[at + 1]
            length, header = second & 0x7F, 2
            if length == 126:
                if size - at < 4:
                    break
                length, header = int.from_bytes(buffer[at + 2 : at + 4], "big"), 4
            elif length == 127:
                if size - at < 10:
                    break
                length, header = int.from_bytes(buffer[at + 2 : at + 10], "big"), 10
            end = at + header + length
            if end > size:
                break
            payload = buffer[at + header : end]
            at = end
            opcode = first & 0x0F
            if opcode == 0x1 and first & 0x80:
                if follower.state == FOLLOWING or (
                    follower.dropped_at and payload.startswith(self.event_start)
                ):
                    # A resume's replay comes before the follow's reply.
                    self.event(follower, payload, arrived)
                else:
                    self.joined(follower, payload)
                    if follower.state == GONE:
                        return
            elif opcode == 0x9:
                follower.sock.send(masked_frame(0xA, payload))
            elif opcode == 0x8:
                follower.close_code = int.from_bytes(payload[:2], "big") if length >= 2 else 1005
                if follower.state != FOLLOWING:
                    self.fail(follower, f"closed:{follower.close_code}")
                else:
                    self.lost(follower)
                return
            elif opcode != 0xA:
                follower.strays += 1
        follower.buffer = buffer[at:] if at < size else b""

    def event(self, follower: Follower, text: bytes, arrived: int) -> None:
        """One text frame while following: an event of the run, a transient count, or a stray."""
        start = self.event_start
        if not text.startswith(start):
            if text.startswith(b'{"kind":"reset"'):
                follower.resets += 1
            elif text.startswith(b'{"kind":"event"') and b'"seq":' not in text:
                follower.transient += 1  # a presence count: not logged, no seq
            else:
                follower.strays += 1
            return
        comma = text.find(b",", len(start))
        seq = int(text[len(start) : comma])
        if seq > follower.last_seq:
            follower.last_seq = seq
        index = seq - follower.head - 1
        if not 0 <= index < self.expected:
            follower.strays += 1
            return
        if follower.seen[index]:
            follower.duplicates += 1
            return
        follower.seen[index] = 1
        follower.received += 1
        self.indexes.append(index)
        self.arrivals.append(arrived)
        self.moved.append(follower.moved or bool(follower.dropped_at))
        self.last_arrival = time.monotonic()
        if self.questions[index] < 0:
            self.questions[index] = question_of(text)
        if self.args.counts:
            question, votes = question_of(text), number_after(text, b'"votes":')
            if votes < follower.counts.get(question, 0):
                follower.backwards += 1
            follower.counts[question] = votes
            follower.last_at = arrived

    # The report.

    def complete(self, events: int) -> bool:
        """Every follower has every event, and none is still reconnecting."""
        if any(f.dropped_at for f in self.followers if f.state != GONE):
            return False
        return all(f.received >= events for f in self.followers if f.state == FOLLOWING)

    def report(self, schedule: dict[str, Any]) -> dict[str, Any]:
        """Wait for the stragglers, then what every follower received against the schedule:
        the run's events are the votes that changed a count (`events`), in seq order."""
        events = sum(len(numbers) for _, numbers in schedule["events"])
        waiting = time.monotonic()
        while not self.complete(events):
            self.serve_once()
            now = time.monotonic()
            if now - self.last_arrival > self.args.quiet or now - waiting > SETTLE_LIMIT_SECONDS:
                break
        settle_seconds = time.monotonic() - waiting
        scheduled = scheduled_times(schedule, list(self.questions))
        latencies = array("q")
        first = [2**63 - 1] * self.expected
        worst = [0] * self.expected
        killed_ns = int(schedule.get("killed_ns") or 0)
        steady = array("q")  # deliveries to followers never moved, of events due after the kill
        for index, arrival, moved in zip(self.indexes, self.arrivals, self.moved, strict=True):
            due = scheduled[index]
            if due is None:
                continue
            latency = arrival - due
            latencies.append(latency)
            if killed_ns and not moved and due >= killed_ns:
                steady.append(latency)
            if latency < first[index]:
                first[index] = latency
            if latency > worst[index]:
                worst[index] = latency
        following = [f for f in self.followers if f.head >= 0]
        held = sum(1 for f in following if f.state == FOLLOWING)
        beyond = sum(sum(f.seen[events:]) for f in following)
        return {
            "events": events,
            "connected": len(following),
            "held": held,
            "close_codes": dict(
                Counter(str(f.close_code) for f in following if f.state != FOLLOWING)
            ),
            "delivered": sum(f.received for f in following) - beyond,
            "duplicates": sum(f.duplicates for f in following),
            "strays": sum(f.strays for f in following) + beyond,
            "transient": sum(f.transient for f in following),
            "unmapped": sum(1 for due in scheduled[:events] if due is None)
            + sum(1 for q in self.questions[events:] if q >= 0),
            "latency_ms": percentiles_ms(latencies),
            "first_ms": percentiles_ms(array("q", (x for x in first if x != 2**63 - 1))),
            "worst_per_event_ms": [round(x / 1e6, 1) for x in worst],
            "loop_lag_ms": percentiles_ms(array("q", (int(x * 1e9) for x in self.lag))),
            "settle_seconds": settle_seconds,
            **(self.counted(following, schedule) if self.args.counts else {}),
            **(self.reconnected(following, steady) if self.args.reconnect else {}),
        }

    def reconnected(self, following: list[Follower], steady: array[int]) -> dict[str, Any]:
        """How the followers of a server that went away came back, and how the others fared."""
        lost = [f for f in following if f.moved or f.dropped_at]
        times = sorted(self.rejoined)

        def within(seconds: float) -> float:
            return sum(1 for t in times if t <= seconds) / len(lost) if lost else 1.0

        return {
            "moved": len(lost),
            "still_away": sum(1 for f in following if f.dropped_at),
            "rejoined_ms": percentiles_ms(array("q", (int(t * 1e9) for t in times))),
            "rejoined_within_10s": within(10.0),
            "rejoined_within_30s": within(30.0),
            "resets": sum(f.resets for f in following),
            "follows_refused_then_sent_again": dict(self.refused),
            "steady_after_kill_ms": percentiles_ms(steady),
        }

    def counted(self, following: list[Follower], schedule: dict[str, Any]) -> dict[str, Any]:
        """Each follower's counts against the database's (`final`), and how long after the
        storm's last reply (`ended_ns`) each follower's last count arrived."""
        final = {int(q): n for q, n in schedule["final"].items() if n}
        held = [f for f in following if f.state == FOLLOWING]
        wrong = sum(1 for f in held if {q: n for q, n in f.counts.items() if n} != final)
        after = array("q", (max(0, f.last_at - int(schedule["ended_ns"])) for f in held))
        return {
            "counts_wrong": wrong,
            "counts_backwards": sum(f.backwards for f in following),
            "settled_after_storm_ms": percentiles_ms(after),
        }

    def close_all(self) -> None:
        for follower in list(self.followers):
            self.drop(follower)


def question_of(text: bytes) -> int:
    """The question a `qa.votes.counted` frame is about."""
    return number_after(text, b'"question_id":')


def number_after(text: bytes, key: bytes) -> int:
    """The whole number after `key` in a frame, or -1."""
    at = text.find(key)
    if at < 0:
        return -1
    at += len(key)
    end = at
    while end < len(text) and 48 <= text[end] <= 57:
        end += 1
    return int(text[at:end]) if end > at else -1


def scheduled_times(schedule: dict[str, Any], questions: list[int]) -> list[int | None]:
    """When each event of the run was due, in ns since the epoch (by its index in the run).

    Vote k is due at `start_ns + k / rate`. Each voter votes on a question of its own, in
    order on its own socket, so the i-th event about a question is the i-th vote on it that
    changed its count (`events`, from the voters). An event that matches no vote maps to
    nothing.
    """
    start_ns, interval_ns = int(schedule["start_ns"]), 1e9 / float(schedule["rate"])
    votes: dict[int, list[int]] = {}
    for question, numbers in schedule["events"]:
        if int(question) in votes:  # several voters on one question: their order is not known
            return [None] * len(questions)
        votes[int(question)] = numbers
    rank: Counter[int] = Counter()
    due: list[int | None] = []
    for question in questions:
        numbers = votes.get(question, [])
        if rank[question] >= len(numbers):
            due.append(None)
            continue
        due.append(start_ns + round(numbers[rank[question]] * interval_ns))
        rank[question] += 1
    return due


def percentiles_ms(values: array[int]) -> dict[str, float]:
    if not values:
        return {"count": 0, "p50": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "p50": ordered[len(ordered) // 2] / 1e6,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1e6,
        "max": ordered[-1] / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--core", type=int, default=LOAD_CORE)
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--expected", type=int, required=True, help="events the run will produce")
    parser.add_argument("--channel", required=True)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument(
        "--counts", action="store_true", help="keep each follower's vote counts (the vote storm)"
    )
    parser.add_argument(
        "--quiet",
        type=float,
        default=5.0,
        help="at the report, stop waiting once nothing arrived for this long (default 5 s)",
    )
    parser.add_argument(
        "--reconnect",
        action="store_true",
        help="a follower whose socket closes reconnects to the first target and resumes",
    )
    parser.add_argument("targets", nargs="+", help="websocket URL and Origin, pairs")
    args = parser.parse_args()
    if len(args.targets) % 2:
        parser.error("targets come in pairs: url origin")
    prepare_process(args.core)
    # Nothing here makes reference cycles; a collection over 10,000 followers would stall them all.
    gc.disable()
    Crowd(args).run()


if __name__ == "__main__":
    main()
