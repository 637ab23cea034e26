"""What happens in the discussions. Each docstring says what happened and on which channel;
each `audience()` names those channels from the event's own fields. Views are public unless
they say otherwise: a hidden post goes only to `discussion:<id>:moderation` (its moderators)
and to its author on `user:<id>`; the public hears only that a post went (ids, never text);
a mute and a focal-point mark go to the person, on `user:<id>`, and as the person's standing
to the moderators; a synthesis draft only to the moderators."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from discussions.channels import HANDBOOKS, INDEX, discussion_channel, moderation_channel
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
    group_name: str | None = None
    """A focal point's post on behalf of a group met offline: the group's name."""
    group_size: int | None = None
    """And how many people took part in it."""


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


class ThreadPinned(Event):
    """A moderator pinned a thread: it is listed first in its round, marked. Seen by everyone
    on `discussion:<id>`."""

    type = "discussions.thread.pinned"
    discussion_id: int
    round_id: int
    thread_id: int

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


class ThreadUnpinned(Event):
    """A moderator unpinned a thread: back in its place by time. Seen by everyone on
    `discussion:<id>`."""

    type = "discussions.thread.unpinned"
    discussion_id: int
    round_id: int
    thread_id: int

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.discussion_id),)


class ThreadLocked(Event):
    """A moderator locked a thread: no new replies (but from moderators). Seen by everyone on
    `discussion:<id>`."""

    type = "discussions.thread.locked"
    discussion_id: int
    round_id: int
    thread_id: int

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.discussion_id),)


class ThreadUnlocked(Event):
    """A moderator unlocked a thread: replies are taken again. Seen by everyone on
    `discussion:<id>`."""

    type = "discussions.thread.unlocked"
    discussion_id: int
    round_id: int
    thread_id: int

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.discussion_id),)


class PostPlace(View):
    """Where a post stands: its round, and its thread (None: it opens a thread)."""

    round_id: int
    thread_id: int | None


class ContributionMoved(Event):
    """A moderator moved a misplaced post: it left `source` and stands at `target` now, with
    `carried` replies of its thread taken along. Seen by everyone on `discussion:<id>`."""

    type = "discussions.contribution.moved"
    discussion_id: int
    contribution_id: int
    source: PostPlace
    target: PostPlace
    carried: int

    def audience(self) -> tuple[str, ...]:
        return (discussion_channel(self.discussion_id),)


class MuteView(View):
    """A mute as the muted person sees it: where, until when (None: until the discussion
    ends or a moderator lifts it) and why. The muted person only."""

    reach: ClassVar[Reach] = Reach.PERSON

    discussion_id: int
    discussion_slug: str
    discussion_title: str
    until: datetime | None
    reason: str


class ParticipantMuted(Event):
    """A moderator muted you in a discussion for a time, with a reason: no posts, replies,
    stances or reactions there until it ends. On the muted person's `user:<id>`."""

    type = "discussions.participant.muted"
    mute: MuteView
    user_id: RoutingId

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.user_id),)


class ParticipantUnmuted(Event):
    """A moderator lifted your mute in a discussion before it ended. On the person's
    `user:<id>`."""

    type = "discussions.participant.unmuted"
    reach: ClassVar[Reach] = Reach.PERSON
    discussion_id: int
    discussion_slug: str
    user_id: RoutingId

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.user_id),)


class FocalPointMarked(Event):
    """A moderator marked you as a focal point of a discussion: you may post there on behalf
    of a group met offline. On the person's `user:<id>`."""

    type = "discussions.focal_point.marked"
    reach: ClassVar[Reach] = Reach.PERSON
    discussion_id: int
    discussion_slug: str
    user_id: RoutingId

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.user_id),)


class FocalPointUnmarked(Event):
    """A moderator took away your focal-point mark in a discussion. On the person's
    `user:<id>`."""

    type = "discussions.focal_point.unmarked"
    reach: ClassVar[Reach] = Reach.PERSON
    discussion_id: int
    discussion_slug: str
    user_id: RoutingId

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.user_id),)


class StandingView(View):
    """A person's standing in a discussion as its moderators see it: muted (until when, why)
    or not, a focal point or not. For the moderators only."""

    reach: ClassVar[Reach] = Reach.MODERATION

    discussion_id: int
    user_id: int
    display_name: str
    muted: bool
    muted_until: datetime | None
    mute_reason: str
    focal_point: bool


class StandingChanged(Event):
    """A moderator muted or unmuted a person in a discussion, or marked or unmarked them as a
    focal point: their standing now. Seen by the discussion's moderators on
    `discussion:<id>:moderation` (the person hears on `user:<id>`)."""

    type = "discussions.standing.changed"
    standing: StandingView

    def audience(self) -> tuple[str, ...]:
        return (moderation_channel(self.standing.discussion_id),)


class SlowModeView(View):
    """A discussion's slow mode: `mode` (`off`, `30s`...), the least `seconds` between one
    person's posts, and why."""

    mode: str
    seconds: int
    reason: str


class SlowModeSet(Event):
    """A moderator turned slow mode on, changed it or turned it off. Seen by everyone on
    `discussion:<id>`."""

    type = "discussions.slow_mode.set"
    discussion_id: int
    slow_mode: SlowModeView

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


class DraftView(View):
    """A closed round's synthesis draft as its moderators see it: the Markdown, the posts it
    cites in order, who saved it last and when. For the moderators only."""

    reach: ClassVar[Reach] = Reach.MODERATION

    round_id: int
    discussion_id: int
    body: str
    cited_ids: list[int]
    author_name: str
    updated_at: datetime


class SynthesisDraftSaved(Event):
    """A moderator saved a closed round's synthesis draft (not yet published). Seen by the
    discussion's moderators on `discussion:<id>:moderation`."""

    type = "discussions.synthesis.draft_saved"
    draft: DraftView

    def audience(self) -> tuple[str, ...]:
        return (moderation_channel(self.draft.discussion_id),)


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


class DiscussionFollowed(Event):
    """You started or stopped following a discussion (its rounds opening and closing reach
    your notifications). On your own `user:<id>`, so every tab shows it."""

    type = "discussions.discussion.followed"
    reach: ClassVar[Reach] = Reach.PERSON
    discussion_id: int
    following: bool
    user_id: RoutingId

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.user_id),)
