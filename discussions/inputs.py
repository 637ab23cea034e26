"""What organisers, moderators and participants send to a discussion."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import Field, model_validator

from discussions.rules import (
    GROUP_SIZE_MAX,
    GROUP_SIZE_MIN,
    MuteSpan,
    ReactionKind,
    SlowMode,
    StanceKind,
)
from fair.core.fields import Email, Id, Line, OptionalZone, Text
from fair.core.i18n import N_
from fair.core.i18n import gettext as _
from fair.core.inputs import Input


class ThemeCreation(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "name": N_("Name"),
        "introduction": N_("Introduction"),
    }

    name: Annotated[Line, Field(min_length=3, max_length=160)]
    slug: Annotated[Line, Field(max_length=80)] = ""
    introduction: Annotated[Text, Field(max_length=10_000)] = ""


class DiscussionCreation(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "title": N_("Title"),
        "introduction": N_("Introduction"),
    }

    theme_id: Id
    title: Annotated[Line, Field(min_length=3, max_length=160)]
    slug: Annotated[Line, Field(max_length=80)] = ""
    introduction: Annotated[Text, Field(max_length=10_000)] = ""
    moderators: Annotated[list[Email], Field(max_length=10)] = Field(default_factory=list)
    """The e-mails of the people who run it (organisers may always)."""


class RoundCreation(Input):
    checked_on = "closes_at"
    labels: ClassVar[Mapping[str, str]] = {
        "question": N_("Question"),
        "opens_at": N_("Opens"),
        "closes_at": N_("Closes"),
    }

    discussion_id: Id
    question: Annotated[Text, Field(min_length=5, max_length=2000)]
    """The guiding question of the round."""
    opens_at: datetime
    closes_at: datetime
    zone: OptionalZone = ""
    """The zone the times are read in (a form's "Times in" choice); empty: the fair's."""
    """Times typed without a zone are in the fair's zone."""

    @model_validator(mode="after")
    def _ordered(self) -> RoundCreation:
        if self.closes_at <= self.opens_at:
            raise ValueError(_("The round must close after it opens."))
        return self


class RoundRef(Input):
    round_id: Id


class Extension(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "closes_at": N_("Closes"),
    }

    round_id: Id
    closes_at: datetime
    zone: OptionalZone = ""
    """The zone the times are read in (a form's "Times in" choice); empty: the fair's."""
    """The new deadline, later than the current one; without a zone, in the fair's zone."""


class Posting(Input):
    checked_on = "group_name"
    labels: ClassVar[Mapping[str, str]] = {
        "body": N_("Your post"),
        "group_name": N_("Group"),
        "group_size": N_("People in the group"),
    }

    round_id: Id
    body: Annotated[Text, Field(min_length=2, max_length=10_000)]
    """Markdown; it is shown sanitised."""
    reply_to_id: Id | None = None
    """A contribution of the same round to reply to (its thread); none: a new thread."""
    quote_id: Id | None = None
    """A visible contribution of the same discussion to quote (an excerpt is shown)."""
    group_name: Annotated[Line, Field(min_length=2, max_length=160)] | None = None
    """A focal point posting on behalf of a group met offline: the group (a village meeting,
    a phone round); with `group_size`."""
    group_size: Annotated[int, Field(ge=GROUP_SIZE_MIN, le=GROUP_SIZE_MAX)] | None = None
    """How many people took part in that group."""

    @model_validator(mode="after")
    def _whole_group(self) -> Posting:
        if (self.group_name is None) != (self.group_size is None):
            raise ValueError(_("Name the group and say how many took part, or neither."))
        return self


class StanceInput(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "stance": N_("Stance"),
    }

    contribution_id: Id
    stance: StanceKind | None = None
    """Agree, nuance or disagree; none takes one's stance back."""


class ReactionToggle(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "kind": N_("Reaction"),
    }

    contribution_id: Id
    kind: ReactionKind
    """Useful, thanks or question: given if one had not, taken back if one had."""


class Moderation(Input):
    contribution_id: Id
    reason: Annotated[Line, Field(min_length=2, max_length=300)]
    """Why: the author is told; moderators see it beside the post."""


class ThreadPin(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "pinned": N_("Pinned"),
    }

    thread_id: Id
    """The thread's first post."""
    pinned: bool = True
    """False unpins."""


class ThreadLock(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "locked": N_("Locked"),
    }

    thread_id: Id
    locked: bool = True
    """False unlocks."""


class Move(Input):
    checked_on = "to_thread_id"
    labels: ClassVar[Mapping[str, str]] = {
        "to_thread_id": N_("Thread"),
        "to_round_id": N_("Round"),
    }

    contribution_id: Id
    to_thread_id: Id | None = None
    """Into this thread (as a reply), in whatever round it is."""
    to_round_id: Id | None = None
    """Into this round, as a thread of its own (a thread's replies come along)."""

    @model_validator(mode="after")
    def _one_place(self) -> Move:
        if (self.to_thread_id is None) == (self.to_round_id is None):
            raise ValueError(_("Choose either a thread or a round to move the post to."))
        return self


class Muting(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "span": N_("For how long"),
    }

    discussion_id: Id
    user_id: Id
    span: MuteSpan
    reason: Annotated[Line, Field(min_length=3, max_length=300)]
    """Shown to the muted person."""


class Unmuting(Input):
    discussion_id: Id
    user_id: Id


class FocalPointInput(Input):
    checked_on = "email"
    labels: ClassVar[Mapping[str, str]] = {
        "focal": N_("Focal point"),
    }

    discussion_id: Id
    user_id: Id | None = None
    email: Email | None = None
    """Who: by account (from the people panel) or by e-mail (someone yet to post)."""
    focal: bool = True
    """False takes the mark away."""

    @model_validator(mode="after")
    def _one_person(self) -> FocalPointInput:
        if (self.user_id is None) == (self.email is None):
            raise ValueError(_("Name the person by account or by e-mail."))
        return self


class SlowModeInput(Input):
    checked_on = "reason"
    labels: ClassVar[Mapping[str, str]] = {
        "mode": N_("Slow mode"),
    }

    discussion_id: Id
    mode: SlowMode
    reason: Annotated[Line, Field(max_length=300)] = ""
    """Shown to participants while slow mode is on; needed to turn it on."""

    @model_validator(mode="after")
    def _reason_given(self) -> SlowModeInput:
        if self.mode is not SlowMode.OFF and len(self.reason) < 3:
            raise ValueError(_("Say why slow mode is on: participants see the reason."))
        return self


class SynthesisDraft(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "body": N_("Synthesis"),
        "cited_ids": N_("Cited posts"),
    }

    round_id: Id
    body: Annotated[Text, Field(min_length=2, max_length=20_000)]
    """Markdown; `[[12]]` cites post 12 of the round inline, as a numbered link."""
    cited_ids: Annotated[list[Id], Field(max_length=50)] = Field(default_factory=list)
    """Posts of the round picked from the list, cited after those cited inline."""


class CarryOver(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "question_ids": N_("Questions"),
    }

    round_id: Id
    """A planned or open round, seeded with the questions."""
    panel_id: Id
    """A closed panel of the Q&A."""
    question_ids: Annotated[list[Id], Field(min_length=1, max_length=20)]
    """Published, unanswered questions of that panel."""


class HandbookRequest(Input):
    theme_id: Id | None = None
    """One theme's handbook; none: the whole fair's."""


class FollowingInput(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "follow": N_("Follow"),
    }

    discussion_id: Id
    follow: bool = True
    """False: stop following."""
