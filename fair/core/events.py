"""Typed events and their wire frames.

An event class says in its docstring what happened and who sees it; its fields
are the payload (views, never ORM objects), and its `audience()` names the
channels it goes to, computed from those fields alone. A view class says by its
`reach` who may see it, so a test can prove no event carries a view to a channel
whose audience may not see it. A frame is encoded once, when the event is
appended to the log, and forwarded unchanged through the bus and every socket.
"""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from fair.core.audiences import Reach

RoutingId = Annotated[int, Field(exclude=True)]
"""An id an event holds only to name its audience (the asker whose `user:<id>` it goes to):
never in the payload, so the wire stays as it was and an audience never learns it."""


class View(BaseModel):
    """What an event or page shows of an object: plain values, nothing hidden from the audience."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reach: ClassVar[Reach] = Reach.PUBLIC
    """Who may see a view of this class; a view that is not public says why in its docstring."""


class Event(BaseModel):
    """Base of every event; subclasses set `type` to a past-tense dotted name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ClassVar[str]
    registry: ClassVar[dict[str, builtins.type[Event]]] = {}
    narrows_audience: ClassVar[bool] = False
    """True when, after this event, some followers of its channel may no longer be allowed to
    follow it (a booth back to draft, someone taken off a team): the hub re-checks them."""
    reach: ClassVar[Reach] = Reach.PUBLIC
    """Who may see the event's own fields (figures, a login id), as `View.reach` for views."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        event_type = cls.__dict__.get("type")
        if event_type is None:
            return
        if "audience" not in cls.__dict__:
            raise TypeError(f"event {cls.__qualname__} ({event_type!r}) does not say its audience")
        existing = Event.registry.get(event_type)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise TypeError(f"event type {event_type!r} is defined twice")
        Event.registry[event_type] = cls

    def audience(self) -> tuple[str, ...]:
        """The channels this event goes to, named from its own fields with the feature's
        channel helpers (`moderation_channel(self.question.panel_id)`)."""
        raise NotImplementedError(f"{self.__class__.__qualname__} does not say its audience")

    def payload(self) -> str:
        return self.model_dump_json()


@dataclass(frozen=True, slots=True)
class Envelope:
    """A committed event as it travels: its channel, its sequence number and its encoded frame."""

    channel: str
    seq: int
    frame: str
    type: str = ""


def event_frame(channel: str, seq: int, event_type: str, at: str, payload: str) -> str:
    """The one encoding of an event frame; `payload` is already JSON text."""
    return (
        f'{{"kind":"event","channel":{json.dumps(channel)},"seq":{seq},'
        f'"type":{json.dumps(event_type)},"at":"{at}","data":{payload}}}'
    )


def transient_frame(channel: str, event_type: str, data: dict[str, Any]) -> str:
    """A frame for state that is not logged (a presence count): no seq, nothing to resume."""
    return json.dumps(
        {"kind": "event", "channel": channel, "type": event_type, "data": data},
        separators=(",", ":"),
    )


def reply_frame(ref: str | None, data: dict[str, Any] | None = None) -> str:
    return json.dumps(
        {"kind": "reply", "ref": ref, "ok": True, "data": data or {}}, separators=(",", ":")
    )


def error_frame(ref: str | None, error: dict[str, Any]) -> str:
    return json.dumps(
        {"kind": "reply", "ref": ref, "ok": False, "error": error}, separators=(",", ":")
    )


def reset_frame(channel: str, seq: int, *, ahead: bool = False) -> str:
    """Tells a client to reload its view of `channel`, then go on from `seq`.

    `ahead` says the client's cursor is above the log's head (a database restored from a
    backup): `seq` is then below what the client has, and the client reloads the page
    rather than lowering its cursor.
    """
    frame: dict[str, object] = {"kind": "reset", "channel": channel, "seq": seq}
    if ahead:
        frame["ahead"] = True
    return json.dumps(frame, separators=(",", ":"))
