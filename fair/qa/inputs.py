"""What people send to a panel."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from fair.core.fields import Email, Id, Line, OptionalZone, Text, WebAddress
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
    panel_id: Id
    text: Annotated[Text, Field(min_length=5, max_length=500)]
    anonymous: bool = False


class VoteInput(Input):
    question_id: Id
    up: bool = True


class Decision(Input):
    question_id: Id
    approve: bool
    reason: RejectReason | None = None

    @model_validator(mode="after")
    def _reason_for_rejection(self) -> Decision:
        if not self.approve and self.reason is None:
            raise ValueError(_("Say why the question is rejected."))
        return self


class Correction(Input):
    question_id: Id
    text: Annotated[Text, Field(min_length=5, max_length=500)]


class Merge(Input):
    question_id: Id
    into_id: Id


class Tagging(Input):
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
    question_id: Id
    text: Annotated[Text, Field(max_length=5000)] = ""
    live: bool = False


class PanelStateInput(Input):
    panel_id: Id
    state: PanelState


class Note(Input):
    panel_id: Id
    text: Annotated[Line, Field(min_length=1, max_length=500)]


class PanelDetails(Input):
    """What an organiser sets on a panel, when creating it and when editing it afterwards."""

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
    panel_id: Id
    follow: bool = True
    """False: stop following."""
