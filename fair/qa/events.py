"""What happens at a panel. Each docstring says what happened and on which channel; each
`audience()` names those channels from the event's own fields."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from fair.core.accounts.channels import user_channel
from fair.core.audiences import Reach
from fair.core.events import Event, RoutingId, View
from fair.qa.channels import PROGRAMME, backstage_channel, moderation_channel, panel_channel


class PanelView(View):
    id: int
    slug: str
    title: str
    state: str
    moderation: str
    starts_at: datetime
    ends_at: datetime
    answering_id: int | None


class PublicQuestion(View):
    """A question as every follower of the panel sees it: the asker unnamed if they chose so."""

    id: int
    panel_id: int
    text: str
    asker_name: str
    asker_country: str
    state: str
    votes: int
    tags: list[str]
    answer: str
    answered_live: bool
    at: datetime


class ModeratedQuestion(View):
    """A question as moderators see it: always with who asked, and its moderation state.

    Moderation only: it names anonymous askers and holds questions never published.
    """

    reach: ClassVar[Reach] = Reach.MODERATION

    id: int
    panel_id: int
    text: str
    asker_id: int
    asker_name: str
    anonymous: bool
    state: str
    reject_reason: str
    hidden_reason: str
    """Why a moderator hid it (or restored it)."""
    merged_into_id: int | None
    votes: int
    tags: list[str]
    edited: bool
    at: datetime


class OwnQuestion(View):
    """A question as its asker sees it, whatever its state.

    The asker only: a pending, rejected or merged question and its reason are theirs alone.
    """

    reach: ClassVar[Reach] = Reach.PERSON

    id: int
    panel_id: int
    panel_title: str
    text: str
    state: str
    reject_reason: str
    hidden_reason: str
    """Why a moderator hid it (or restored it): the asker is told."""
    merged_into_id: int | None
    answer: str


class RecordView(View):
    """How a panel's queue was curated: counts only, so everyone may see them."""

    received: int
    approved: int
    merged: int
    rejected: dict[str, int]
    answered: int
    pending: int


class NoteView(View):
    """A backstage note. Backstage only: moderators and panelists write them for each other."""

    reach: ClassVar[Reach] = Reach.BACKSTAGE

    id: int
    author_name: str
    text: str
    at: datetime


class QuestionAsked(Event):
    """Someone asked a question. On `qa:<id>:moderation`."""

    type = "qa.question.asked"
    question: ModeratedQuestion

    def audience(self) -> tuple[str, ...]:
        return (moderation_channel(self.question.panel_id),)


class QuestionPublished(Event):
    """A question became visible to everyone (approved, or asked under post-moderation).
    On `qa:<id>`."""

    type = "qa.question.published"
    question: PublicQuestion

    def audience(self) -> tuple[str, ...]:
        return (panel_channel(self.question.panel_id),)


class QuestionWithdrawn(Event):
    """A published question was hidden or merged into another. On `qa:<id>`."""

    type = "qa.question.withdrawn"
    question_id: int
    merged_into_id: int | None
    panel_id: RoutingId

    def audience(self) -> tuple[str, ...]:
        return (panel_channel(self.panel_id),)


class QuestionModerated(Event):
    """A moderator approved, rejected, edited, tagged, merged, hid or restored a question.
    On `qa:<id>:moderation`."""

    type = "qa.question.moderated"
    action: str
    question: ModeratedQuestion

    def audience(self) -> tuple[str, ...]:
        return (moderation_channel(self.question.panel_id),)


class QuestionChanged(Event):
    """A published question's wording, tags or vote count changed. On `qa:<id>`."""

    type = "qa.question.changed"
    question: PublicQuestion

    def audience(self) -> tuple[str, ...]:
        return (panel_channel(self.question.panel_id),)


class VotesCounted(Event):
    """Someone voted for a published question or took their vote back; the new count.
    On `qa:<id>` (and `qa:<id>:moderation`)."""

    type = "qa.votes.counted"
    question_id: int
    votes: int
    panel_id: RoutingId

    def audience(self) -> tuple[str, ...]:
        return (panel_channel(self.panel_id), moderation_channel(self.panel_id))


class NowAnswering(Event):
    """The panel is now answering this question (or none). On `qa:<id>`."""

    type = "qa.answering.changed"
    panel_id: int
    question_id: int | None

    def audience(self) -> tuple[str, ...]:
        return (panel_channel(self.panel_id),)


class QuestionAnswered(Event):
    """A question was answered, live or in writing. On `qa:<id>`."""

    type = "qa.question.answered"
    question: PublicQuestion

    def audience(self) -> tuple[str, ...]:
        return (panel_channel(self.question.panel_id),)


class YourQuestionChanged(Event):
    """Something happened to your question (asked, approved, rejected, merged, answered,
    hidden or restored, with the moderator's reason). On the asker's `user:<id>`."""

    type = "qa.your_question.changed"
    question: OwnQuestion
    asker_id: RoutingId
    action: str = ""
    """What happened: asked, approved, rejected, edited, tagged, merged, merged-into, hidden,
    restored or answered (as `qa.question.moderated` says it)."""

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.asker_id),)


class PanelStateChanged(Event):
    """The panel opened for questions, went live, closed or was archived. On `qa:<id>`."""

    type = "qa.panel.state_changed"
    panel: PanelView

    def audience(self) -> tuple[str, ...]:
        return (panel_channel(self.panel.id),)


class BackstageNoted(Event):
    """A moderator or panelist left a note backstage. On `qa:<id>:backstage`."""

    type = "qa.backstage.noted"
    note: NoteView
    panel_id: RoutingId

    def audience(self) -> tuple[str, ...]:
        return (backstage_channel(self.panel_id),)


class PanelScheduled(Event):
    """An organiser put a panel on the programme. On `programme` and `qa:<id>`."""

    type = "qa.panel.scheduled"
    panel: PanelView

    def audience(self) -> tuple[str, ...]:
        return (PROGRAMME, panel_channel(self.panel.id))


class PanelChanged(Event):
    """An organiser changed a panel after creating it: its title or description, its times,
    its panelists or moderators, its booths, its interview or stream, or its moderation mode
    (`changed` names which). On `programme` and `qa:<id>`: every open page of the panel (its
    page, the stage, the big screen, the moderators' queue) and the programme re-read it."""

    type = "qa.panel.changed"
    panel: PanelView
    changed: list[str]

    def audience(self) -> tuple[str, ...]:
        return (PROGRAMME, panel_channel(self.panel.id))


class RecordCounted(Event):
    """The panel's public record of curation changed (a question asked, decided, merged,
    hidden or answered). On `qa:<id>`."""

    type = "qa.record.counted"
    panel_id: int
    record: RecordView

    def audience(self) -> tuple[str, ...]:
        return (panel_channel(self.panel_id),)


class PanelStartingSoon(Event):
    """A panel starts in `STARTING_SOON` minutes (the schedule says so once). On `qa:<id>`:
    whoever follows the panel is told."""

    type = "qa.panel.starting_soon"
    panel: PanelView

    def audience(self) -> tuple[str, ...]:
        return (panel_channel(self.panel.id),)


class PanelFollowed(Event):
    """You started or stopped following a panel (you hear when it is about to start). On your
    own `user:<id>`, so every tab shows it."""

    type = "qa.panel.followed"
    reach: ClassVar[Reach] = Reach.PERSON
    panel_id: int
    following: bool
    user_id: RoutingId

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.user_id),)
