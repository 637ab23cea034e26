"""What people send to a panel."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field, model_validator

from fair.core.fields import Email, Id, Line, OptionalZone, Text, WebAddress
from fair.core.i18n import N_
from fair.core.i18n import gettext as _
from fair.core.inputs import Input
from fair.core.reports.inputs import HandlingReason
from fair.qa.rules import Moderation, PanelState, RejectReason


def _tags(values: list[str]) -> list[str]:
    cleaned = []
    for value in values:
        tag = value.strip().lower()
        if tag and tag not in cleaned:
            if len(tag) > 30:
                raise ValueError(_("A tag has at most 30 characters."))
            cleaned.append(tag)
    return cleaned


class Ask(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "text": N_("Your question"),
        "anonymous": N_("Ask anonymously"),
    }

    panel_id: Id
    text: Annotated[Text, Field(min_length=5, max_length=500)]
    anonymous: bool = False


class VoteInput(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "up": N_("Vote"),
    }

    question_id: Id
    up: bool = True


class Decision(Input):
    checked_on = "reason"
    labels: ClassVar[Mapping[str, str]] = {
        "approve": N_("Decision"),
    }

    question_id: Id
    approve: bool
    reason: RejectReason | None = None

    @model_validator(mode="after")
    def _reason_for_rejection(self) -> Decision:
        if not self.approve and self.reason is None:
            raise ValueError(_("Say why the question is rejected."))
        return self


class Correction(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "text": N_("Question"),
    }

    question_id: Id
    text: Annotated[Text, Field(min_length=5, max_length=500)]


class Merge(Input):
    question_id: Id
    into_id: Id


class Tagging(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "tags": N_("Tags"),
    }

    question_id: Id
    tags: Annotated[list[Line], Field(max_length=5), AfterValidator(_tags)]


class QuestionHiding(Input):
    question_id: Id
    reason: HandlingReason
    """Why: the asker is told."""


class QuestionRestoring(Input):
    question_id: Id
    reason: HandlingReason
    """Why it is back: the asker is told."""


class Answering(Input):
    panel_id: Id
    question_id: Id | None = None


class AnswerInput(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "text": N_("Answer"),
        "live": N_("Answered live"),
    }

    question_id: Id
    text: Annotated[Text, Field(max_length=5000)] = ""
    live: bool = False


class PanelStateInput(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "state": N_("State"),
    }

    panel_id: Id
    state: PanelState


class Note(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "text": N_("Note"),
    }

    panel_id: Id
    text: Annotated[Line, Field(min_length=1, max_length=500)]


class PanelDetails(Input):
    """What an organiser sets on a panel, when creating it and when editing it afterwards."""

    checked_on = "ends_at"
    labels: ClassVar[Mapping[str, str]] = {
        "title": N_("Title"),
        "description": N_("Description"),
        "starts_at": N_("Starts"),
        "ends_at": N_("Ends"),
        "moderation": N_("Moderation"),
        "stream_url": N_("Stream address"),
        "booths": N_("Booths"),
        "interview_from": N_("Interview from the booth"),
    }

    title: Annotated[Line, Field(min_length=3, max_length=160)]
    description: Annotated[Text, Field(max_length=10_000)] = ""
    starts_at: datetime
    ends_at: datetime
    zone: OptionalZone = ""
    """The zone the times are read in (a form's "Times in" choice); empty: the fair's."""
    moderation: Moderation = Moderation.PRE
    stream_url: WebAddress = ""
    panelists: Annotated[list[Email], Field(max_length=10)] = Field(default_factory=list)
    moderators: Annotated[list[Email], Field(max_length=10)] = Field(default_factory=list)
    booths: Annotated[list[Annotated[Line, Field(max_length=80)]], Field(max_length=10)] = Field(
        default_factory=list
    )
    interview_from: Annotated[Line, Field(max_length=80)] = ""
    """The address of a booth whose (first) recorded interview the panel shows."""

    @model_validator(mode="after")
    def _ordered(self) -> PanelDetails:
        if self.ends_at <= self.starts_at:
            raise ValueError(_("The panel must end after it starts."))
        return self


class PanelCreation(PanelDetails):
    slug: Annotated[Line, Field(max_length=80)] = ""
    """The panel's address; empty: made from the title. It is not changed afterwards."""


class PanelEdit(PanelDetails):
    """Everything creation sets but the address (links to the panel keep working)."""


class PanelFollowing(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "follow": N_("Follow"),
    }

    panel_id: Id
    follow: bool = True
    """False: stop following."""
