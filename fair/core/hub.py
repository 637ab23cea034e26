"""The hub: this process's followers of each channel, fed from commits, the bus and the log.

Per channel the hub remembers the last seq it delivered. An envelope with the
next seq is fanned out at once; an older one is a duplicate and dropped; a newer
one means the bus lost something, and the hub reads the gap from the log. A
periodic check of the channels' heads does the same when the bus is down, so
followers get every event, in order, once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from fair.core import log
from fair.core.bus import Bus
from fair.core.db import Database
from fair.core.events import Envelope, Event, reset_frame
from fair.core.tasks import cancel_all

logger = logging.getLogger(__name__)

CATCH_UP_BATCH = 500
REPLAY_BATCH = 16


class Follower(Protocol):
    def push(self, frame: str) -> None:
        """Queue a frame for the client without waiting; never raises."""

    async def room(self) -> None:
        """Wait until the client's queue can take a batch of replayed frames."""


Recheck = Callable[[str, list[Follower]], Awaitable[list[Follower]]]
"""Given a channel and its followers, return those no longer allowed to follow it."""


class _Channel:
    __slots__ = (
        "again",
        "catching_up",
        "early",
        "followers",
        "idle",
        "last_seq",
        "name",
        "ready",
        "rechecking",
        "refs",
    )

    def __init__(self, name: str) -> None:
        self.name = name
        self.last_seq = 0
        # Follower -> None when live, or a list holding live envelopes while its replay is read.
        self.followers: dict[Follower, list[Envelope] | None] = {}
        self.early: list[Envelope] | None = []
        self.ready = asyncio.Event()
        self.refs = 0
        self.catching_up = False
        self.again = False
        # Envelopes held while the audience is re-checked after a narrowing event.
        self.rechecking: list[Envelope] | None = None
        self.idle = asyncio.Event()
        self.idle.set()


class Hub:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        *,
        recheck: Recheck | None = None,
        replay_limit: int = 1000,
        head_check_seconds: float = 2.0,
    ) -> None:
        """`recheck` decides who may still follow a channel after a narrowing event; without
        one (a hub in a test or a benchmark) every follower stays."""
        self.db = db
        self.bus = bus
        self.replay_limit = replay_limit
        self.head_check_seconds = head_check_seconds
        self._channels: dict[str, _Channel] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._head_checker: asyncio.Task[None] | None = None
        self._narrowing: frozenset[str] = frozenset()
        self.recheck = recheck

    async def start(self) -> None:
        self._narrowing = frozenset(
            t for t, kind in Event.registry.items() if kind.narrows_audience
        )
        self.db.on_commit(self.publish)
        await self.bus.start(self.deliver, self.catch_up_all)
        self._head_checker = asyncio.create_task(self._check_heads(), name="hub-head-check")

    async def stop(self) -> None:
        await cancel_all([*self._tasks, *([self._head_checker] if self._head_checker else [])])
        await self.bus.stop()

    @property
    def channels(self) -> list[str]:
        return list(self._channels)

    def followers_of(self, channel: str) -> int:
        state = self._channels.get(channel)
        return 0 if state is None else len(state.followers)

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Called after a commit: deliver here at once, then hand over to the bus for the others."""
        if not envelopes:
            return
        for envelope in envelopes:
            self.deliver(envelope)
        await self.bus.publish(envelopes)

    async def follow(self, follower: Follower, channel: str, since: int | None) -> int:
        """Start sending `channel` to `follower` after `since`; return the head it continued from.

        Live envelopes are held while the missed ones are read from the log, so the
        follower sees replay then live, in order, with no gap and no repeat.
        """
        state = self._channels.get(channel)
        if state is None:
            state = self._channels[channel] = _Channel(channel)
            state.refs += 1
            try:
                await self._open(state)
            except BaseException:
                state.refs -= 1
                del self._channels[channel]
                state.ready.set()
                raise
        else:
            state.refs += 1
            await state.ready.wait()
            if self._channels.get(channel) is not state:
                state.refs -= 1
                raise RuntimeError(f"could not open channel {channel}")
        # A re-check of the audience holds live events; start after it, not in its middle.
        await state.idle.wait()
        if since is not None and since > state.last_seq:
            # This worker's view may lag the log (the bus is down, the client came from a
            # worker that died): only a `since` above the log's own head is ahead.
            try:
                await self._read_to_head(state)
            except BaseException:
                state.refs -= 1
                self._forget_if_unused(state)
                raise
            await state.idle.wait()
        if follower in state.followers:
            state.refs -= 1
        head = state.last_seq
        if since is None:
            since = head
        if since > head:
            # Ahead of the log itself (a database restored from a backup): the client must
            # reload the view; it never takes a lower cursor from a reset.
            follower.push(reset_frame(channel, head, ahead=True))
            state.followers[follower] = None
            return head
        if head - since > self.replay_limit:
            follower.push(reset_frame(channel, head))
            state.followers[follower] = None
            return head
        if since == head:
            state.followers[follower] = None
            return head
        held: list[Envelope] = []
        state.followers[follower] = held
        try:
            async with self.db.reading() as session:
                missed = await log.events_after(session, channel, since, head - since)
        except BaseException:
            self.unfollow(follower, channel)
            raise
        last = since
        for index, envelope in enumerate(missed):
            if index % REPLAY_BATCH == 0:
                # Replay at the pace the client reads, so its queue stays bounded.
                await follower.room()
            if state.followers.get(follower) is not held:
                return head
            follower.push(envelope.frame)
            last = envelope.seq
        if state.followers.get(follower) is not held:
            return head
        for envelope in held:
            if envelope.seq > last:
                follower.push(envelope.frame)
                last = envelope.seq
        state.followers[follower] = None
        return head

    def unfollow(self, follower: Follower, channel: str) -> None:
        state = self._channels.get(channel)
        if state is None or state.followers.pop(follower, False) is False:
            return
        state.refs -= 1
        self._forget_if_unused(state)

    def drop(self, follower: Follower) -> None:
        """Forget a follower on every channel (its connection closed)."""
        for channel in [
            name for name, state in self._channels.items() if follower in state.followers
        ]:
            self.unfollow(follower, channel)

    def deliver(self, envelope: Envelope) -> None:
        """Take one committed envelope from this process or the bus; never blocks."""
        state = self._channels.get(envelope.channel)
        if state is None:
            return
        if state.early is not None:
            state.early.append(envelope)
        elif envelope.seq == state.last_seq + 1:
            state.last_seq = envelope.seq
            self._fan_out(state, envelope)
        elif envelope.seq > state.last_seq:
            self._catch_up(state)

    def catch_up_all(self) -> None:
        """The bus was away: read whatever every channel missed from the log."""
        for state in list(self._channels.values()):
            if state.early is None:
                self._catch_up(state)

    def _fan_out(self, state: _Channel, envelope: Envelope) -> None:
        if state.rechecking is not None:
            state.rechecking.append(envelope)
            return
        frame = envelope.frame
        for follower, held in state.followers.items():
            if held is None:
                follower.push(frame)
            else:
                held.append(envelope)
        if envelope.type in self._narrowing and self.recheck is not None:
            state.rechecking = []
            state.idle.clear()
            self._spawn(self._recheck(state))

    async def _recheck(self, state: _Channel) -> None:
        """Drop the followers the channel's rule now refuses, then release what was held."""
        try:
            assert self.recheck is not None
            refused = await self.recheck(state.name, list(state.followers))
            for follower in refused:
                if follower in state.followers:
                    follower.push(reset_frame(state.name, state.last_seq))
                    self.unfollow(follower, state.name)
        except Exception:
            logger.exception("hub: could not re-check the followers of %s", state.name)
        finally:
            held, state.rechecking = state.rechecking or [], None
            state.idle.set()
            for envelope in held:
                self._fan_out(state, envelope)

    async def _open(self, state: _Channel) -> None:
        await self.bus.subscribe(state.name)
        async with self.db.reading() as session:
            state.last_seq = (await log.heads(session, [state.name]))[state.name]
        early, state.early = state.early or [], None
        for envelope in sorted(early, key=lambda e: e.seq):
            self.deliver(envelope)
        state.ready.set()

    def _forget_if_unused(self, state: _Channel) -> None:
        if state.refs > 0 or self._channels.get(state.name) is not state:
            return
        del self._channels[state.name]
        self._spawn(self._unsubscribe_if_unused(state.name))

    async def _unsubscribe_if_unused(self, channel: str) -> None:
        # A follow may have reopened the channel since; the check and the bus's own
        # bookkeeping happen before the first await, so they cannot interleave with it.
        if channel not in self._channels:
            await self.bus.unsubscribe(channel)

    def _catch_up(self, state: _Channel) -> None:
        if state.catching_up:
            state.again = True
            return
        state.catching_up = True
        self._spawn(self._read_gap(state))

    async def _read_to_head(self, state: _Channel) -> None:
        """Fan out what the log holds beyond this worker's view of the channel, up to its head."""
        while True:
            async with self.db.reading() as session:
                missed = await log.events_after(session, state.name, state.last_seq, CATCH_UP_BATCH)
            for envelope in missed:
                if envelope.seq == state.last_seq + 1:
                    state.last_seq = envelope.seq
                    self._fan_out(state, envelope)
            if len(missed) < CATCH_UP_BATCH:
                return

    async def _read_gap(self, state: _Channel) -> None:
        try:
            while self._channels.get(state.name) is state:
                state.again = False
                await self._read_to_head(state)
                if not state.again:
                    return
        except Exception:
            logger.exception(
                "hub: could not read the gap of %s; the next head check retries", state.name
            )
        finally:
            state.catching_up = False

    async def _check_heads(self) -> None:
        while True:
            await asyncio.sleep(self.head_check_seconds)
            names = [name for name, state in self._channels.items() if state.early is None]
            if not names:
                continue
            try:
                async with self.db.reading() as session:
                    found = await log.heads(session, names)
            except Exception:
                logger.exception("hub: head check failed")
                continue
            for name, head in found.items():
                state = self._channels.get(name)
                if state is not None and state.early is None and head > state.last_seq:
                    self._catch_up(state)

    def _spawn(self, coro: object) -> None:
        task = asyncio.ensure_future(coro)  # type: ignore[call-overload]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
