"""What happens in the discussions. Each docstring says what happened and on which channel;
each `audience()` names those channels from the event's own fields. Views are public unless
they say otherwise: a hidden post goes only to `discussion:<id>:moderation` (its moderators)
and to its author on `user:<id>`; the public hears only that a post went (ids, never text)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from discussions.channels import INDEX, discussion_channel, moderation_channel
from fair.core.accounts.channels import user_channel
from fair.core.audiences import Reach
from fair.core.events import Event, RoutingId, View


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
    author_id: int = 0
    """The author's account (so a page knows its viewer's own posts, which they do not report)."""


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


class ModeratedContribution(View):
    """A post as its discussion's moderators see it: hidden or not, with the reason and who
    hid (or restored) it. For the moderators only."""

    reach: ClassVar[Reach] = Reach.MODERATION

    id: int
    discussion_id: int
    round_id: int
    thread_id: int | None
    author_name: str
    body_html: str
    hidden: bool
    reason: str
    moderator_name: str
    at: datetime | None


class ContributionHidden(Event):
    """A moderator hid a post: it goes from every participant's page. Only ids, never the text
    or the reason. Seen by everyone on `discussion:<id>`."""

    type = "discussions.contribution.hidden"
    discussion_id: int
    contribution_id: int
    thread_id: int | None

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.discussion_id),)


class ContributionRestored(Event):
    """A moderator restored a hidden post: it is back for everyone. Seen by everyone on
    `discussion:<id>`."""

    type = "discussions.contribution.restored"
    contribution: ContributionView

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.contribution.discussion_id),)


class ContributionModerated(Event):
    """A moderator hid or restored a post: the post as moderators see it, with the reason.
    Seen by the discussion's moderators on `discussion:<id>:moderation`."""

    type = "discussions.contribution.moderated"
    contribution: ModeratedContribution

    def audience(self) -> tuple[str, ...]:
        return (moderation_channel(self.contribution.discussion_id),)


class YourContributionModerated(Event):
    """A moderator hid one's post (or restored it), and why. Seen only by its author, on
    `user:<id>`."""

    type = "discussions.your_contribution.moderated"
    reach: ClassVar[Reach] = Reach.PERSON
    author_id: RoutingId
    discussion_id: int
    contribution_id: int
    hidden: bool
    reason: str
    link: str

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.author_id),)
