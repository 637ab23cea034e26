"""What organisers, moderators and participants send to a discussion."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, model_validator

from discussions.rules import StanceKind
from fair.core.fields import Email, Id, Line, Text
from fair.core.i18n import gettext as _
from fair.core.inputs import Input


class ThemeCreation(Input):
    name: Annotated[Line, Field(min_length=3, max_length=160)]
    slug: Annotated[Line, Field(max_length=80)] = ""
    introduction: Annotated[Text, Field(max_length=10_000)] = ""


class DiscussionCreation(Input):
    theme_id: Id
    title: Annotated[Line, Field(min_length=3, max_length=160)]
    slug: Annotated[Line, Field(max_length=80)] = ""
    introduction: Annotated[Text, Field(max_length=10_000)] = ""
    moderators: Annotated[list[Email], Field(max_length=10)] = Field(default_factory=list)
    """The e-mails of the people who run it (organisers may always)."""


class RoundCreation(Input):
    discussion_id: Id
    question: Annotated[Text, Field(min_length=5, max_length=2000)]
    """The guiding question of the round."""
    opens_at: datetime
    closes_at: datetime
    """Times typed without a zone are in the fair's zone."""

    @model_validator(mode="after")
    def _ordered(self) -> RoundCreation:
        if self.closes_at <= self.opens_at:
            raise ValueError(_("The round must close after it opens."))
        return self


class RoundRef(Input):
    round_id: Id


class Extension(Input):
    round_id: Id
    closes_at: datetime
    """The new deadline, later than the current one; without a zone, in the fair's zone."""


class Posting(Input):
    round_id: Id
    body: Annotated[Text, Field(min_length=2, max_length=10_000)]
    """Markdown; it is shown sanitised."""
    reply_to_id: Id | None = None
    """A contribution of the same round to reply to (its thread); none: a new thread."""


class StanceInput(Input):
    contribution_id: Id
    stance: StanceKind | None = None
    """Agree, nuance or disagree; none takes one's stance back."""


class SynthesisDraft(Input):
    round_id: Id
    body: Annotated[Text, Field(min_length=2, max_length=20_000)]
    """Markdown; `[[12]]` cites post 12 of the round inline, as a numbered link."""
    cited_ids: Annotated[list[Id], Field(max_length=50)] = Field(default_factory=list)
    """Posts of the round picked from the list, cited after those cited inline."""


class CarryOver(Input):
    round_id: Id
    """A planned or open round, seeded with the questions."""
    panel_id: Id
    """A closed panel of the Q&A."""
    question_ids: Annotated[list[Id], Field(min_length=1, max_length=20)]
    """Published, unanswered questions of that panel."""


class HandbookRequest(Input):
    theme_id: Id | None = None
    """One theme's handbook; none: the whole fair's."""
