"""What happens in the discussions. Each docstring says what happened and on which channel;
each `audience()` names those channels from the event's own fields. Every view here is
public: hidden posts and moderation queues come later, with channels of their own."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from discussions.channels import HANDBOOKS, INDEX, discussion_channel
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


class CitationView(View):
    """A numbered citation of a synthesis: the post it links to (`#post-<id>`) and its author."""

    number: int
    contribution_id: int
    author_name: str


class SynthesisView(View):
    """A published synthesis as everyone sees it: sanitised HTML with its numbered citations."""

    round_id: int
    discussion_id: int
    body_html: str
    citations: list[CitationView]
    published_at: datetime


class CitedNotice(View):
    """Telling an author that a synthesis cites their post. Only that person."""

    reach: ClassVar[Reach] = Reach.PERSON

    contribution_id: int
    discussion_slug: str
    discussion_title: str
    round_position: int


class CarriedNotice(View):
    """Telling an asker that their question was carried into a discussion. Only that person."""

    reach: ClassVar[Reach] = Reach.PERSON

    question_id: int
    panel_title: str
    contribution_id: int
    discussion_slug: str
    discussion_title: str
    round_position: int


class ExportView(View):
    """A handbook export as the organisers follow it. Organisers only: it names who asked."""

    reach: ClassVar[Reach] = Reach.TEAM

    id: int
    scope: str
    state: str
    progress: int
    requested_by: str
    requested_at: datetime
    finished_at: datetime | None
    error: str


class SynthesisPublished(Event):
    """A moderator published a closed round's synthesis; the round is now synthesised. Seen
    by everyone on `discussion:<id>`."""

    type = "discussions.synthesis.published"
    round: RoundView
    synthesis: SynthesisView

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.round.discussion_id),)


class ContributionCited(Event):
    """A published synthesis cites one of the author's posts. Seen by that author only, on
    `user:<id>`."""

    type = "discussions.contribution.cited"
    author_id: RoutingId
    notice: CitedNotice

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.author_id),)


class QuestionCarriedOver(Event):
    """A moderator carried the asker's Q&A question into a round as a seed post. Seen by the
    asker only, on `user:<id>` (everyone sees the post itself as a new contribution)."""

    type = "discussions.question.carried_over"
    asker_id: RoutingId
    notice: CarriedNotice

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.asker_id),)


class HandbookExportChanged(Event):
    """An organiser asked for a handbook export, or the export job moved it on (started,
    progressed, done, failed). Seen by the organisers on `handbook:fair:staff`."""

    type = "discussions.handbook.changed"
    export: ExportView

    def audience(self) -> tuple[str, ...]:
        return (HANDBOOKS,)
