"""What happens in the hall. Each docstring says what happened and on which channel."""

from __future__ import annotations

from datetime import datetime

from fair.core.events import Event, View


class BoothSummary(View):
    """A booth as the hall grid and the booth page header show it."""

    id: int
    slug: str
    title: str
    tagline: str
    state: str
    theme: str
    logo_url: str
    origin_countries: list[str]
    destination_countries: list[str]
    organisation_kinds: list[str]


class MediaView(View):
    id: int
    kind: str
    title: str
    url: str
    content_type: str
    size: int
    external_url: str
    has_transcript: bool


class ChatMessageView(View):
    id: int
    booth_id: int
    author_id: int
    author_name: str
    author_country: str
    body: str
    at: datetime


class CardSender(View):
    """Who left a card: named only when they agreed to share their details."""

    shared: bool
    display_name: str
    country: str
    organisation: str
    email: str


class CardView(View):
    id: int
    booth_id: int
    booth_title: str
    message: str
    sender: CardSender
    at: datetime
    answer: str
    answered_at: datetime | None


class OfficeHourView(View):
    id: int
    starts_at: datetime
    ends_at: datetime
    note: str


class TeamMemberView(View):
    user_id: int
    display_name: str
    email: str


class BoothCreated(Event):
    """An organiser created a booth (a draft). On `booth:<id>:team`."""

    type = "hall.booth.created"
    booth: BoothSummary


class BoothChanged(Event):
    """The booth's details, consortium or countries changed. On `booth:<id>`."""

    type = "hall.booth.changed"
    booth: BoothSummary


class BoothStateChanged(Event):
    """A booth was published, taken back to draft or archived. On `hall` and `booth:<id>`."""

    type = "hall.booth.state_changed"
    narrows_audience = True
    booth: BoothSummary


class TeamChanged(Event):
    """Someone joined or left the booth's team. On `booth:<id>:team`."""

    type = "hall.team.changed"
    narrows_audience = True
    booth_id: int
    members: list[TeamMemberView]


class MediaAdded(Event):
    """An interview, document or image was added to a booth. On `booth:<id>`."""

    type = "hall.media.added"
    booth_id: int
    media: MediaView


class MediaRemoved(Event):
    """A media item was removed from a booth. On `booth:<id>`."""

    type = "hall.media.removed"
    booth_id: int
    media_id: int


class OfficeHoursChanged(Event):
    """The team changed when someone is on duty. On `booth:<id>`."""

    type = "hall.office_hours.changed"
    booth_id: int
    hours: list[OfficeHourView]


class ChatMessagePosted(Event):
    """Someone wrote in the booth chat. On `booth:<id>`."""

    type = "hall.chat.posted"
    message: ChatMessageView


class ChatMessageRemoved(Event):
    """The team or a moderator removed a chat message. On `booth:<id>`."""

    type = "hall.chat.removed"
    booth_id: int
    message_id: int


class CardLeft(Event):
    """A participant left their card at a booth. On `booth:<id>:team` and their `user:<id>`."""

    type = "hall.card.left"
    card: CardView


class CardAnswered(Event):
    """The team answered a card. On `booth:<id>:team` and the sender's `user:<id>`."""

    type = "hall.card.answered"
    card: CardView


class BoothVisited(Event):
    """Someone opened the booth page; today's totals. On `booth:<id>:team`."""

    type = "hall.booth.visited"
    booth_id: int
    day: str
    visits: int
    unique_visitors: int


class BookmarksChanged(Event):
    """A participant kept or dropped a booth. On their own `user:<id>`."""

    type = "hall.bookmarks.changed"
    booth_id: int
    kept: bool


class MediaUsed(Event):
    """A document was downloaded or an interview played; the new total. On `booth:<id>:team`."""

    type = "hall.media.used"
    booth_id: int
    media_id: int
    kind: str
    total: int
