"""What happens in the discussions. Each docstring says what happened and on which channel;
each `audience()` names those channels from the event's own fields. Every view here is
public: hidden posts and moderation queues come later, with channels of their own."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from discussions.channels import INDEX, discussion_channel
from fair.core.events import Event, View


class ThemeView(View):
    id: int
    slug: str
    name: str


class DiscussionView(View):
    id: int
    theme_id: int
    slug: str
    title: str


class RoundView(View):
    """A round as everyone sees it: its guiding question, times and state."""

    id: int
    discussion_id: int
    position: int
    question: str
    opens_at: datetime
    closes_at: datetime
    state: str


class QuoteView(View):
    """The quoted post as a quoting one shows it: its author and an excerpt (plain text)."""

    id: int
    author_name: str
    excerpt: str


class ReferenceCard(View):
    """A booth or a panel a post names, as a card link: `kind` is "booth" or "panel"."""

    kind: str
    title: str
    href: str


class ContributionView(View):
    """A post as everyone sees it: its author's name and its sanitised HTML."""

    id: int
    discussion_id: int
    round_id: int
    thread_id: int | None
    author_name: str
    body_html: str
    at: datetime
    replies: int
    """For a new thread 0; for a reply, how many replies its thread has now."""
    quote: QuoteView | None = None
    """The contribution this one quotes, as an excerpt (None: no quote, or it is hidden)."""
    references: list[ReferenceCard] = Field(default_factory=list)
    """The booths and panels it names that everyone may see, in the order named."""


class StanceCounts(View):
    agree: int
    nuance: int
    disagree: int


class ThemeCreated(Event):
    """An organiser set up a theme. Seen by everyone on `discussions`."""

    type = "discussions.theme.created"
    theme: ThemeView

    def audience(self) -> tuple[str, ...]:
        return (INDEX,)


class DiscussionCreated(Event):
    """An organiser set up a discussion in a theme. Seen by everyone on `discussions`."""

    type = "discussions.discussion.created"
    discussion: DiscussionView

    def audience(self) -> tuple[str, ...]:
        return (INDEX,)


class RoundAdded(Event):
    """A moderator planned a new round. Seen by everyone on `discussion:<id>`."""

    type = "discussions.round.added"
    round: RoundView

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.round.discussion_id),)


class RoundOpened(Event):
    """A round opened for posts, at its time or by a moderator (also a re-opening). Seen by
    everyone on `discussion:<id>`."""

    type = "discussions.round.opened"
    round: RoundView

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.round.discussion_id),)


class RoundClosed(Event):
    """A round closed, at its deadline or by a moderator. Seen by everyone on
    `discussion:<id>`."""

    type = "discussions.round.closed"
    round: RoundView

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.round.discussion_id),)


class RoundExtended(Event):
    """A moderator moved a round's deadline later. Seen by everyone on `discussion:<id>`."""

    type = "discussions.round.extended"
    round: RoundView

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.round.discussion_id),)


class ContributionPosted(Event):
    """Someone posted in an open round: a new thread or a reply. Seen by everyone on
    `discussion:<id>`."""

    type = "discussions.contribution.posted"
    contribution: ContributionView

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.contribution.discussion_id),)


class StancesCounted(Event):
    """Someone took, changed or took back a stance on a post; the post's new counts (never
    who took which). Seen by everyone on `discussion:<id>`."""

    type = "discussions.stances.counted"
    discussion_id: int
    contribution_id: int
    stances: StanceCounts

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.discussion_id),)


class ReactionCounts(View):
    useful: int
    thanks: int
    question: int


class ReactionsCounted(Event):
    """Someone gave or took back a reaction to a post; the post's new counts (never who
    reacted). Seen by everyone on `discussion:<id>`."""

    type = "discussions.reactions.counted"
    discussion_id: int
    contribution_id: int
    reactions: ReactionCounts

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.discussion_id),)
