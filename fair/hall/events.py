"""What happens in the hall. Each docstring says what happened and on which channel; each
`audience()` names those channels from the event's own fields."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from fair.core.accounts.channels import user_channel
from fair.core.audiences import Reach
from fair.core.events import Event, RoutingId, View
from fair.hall.channels import HALL, booth_channel, team_channel


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
    duration: int | None = None
    """An interview's length in seconds, when its team gave it."""
    audio_url: str = ""
    """An interview's audio-only version (light on a slow connection); empty: none."""
    audio_size: int = 0


class ChatMessageView(View):
    id: int
    booth_id: int
    author_id: int
    author_name: str
    author_country: str
    body: str
    at: datetime


class CardSender(View):
    """Who left a card: named only when they agreed to share their details.

    The booth's team and the sender only: a card is a private message to the team.
    """

    reach: ClassVar[Reach] = Reach.TEAM | Reach.PERSON

    shared: bool
    display_name: str
    country: str
    organisation: str
    email: str


class CardView(View):
    """A card left at a booth, with the team's answer. The team and the sender only."""

    reach: ClassVar[Reach] = Reach.TEAM | Reach.PERSON

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
    """Someone on a booth's team. The team only (and organisers): it holds their e-mail."""

    reach: ClassVar[Reach] = Reach.TEAM

    user_id: int
    display_name: str
    email: str


class BoothCreated(Event):
    """An organiser created a booth (a draft). On `booth:<id>:team`."""

    type = "hall.booth.created"
    reach: ClassVar[Reach] = Reach.TEAM  # a draft: it looks absent to all but its team
    booth: BoothSummary

    def audience(self) -> tuple[str, ...]:
        return (team_channel(self.booth.id),)


class BoothChanged(Event):
    """The booth's details, consortium or countries changed. On `booth:<id>`."""

    type = "hall.booth.changed"
    booth: BoothSummary

    def audience(self) -> tuple[str, ...]:
        return (booth_channel(self.booth.id),)


class BoothStateChanged(Event):
    """A booth was published, taken back to draft or archived. On `hall` and `booth:<id>`."""

    type = "hall.booth.state_changed"
    narrows_audience = True
    booth: BoothSummary

    def audience(self) -> tuple[str, ...]:
        return (HALL, booth_channel(self.booth.id))


class TeamChanged(Event):
    """Someone joined or left the booth's team. On `booth:<id>:team`."""

    type = "hall.team.changed"
    narrows_audience = True
    booth_id: int
    members: list[TeamMemberView]

    def audience(self) -> tuple[str, ...]:
        return (team_channel(self.booth_id),)


class MediaAdded(Event):
    """An interview, document or image was added to a booth. On `booth:<id>`."""

    type = "hall.media.added"
    booth_id: int
    media: MediaView

    def audience(self) -> tuple[str, ...]:
        return (booth_channel(self.booth_id),)


class MediaChanged(Event):
    """An interview's details changed (an audio-only version was attached). On `booth:<id>`."""

    type = "hall.media.changed"
    booth_id: int
    media: MediaView

    def audience(self) -> tuple[str, ...]:
        return (booth_channel(self.booth_id),)


class MediaRemoved(Event):
    """A media item was removed from a booth. On `booth:<id>`."""

    type = "hall.media.removed"
    booth_id: int
    media_id: int

    def audience(self) -> tuple[str, ...]:
        return (booth_channel(self.booth_id),)


class OfficeHoursChanged(Event):
    """The team changed when someone is on duty. On `booth:<id>`."""

    type = "hall.office_hours.changed"
    booth_id: int
    hours: list[OfficeHourView]

    def audience(self) -> tuple[str, ...]:
        return (booth_channel(self.booth_id),)


class ChatMessagePosted(Event):
    """Someone wrote in the booth chat. On `booth:<id>`."""

    type = "hall.chat.posted"
    message: ChatMessageView

    def audience(self) -> tuple[str, ...]:
        return (booth_channel(self.message.booth_id),)


class ChatMessageRemoved(Event):
    """The team or a moderator removed a chat message. On `booth:<id>`."""

    type = "hall.chat.removed"
    booth_id: int
    message_id: int

    def audience(self) -> tuple[str, ...]:
        return (booth_channel(self.booth_id),)


class ChatMessageRestored(Event):
    """The team or a moderator brought a removed chat message back: shown again where it was.
    On `booth:<id>`."""

    type = "hall.chat.restored"
    message: ChatMessageView

    def audience(self) -> tuple[str, ...]:
        return (booth_channel(self.message.booth_id),)


class YourChatMessageModerated(Event):
    """The team or a moderator removed one's chat message (or brought it back), and why. Seen
    only by its author, on `user:<id>`."""

    type = "hall.your_chat_message.moderated"
    reach: ClassVar[Reach] = Reach.PERSON
    author_id: RoutingId
    booth_id: int
    message_id: int
    hidden: bool
    reason: str
    link: str

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.author_id),)


class CardLeft(Event):
    """A participant left their card at a booth. On `booth:<id>:team` and their `user:<id>`."""

    type = "hall.card.left"
    card: CardView
    sender_id: RoutingId
    """Routing only, never sent: the team may not know who left a card they did not sign."""

    def audience(self) -> tuple[str, ...]:
        return (team_channel(self.card.booth_id), user_channel(self.sender_id))


class CardAnswered(Event):
    """The team answered a card. On `booth:<id>:team` and the sender's `user:<id>`."""

    type = "hall.card.answered"
    card: CardView
    sender_id: RoutingId
    """Routing only, never sent: the team may not know who left a card they did not sign."""

    def audience(self) -> tuple[str, ...]:
        return (team_channel(self.card.booth_id), user_channel(self.sender_id))


class BoothVisited(Event):
    """Someone opened the booth page; today's totals. On `booth:<id>:team`."""

    type = "hall.booth.visited"
    reach: ClassVar[Reach] = Reach.TEAM  # the booth's figures are for its team
    booth_id: int
    day: str
    visits: int
    unique_visitors: int

    def audience(self) -> tuple[str, ...]:
        return (team_channel(self.booth_id),)


class BookmarksChanged(Event):
    """A participant kept or dropped a booth. On their own `user:<id>`."""

    type = "hall.bookmarks.changed"
    reach: ClassVar[Reach] = Reach.PERSON  # what someone keeps is theirs alone
    booth_id: int
    kept: bool
    user_id: RoutingId

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.user_id),)


class MediaUsed(Event):
    """A document was downloaded or an interview played; the new total. On `booth:<id>:team`."""

    type = "hall.media.used"
    reach: ClassVar[Reach] = Reach.TEAM  # the booth's figures are for its team
    booth_id: int
    media_id: int
    kind: str
    total: int

    def audience(self) -> tuple[str, ...]:
        return (team_channel(self.booth_id),)
