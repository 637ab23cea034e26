"""The contract between the core and its features: what a feature is and what it can hook into.

A feature module exposes `feature = Feature(...)` and is named in the settings; the core
assembles the app from those (fair/core/features.py) and never imports a feature by name.

Types only: this module imports no other module of the core at run time (the names under
TYPE_CHECKING are for annotations), so the core and every feature can import it and it can
never close an import cycle.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from starlette.routing import BaseRoute
    from starlette.templating import Jinja2Templates
    from starlette.websockets import WebSocket

    from fair.core.accounts.viewers import Viewer, Who
    from fair.core.connections import Connection
    from fair.core.db import Database, Tx
    from fair.core.events import Event
    from fair.core.hub import Hub
    from fair.core.inputs import Input
    from fair.core.limits import Limit, Limits
    from fair.core.presence import Presence
    from fair.core.settings import Settings


@dataclass(frozen=True, slots=True)
class ChannelName:
    """A channel name, read once (fair.core.channels.parse_channel) and handed to the rules.

    `booth:7:team` has prefix `booth` and parts ("7", "team"). `presence:booth:7` names the
    same place with `presence` set: its followers get the count of people there, not events.
    """

    text: str
    """The name as followed, `presence:` included."""
    prefix: str
    parts: tuple[str, ...]
    presence: bool
    ids: tuple[int | None, ...]
    """Each part read as an id in its one spelling (`7`), or None (`team`, `07`)."""

    @property
    def place(self) -> str:
        """The channel without `presence:`: where the events (or the people) are."""
        return ":".join((self.prefix, *self.parts))

    @property
    def id(self) -> int | None:
        """The id the first part names (`7` in `booth:7:team`), if it names one."""
        return self.ids[0] if self.ids else None

    @property
    def suffix(self) -> str:
        """What follows the id (`team` in `booth:7:team`); empty for the object's own channel."""
        return ":".join(self.parts[1:])


ChannelRule = Callable[["Database", "Viewer", ChannelName], Awaitable[bool]]
"""Whether the viewer may follow a channel of the rule's prefix (presence counts included)."""


class ChannelGate(Protocol):
    """The one decision of who may follow which channel (fair.core.channels.ChannelAccess)."""

    async def authorise(self, db: Database, viewer: Viewer, channel: str) -> ChannelName:
        """The parsed name if `viewer` may follow `channel`; else refuse with a stable code."""
        ...


Reply = dict[str, Any] | None
"""What a command answers (the `data` of its reply frame)."""


@dataclass(frozen=True)
class LiveContext:
    """What a socket command's handler gets: the services, who is asking, and their socket."""

    services: Services
    viewer: Viewer
    connection: Connection
    websocket: WebSocket


Handler = Callable[[LiveContext, Any], Awaitable[Reply]]
"""Runs a command that needs the socket itself (follow, unfollow)."""
PlainHandler = Callable[["Services", "Viewer", Any], Awaitable[Reply]]
"""Runs a command for a viewer, however it arrived: a socket frame or a plain form."""


@dataclass(frozen=True)
class Command:
    """A command: its name, its strict input model and the async handler.

    `plain` is set for commands that need only who is asking, not the socket: pages can run
    those from an HTML form too (see `viewer_command`). A command that `writes` declares its
    `limit` (or None, saying why in its handler's docstring); `fair.core.live.run_command`
    applies it, whichever way the command arrives. The handler's docstring says what the
    command does and who may run it (docs/protocol.md is generated from it).
    """

    name: str
    input: type[Input]
    handle: Handler
    plain: PlainHandler | None = None
    limit: Limit | None = None
    writes: bool = False

    @property
    def doc(self) -> str:
        """What the command does and who may run it: its handler's docstring."""
        return ((self.plain or self.handle).__doc__ or "").strip()


def viewer_command(
    name: str, input_model: type[Input], handler: PlainHandler, *, limit: Limit | None
) -> Command:
    """A command that acts for the viewer, with no need of their socket: a write, limited."""

    async def run(context: LiveContext, data: Any) -> Reply:
        return await handler(context.services, context.viewer, data)

    return Command(name, input_model, run, plain=handler, limit=limit, writes=True)


DemoLoader = Callable[["Database", Path, "Settings"], Awaitable[list[str]]]
"""Loads a feature's part of the demo content; returns lines to print."""


@dataclass(frozen=True)
class JobWindow:
    """What a run of a job covers: what became due in (`since`, `now`].

    `since` is when the job last completed successfully (None the first time ever), so a
    job that acts on this window catches up after downtime and never acts twice on the
    same boundary.
    """

    since: datetime | None
    now: datetime


@dataclass(frozen=True)
class Job:
    """Work a feature runs on a schedule, on exactly one worker at a time across hosts.

    Exactly one of `every_seconds` (an interval) and `daily_at` (a time of day, in UTC).
    A run that raises is logged and retried at the next tick with the same `since`.
    """

    name: str
    run: Callable[[Services, JobWindow], Awaitable[None]]
    every_seconds: float | None = None
    daily_at: time | None = None

    def __post_init__(self) -> None:
        if (self.every_seconds is None) == (self.daily_at is None):
            raise ValueError(f"job {self.name!r}: give exactly one of every_seconds and daily_at")
        if self.every_seconds is not None and self.every_seconds <= 0:
            raise ValueError(f"job {self.name!r}: every_seconds must be positive")
        if self.daily_at is not None and self.daily_at.utcoffset() not in (None, timedelta(0)):
            raise ValueError(f"job {self.name!r}: daily_at is a time in UTC")


@dataclass(frozen=True)
class Delivery:
    """One committed event of the log, as a consumer reads it back."""

    channel: str
    seq: int
    type: str
    data: dict[str, Any]
    at: datetime
    actor_id: int | None

    @classmethod
    def of(
        cls, channel: str, seq: int, type_: str, data: str, at: datetime, actor_id: int | None
    ) -> Delivery:
        return cls(channel, seq, type_, json.loads(data), at, actor_id)

    def event(self, registry: Mapping[str, builtins.type[Event]]) -> Event | None:
        """The typed event again, if its class is in `registry` (`Event.registry`), else None.

        Fields an event holds only to name its audience (`RoutingId`) are not in the log's
        data, so such an event cannot be rebuilt from it: None as well.
        """
        kind = registry.get(self.type)
        if kind is None:
            return None
        try:
            return kind.model_validate(self.data)
        except ValueError:
            return None


@dataclass(frozen=True)
class Consumer:
    """A durable reader of committed events on channels starting with one of `channels`.

    `handle` runs inside the transaction that also advances the consumer's position, so
    its database effects happen exactly once per event; effects outside the database
    (e-mail) happen at least once. A new consumer starts at the current heads unless
    `from_start`.
    """

    name: str
    handle: Callable[[Tx, Services, Delivery], Awaitable[None]]
    channels: tuple[str, ...]
    from_start: bool = False

    def __post_init__(self) -> None:
        if not self.channels:
            raise ValueError(f"consumer {self.name!r} reads no channels")

    def reads(self, channel: str) -> bool:
        return channel.startswith(self.channels)


@dataclass(frozen=True)
class ReportedContent:
    """What the core's report queue needs to know of one piece of content, as it is now."""

    place_id: int
    """The place it is in (a booth, a panel, a discussion): whose moderators handle it."""
    excerpt: str
    """Plain text, short: what the moderators read in the queue."""
    author_id: int | None
    author_name: str
    link: str
    """Where the content is shown (a path on this site)."""
    hidden: bool
    """Whether it is already hidden (handled): a report on it joins that handled item."""


@dataclass(frozen=True)
class Reportable:
    """A kind of content people may report (fair/core/reports): how the core finds it, who
    handles it and how they hide or restore it, all through the feature's own code.

    Queue events about content of this kind go to `<place>:<place_id>:moderation`, which the
    feature's channel rule must grant to exactly the people `may_handle` accepts (its access
    helper with Purpose.MODERATE). `hide` and `restore` are the feature's own actions: they
    check the actor, write the feature's audit row and record its events; the core runs them
    in the same unit of work as the queue item's change. Those actions call
    `fair.core.reports.actions.content_handled` in their transaction, so that hiding or
    restoring directly (not from the queue) closes the content's queue item too; the queue
    then adds nothing (one audit row either way). `restore` None: it cannot be undone.
    """

    kind: str
    """A stable name, `<feature>.<thing>` (`discussions.post`)."""
    label: str
    """A translatable label (a gettext message id), shown in the queue."""
    place: str
    """The prefix of the place's channels (`discussion` for `discussion:<id>`)."""
    locate: Callable[[AsyncSession, Who, int], Awaitable[ReportedContent | None]]
    """The content `content_id` as it is now, or None if there is none or `who` may not see
    it (a draft booth's chat, a pending question): then it looks absent."""
    may_handle: Callable[[AsyncSession, Who, int], Awaitable[bool]]
    """Whether `who` may handle content of the place `place_id`."""
    places: Callable[[AsyncSession, Who], Awaitable[Sequence[int]]]
    """The ids of the places whose content `who` may handle (their queue)."""
    hide: Callable[[Database, Who, int, str], Awaitable[None]]
    """Hide the content `content_id` for the reason given."""
    restore: Callable[[Database, Who, int, str], Awaitable[None]] | None = None
    """Show hidden content again, for the reason given; None if the feature cannot."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification for one person, from a committed event (fair/core/notifications).

    `message` is a message id marked with `N_` and translated when shown, in the reader's
    language, with `params` (plain text: the page escapes it). `kind` names what it is about,
    `<feature>.<thing>` (`qa.question_answered`), for grouping and for people's preferences;
    `link` is a path of this fair. `actor_id` is who caused it: nobody is told of their own
    action."""

    user_id: int
    kind: str
    message: str
    link: str
    params: Mapping[str, str] = field(default_factory=dict)
    actor_id: int | None = None


@dataclass(frozen=True, slots=True)
class NoticeKind:
    """A kind of notice people may choose to get or not (their notification settings):
    `kind` as the notices carry it, a label marked with `N_` (translated when shown), whether
    it may be sent by e-mail at once rather than in the digest, and the digest's section."""

    kind: str
    label: str
    urgent: bool = False
    section: str = "other"
    """Where the e-mail digest lists it: "syntheses", "rounds", "questions", "replies" or
    "other" (in that order)."""


@dataclass(frozen=True)
class Notifier:
    """Who hears of one type of event, and what they are told: the notifications consumer
    reads `event_type` on the channels `<place>:<id>` (or `<place>:<id>:<suffix>`) and stores
    what `notices` returns, in the transaction that advances its position, so a crash loses
    no notification and none is made twice. `notices` reads (never writes) through the
    session given, as the event's data and the database are now."""

    event_type: str
    place: str
    notices: Callable[[AsyncSession, Delivery], Awaitable[Sequence[Notice]]]
    suffix: str | None = None

    def reads(self, channel: str) -> bool:
        parts = channel.split(":")
        if parts[0] != self.place:
            return False
        if self.suffix is None:
            return len(parts) == 2
        return len(parts) == 3 and parts[2] == self.suffix


@dataclass(frozen=True, slots=True)
class Citation:
    """A link to a page of another feature that cites a thing of this one: `title`, `href`
    (a path of this fair)."""

    title: str
    href: str


CitationSource = Callable[["AsyncSession", str, int], Awaitable[Sequence[Citation]]]
"""Where a feature cites things of others: given a reading session, a kind of thing ("booth",
"panel") and its id, the feature's pages that cite it, as only what everyone may see (a
hidden post's citation is left out). The booth and panel pages list them as "Discussed in";
a feature that knows nothing of the kind answers an empty list."""


@dataclass(frozen=True, slots=True)
class ProgrammeItem:
    """Something on the fair's programme (a panel starting), listed in a digest's "coming up"."""

    title: str
    starts_at: datetime
    link: str
    """A path of this fair."""
    followed: bool = False
    """The reader follows it (a bookmark): only followed items make a digest worth sending."""


ProgrammeSource = Callable[
    ["AsyncSession", int, datetime, datetime], Awaitable[Sequence[ProgrammeItem]]
]
"""What starts in [start, end) that the person `user_id` may see (the digest's programme)."""


@dataclass(frozen=True, slots=True)
class FigureScope:
    """What the organisers' attendance dashboard is narrowed to: one day of the fair (its
    zone; `start`/`end` its bounds in UTC) or the whole fair, and perhaps one of its themes."""

    zone: str
    day: date | None = None
    start: datetime | None = None
    end: datetime | None = None
    theme_id: int | None = None


@dataclass(frozen=True, slots=True)
class FigureTable:
    """A table a feature adds to the attendance dashboard (and its CSV file `<key>.csv`)."""

    key: str
    title: str
    """A message id (`N_`), translated when shown, like the column names."""
    columns: Sequence[str]
    rows: Sequence[Sequence[str | int | None]]
    chart: int | None = 1
    """The numeric column charted against the first one; None: no chart."""
    themed: bool = False
    """Whether a theme narrows it (the page says which tables a theme leaves whole)."""


FigureSource = Callable[["AsyncSession", FigureScope], Awaitable[Sequence[FigureTable]]]
"""A feature's figures for the dashboard, read from its stored rows."""


@dataclass(frozen=True, slots=True)
class SimulatedDay:
    """A day of made-up activity (`fair demo simulate`): who came (person key, account id,
    country), from when to when (UTC), and the random source every feature draws from, so a
    seed gives the same day again."""

    day: date
    start: datetime
    end: datetime
    people: Sequence[tuple[str, int, str]]
    random: Any


SimulateDay = Callable[["Tx", SimulatedDay], Awaitable[None]]
"""A feature writes its share of a simulated day (visits, watchers) in the transaction."""


PersonalRows = Mapping[str, Sequence[Mapping[str, Any]]]
"""A feature's part of a person's data download: named lists of plain JSON objects."""

PersonalData = Callable[["AsyncSession", int], Awaitable[PersonalRows]]
"""What a feature holds about the person `user_id` (their "Download my data"): their own rows
only; other people appear by id at most, never by name or e-mail."""


@dataclass(frozen=True, slots=True)
class Departure:
    """A person deleting their account, as they were: `forget` hooks need their name and
    e-mail to find what names them (logged events, notices) before the account is emptied."""

    user_id: int
    display_name: str
    email: str


Forget = Callable[["Tx", Departure], Awaitable[None]]
"""A feature forgets a person who deleted their account, inside the one transaction that
empties the account: it deletes what was theirs alone (cards, bookmarks, settings), lets
their contributions stay (attributed to the tombstone account, "former participant") and
scrubs their name from its events in the log (`fair.core.accounts.erasure.scrub_log`)."""


@dataclass(frozen=True)
class OrganiseLink:
    """A page of a feature's own in the organisers' menu (`/organise` and its sub-pages)."""

    href: str
    label: str
    """An English message id, marked with `fair.core.i18n.N_` so that `make messages` finds it;
    translated when the menu is shown."""


@dataclass(frozen=True)
class Feature:
    """What a feature brings to the app. Every field is optional but the name."""

    name: str
    routes: Sequence[BaseRoute] = ()
    commands: Sequence[Command] = ()
    channel_rules: Mapping[str, ChannelRule] = field(default_factory=dict)
    """Who may follow channels by prefix (`booth` for `booth:7`, `booth:7:team`, ...)."""
    templates: Path | None = None
    demo: DemoLoader | None = None
    settings: type[Any] | None = None
    """This feature's settings section: a frozen dataclass with `SECTION: ClassVar[str]`, read
    with `Settings.section(kind)` from the config file's `[<SECTION>]` table and the
    FAIR_<SECTION>_<KEY> environment; parsed when the app starts."""
    migrations: Path | None = None
    """A directory of Alembic revisions (no env.py) for this feature's tables: its first one has
    `branch_labels = ("<name>",)` and a core revision as `down_revision`."""
    jobs: Sequence[Job] = ()
    """Work on a schedule, on one worker at a time (fair/core/jobs.py)."""
    consumers: Sequence[Consumer] = ()
    """Durable readers of committed events (fair/core/consumers.py)."""
    organise: Sequence[OrganiseLink] = ()
    """Entries in the organisers' menu, between "The fair" and "People", in feature order."""
    citations: CitationSource | None = None
    """Two-way links: which of this feature's pages cite a booth or a panel (`CitationSource`);
    collected in `Services.citations`, read by `fair.core.pages.cited_in`, so the hall and
    the Q&A can list them without importing the feature."""
    reportables: Sequence[Reportable] = ()
    """Kinds of content people may report to the fair's one review queue (fair/core/reports)."""
    notifiers: Sequence[Notifier] = ()
    """What people are told of this feature's events (fair/core/notifications)."""
    notice_kinds: Sequence[NoticeKind] = ()
    """Every kind of notice its notifiers make: what people choose from in their settings."""
    programme: ProgrammeSource | None = None
    """What of this feature is on the coming period's programme, for the e-mail digest."""
    figures: FigureSource | None = None
    """This feature's tables on the organisers' attendance dashboard."""
    simulate: SimulateDay | None = None
    """This feature's share of a simulated day of the demo fair (`fair demo simulate`)."""
    personal_data: PersonalData | None = None
    """This feature's part of a person's data download (`PersonalData`)."""
    forget: Forget | None = None
    """What this feature does when a person deletes their account (`Forget`)."""
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """How the values of its enums read: a vocabulary (`booth.state`) -> value -> an English
    message id marked with `N_`; pages show them translated, `{{ b.state | label("booth.state")
    }}`."""


@dataclass
class Services:
    """Everything a request, command or job needs, built once in the app's lifespan."""

    settings: Settings
    db: Database
    hub: Hub
    presence: Presence
    limits: Limits
    access: ChannelGate
    commands: dict[str, Command]
    templates: Jinja2Templates
    features: Sequence[Feature]
    citations: Sequence[CitationSource] = ()
    """Every feature's `Feature.citations`, in the features' order."""
    reportables: Mapping[str, Reportable] = field(default_factory=dict)
    """Every feature's kinds of reportable content, by kind."""
    notifiers: Sequence[Notifier] = ()
    """Every feature's `Feature.notifiers`, in the features' order."""
    notice_kinds: Mapping[str, NoticeKind] = field(default_factory=dict)
    """Every feature's kinds of notice, by kind, in the features' order."""
    programmes: Sequence[ProgrammeSource] = ()
    """Every feature's `Feature.programme`, in the features' order."""
    figures: Sequence[FigureSource] = ()
    """Every feature's `Feature.figures`, in the features' order."""
    personal_data: Sequence[tuple[str, PersonalData]] = ()
    """Every feature's `Feature.personal_data` with the feature's name, in the features' order."""
    forgetting: Sequence[Forget] = ()
    """Every feature's `Feature.forget`, in the features' order."""
