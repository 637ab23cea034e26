"""The live endpoint `/ws`: one websocket per browser tab, JSON frames in three shapes.

    {"kind":"command","ref":"c1","type":"live.follow","data":{"channel":"fair","since":0}}
    {"kind":"reply","ref":"c1","ok":true,"data":{...}}  or  "ok":false,"error":{"code":...}
    {"kind":"event","channel":"fair","seq":3,"type":"...","at":"...Z","data":{...}}

The hub pushes each frame to the connection (fair/core/connections.py), which
writes at once while the socket drains and otherwise keeps a bounded backlog for
its one writer task; a client that falls further behind is closed with
CLOSE_TOO_SLOW and resumes from the last seq it saw. Incoming commands run in
order on one runner per socket (`_read`); pings are answered at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from fair.core.accounts.channels import user_channel
from fair.core.accounts.queries import login_is_live, viewer_for
from fair.core.accounts.viewers import Viewer
from fair.core.attendance.actions import attend
from fair.core.channels import parse_channel
from fair.core.connections import (
    CLOSE_LOGGED_OUT,
    CLOSE_POLICY,
    CLOSE_ROLE_CHANGED,
    CLOSE_TOO_BIG,
    CLOSE_TOO_MANY,
    Connection,
)
from fair.core.contract import Command, LiveContext, Reply
from fair.core.errors import FairError, Invalid, Unavailable
from fair.core.events import error_frame, reply_frame
from fair.core.faults import unavailable
from fair.core.fields import Cursor
from fair.core.hub import Follower, Recheck
from fair.core.i18n import gettext as _
from fair.core.i18n import speak_saved
from fair.core.idempotency import KEY_PATTERN, run_once
from fair.core.inputs import Input, load_json, parse
from fair.core.security import LOGIN_COOKIE, VISITOR_COOKIE, new_visitor_id, origin_allowed

if TYPE_CHECKING:
    from fair.core.contract import ChannelGate, Services
    from fair.core.db import Database

logger = logging.getLogger(__name__)

MAX_FOLLOWS = 100
CLOSE_UNAVAILABLE = 1013  # "try again later": the database was away while setting up


class CommandFrame(Input):
    kind: Literal["command"]
    ref: str | None = Field(default=None, max_length=64)
    type: str = Field(min_length=1, max_length=64)
    data: dict[str, Any] = Field(default_factory=dict)
    key: str | None = Field(default=None, pattern=KEY_PATTERN)
    """An idempotency key: the same key again replies with the first result (`run_once`)."""


class FollowInput(Input):
    channel: str = Field(min_length=1, max_length=200)
    since: Cursor | None = None
    present: bool = False
    """Also count this person as present at the channel's place (a booth, a panel)."""


class UnfollowInput(Input):
    channel: str = Field(min_length=1, max_length=200)


class NoInput(Input):
    pass


async def run_command(
    services: Services,
    viewer: Viewer,
    command: Command,
    data: Any,
    context: LiveContext | None = None,
    *,
    key: str | None = None,
) -> Reply:
    """Run a parsed command after its limit: the socket (with its `context`) and every form
    route come through here, so a limit holds however the command arrives. With an
    idempotency `key`, a repeat replies with the first result and neither writes nor
    counts against the limit (`run_once`)."""

    async def run() -> Reply:
        if command.limit is not None:
            await services.limits.hit(command.limit, viewer.person, data)
        if context is not None:
            return await command.handle(context, data)
        if command.plain is None:
            raise Invalid("live.unknown_command", _("There is no such command."))
        return await command.plain(services, viewer, data)

    return await run_once(
        services.db,
        viewer.person,
        command.name,
        key,
        run,
        window_hours=services.settings.command_key_hours,
    )


class AccountWatch:
    """Follows the person's own channel and closes the socket when their login or role changes."""

    def __init__(self, connection: Connection, viewer: Viewer) -> None:
        self.connection = connection
        self.viewer = viewer

    async def room(self) -> None:
        return None

    def push(self, frame: str) -> None:
        event = json.loads(frame)
        kind, data = event.get("type"), event.get("data", {})
        if kind == "account.login.ended" and data.get("login_id") == self.viewer.login_id:
            self.connection.close(CLOSE_LOGGED_OUT, "logged out")
        elif kind == "account.banned":
            self.connection.close(CLOSE_LOGGED_OUT, "account suspended")
        elif kind == "account.role.changed":
            self.connection.close(CLOSE_ROLE_CHANGED, "role changed")


def audience_recheck(db: Database, access: ChannelGate) -> Recheck:
    """The hub's re-check after a narrowing event: which sockets may no longer follow."""

    async def recheck(channel: str, followers: list[Follower]) -> list[Follower]:
        refused: list[Follower] = []
        for follower in followers:
            if not isinstance(follower, Connection | AccountWatch):
                continue
            try:
                await access.authorise(db, follower.viewer, channel)
            except FairError:
                refused.append(follower)
                if isinstance(follower, Connection):
                    follower.follows.discard(channel)
        return refused

    return recheck


class LiveEndpoint:
    """The `/ws` ASGI app. It keeps the raw ASGI `send`, which `Connection` writes with directly."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        services: Services = websocket.state.services
        settings = services.settings
        origin = websocket.headers.get("origin")
        # A browser always sends Origin; a login cookie without one is not a page of ours.
        cookie_without_origin = origin is None and LOGIN_COOKIE in websocket.cookies
        if cookie_without_origin or not origin_allowed(origin, settings.origins):
            await websocket.close(CLOSE_POLICY)
            return
        visitor = websocket.cookies.get(VISITOR_COOKIE) or new_visitor_id()
        viewer = await viewer_for(services.db, websocket.cookies.get(LOGIN_COOKIE), visitor)
        # Before the socket's tasks start, so that they all inherit the person's language.
        speak_saved(viewer.language)
        await websocket.accept()
        connection = Connection(send, settings.send_queue_frames, viewer)
        await _serve(LiveContext(services, viewer, connection, websocket))


async def _serve(context: LiveContext) -> None:
    services, viewer, connection = context.services, context.viewer, context.connection
    watch = AccountWatch(connection, viewer) if viewer.login_id is not None else None
    await services.presence.join("fair", viewer.person)
    # Counted beside the socket's work: a database that is slow to answer never delays it.
    counting = asyncio.create_task(attend(services.db, viewer), name="live-attend")
    writer = connection.start_writer()
    tasks = {writer}
    try:
        # Watch the login before reading commands: a reply then means the socket is set up.
        if watch is not None and viewer.user_id is not None and viewer.login_id is not None:
            try:
                await services.hub.follow(watch, user_channel(viewer.user_id), None)
                live, _role = await login_is_live(services.db, viewer.login_id)
            except Unavailable:
                connection.close(CLOSE_UNAVAILABLE, "database unavailable")
            else:
                if not live:
                    connection.close(CLOSE_LOGGED_OUT, "logged out")
        if connection.closing is None:
            tasks.add(asyncio.create_task(_read(context), name="live-reader"))
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in [*tasks, counting]:
            task.cancel()
        for task in [*tasks, counting]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        services.hub.drop(connection)
        if watch is not None:
            services.hub.drop(watch)
        services.presence.drop(connection)
        for scope in ["fair", *connection.present_at]:
            await services.presence.leave(scope, viewer.person)


async def _read(context: LiveContext) -> None:
    """Read frames; run commands in order on one runner task, answer pings at once.

    A slow command (the database away) therefore never stops this loop from reading
    and answering `live.ping`, and a socket's commands still take effect in the order
    they were sent (a follow then an unfollow, two chat messages).
    """
    connection, websocket = context.connection, context.websocket
    settings = context.services.settings
    limit = settings.max_message_bytes
    # The runner exists only while commands wait: most sockets send one follow, then only
    # read, and a task parked on an empty queue per socket would cost thousands of them.
    waiting: deque[CommandFrame] = deque()
    runner: asyncio.Task[None] | None = None
    try:
        while connection.closing is None:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                refusal = {"code": "live.binary", "message": _("Send text frames only.")}
                connection.push(error_frame(None, refusal))
                continue
            if len(text.encode()) > limit:
                connection.close(CLOSE_TOO_BIG, "message too big")
                return
            if not connection.allow_command():
                connection.close(CLOSE_TOO_MANY, "too many messages")
                return
            ref, frame = _decode(text)
            if isinstance(frame, FairError):
                connection.push(error_frame(ref, frame.as_dict()))
            elif frame.type in IMMEDIATE:
                await _execute(context, frame)
            elif len(waiting) >= settings.commands_waiting:
                busy = Unavailable(
                    "live.busy",
                    _("Too many of your actions are waiting. Please try again shortly."),
                )
                connection.push(error_frame(frame.ref, busy.as_dict()))
            else:
                waiting.append(frame)
                if runner is None or runner.done():
                    runner = asyncio.create_task(
                        _run_in_order(context, waiting), name="live-commands"
                    )
    finally:
        if runner is not None:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner


IMMEDIATE = frozenset({"live.ping"})
"""Commands the reader answers itself, ahead of any command still waiting."""


async def _run_in_order(context: LiveContext, waiting: deque[CommandFrame]) -> None:
    """Run the waiting commands one after the other, then end (the reader starts another
    runner when more come)."""
    while waiting:
        frame = waiting.popleft()
        try:
            await _execute(context, frame)
        except WebSocketDisconnect:
            return


def _decode(text: str) -> tuple[str | None, CommandFrame | FairError]:
    """The frame's ref (as far as it can be read) and its parsed shape, or the refusal."""
    try:
        raw = load_json(text, code="live.malformed", message=_("The message is not valid JSON."))
    except FairError as refusal:
        return None, refusal
    ref = raw["ref"][:64] if isinstance(raw, dict) and isinstance(raw.get("ref"), str) else None
    try:
        return ref, parse(CommandFrame, raw, code="live.malformed")
    except FairError as refusal:
        return ref, refusal


async def _execute(context: LiveContext, frame: CommandFrame) -> None:
    connection, ref = context.connection, frame.ref
    try:
        command = context.services.commands.get(frame.type)
        if command is None:
            raise Invalid("live.unknown_command", _("There is no such command."))
        data = parse(command.input, frame.data)
        result = await run_command(
            context.services, context.viewer, command, data, context, key=frame.key
        )
        connection.push(reply_frame(ref, result))
    except FairError as refusal:
        connection.push(error_frame(ref, refusal.as_dict()))
    except WebSocketDisconnect:
        raise
    except Exception as error:
        outage = unavailable(error)
        if outage is not None:
            logger.warning("live: the database is away (%s)", type(error).__name__)
            connection.push(error_frame(ref, outage.as_dict()))
            return
        logger.exception("live: command failed")
        connection.push(
            error_frame(
                ref, {"code": "live.internal", "message": _("Something went wrong on our side.")}
            )
        )


async def _follow(context: LiveContext, data: FollowInput) -> dict[str, Any]:
    """Follow a channel from `since` (events after it are replayed, then live ones follow), or
    the count of people at a place (`presence:<channel>`); `present` also counts this person.

    Who: whoever the channel's rule lets follow it (see the channels below).
    Errors: live.bad_channel, live.login_required, live.forbidden, live.too_many_follows.
    """
    services, connection = context.services, context.connection
    channel = data.channel
    if channel not in connection.follows and len(connection.follows) >= MAX_FOLLOWS:
        raise Invalid("live.too_many_follows", _("This page follows too many things at once."))
    name = await services.access.authorise(services.db, context.viewer, channel)
    connection.follows.add(channel)
    if name.presence:
        count = await services.presence.watch(name.place, connection)
        return {"channel": channel, "count": count}
    if data.present and channel not in connection.present_at:
        connection.present_at.add(channel)
        await services.presence.join(channel, context.viewer.person)
        await attend(services.db, context.viewer, channel)
    head = await services.hub.follow(connection, channel, data.since)
    return {"channel": channel, "head": head}


async def _unfollow(context: LiveContext, data: UnfollowInput) -> dict[str, Any]:
    """Stop following a channel (and stop being counted present there).

    Who: anyone.
    Errors: none (unfollowing what is not followed is allowed).
    """
    services, connection = context.services, context.connection
    connection.follows.discard(data.channel)
    name = parse_channel(data.channel)
    if name is not None and name.presence:
        services.presence.unwatch(name.place, connection)
    else:
        services.hub.unfollow(connection, data.channel)
    if data.channel in connection.present_at:
        connection.present_at.discard(data.channel)
        await services.presence.leave(data.channel, context.viewer.person)
    return {"channel": data.channel}


async def _ping(context: LiveContext, data: NoInput) -> dict[str, Any]:
    """Answered at once, ahead of any command still waiting: the client's check of the link.

    Who: anyone.
    Errors: none.
    """
    return {}


CORE_COMMANDS = [
    Command("live.follow", FollowInput, _follow),
    Command("live.unfollow", UnfollowInput, _unfollow),
    Command("live.ping", NoInput, _ping),
]
