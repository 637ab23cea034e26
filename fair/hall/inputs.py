"""What organisers, exhibitors and participants send to the hall."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field, field_validator, model_validator

from fair.core.fields import (
    CountryList,
    Email,
    Id,
    Line,
    OptionalCountry,
    OptionalEmail,
    OptionalZone,
    Text,
    WebAddress,
)
from fair.core.i18n import N_
from fair.core.i18n import gettext as _
from fair.core.inputs import Input
from fair.core.reports.inputs import HandlingReason
from fair.hall.rules import BoothState, MediaKind, OrganisationKind

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

Title = Annotated[Line, Field(min_length=3, max_length=120)]
Slug = Annotated[Line, Field(max_length=80)]
Countries = Annotated[CountryList, Field(max_length=60)]


def _slug(value: str) -> str:
    value = value.strip().lower()
    if value and not _SLUG.match(value):
        raise ValueError(_("Use lower-case letters, digits and dashes only."))
    return value


class BoothCreation(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "title": N_("Title"),
        "tagline": N_("Tagline"),
    }

    title: Title
    slug: Slug = ""
    theme: Annotated[Line, Field(max_length=40)] = ""
    tagline: Annotated[Line, Field(max_length=200)] = ""

    _check_slug = field_validator("slug")(_slug)


class Link(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "label": N_("Link text"),
        "url": N_("Address"),
    }

    label: Annotated[Line, Field(min_length=1, max_length=80)]
    url: WebAddress


class BoothDetails(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "title": N_("Title"),
        "tagline": N_("Tagline"),
        "description": N_("Description"),
        "origin_countries": N_("Countries of origin"),
        "destination_countries": N_("Countries of destination"),
        "contact_email": N_("Contact e-mail"),
        "contact_phone": N_("Contact phone"),
        "website": N_("Website"),
        "links": N_("Links"),
    }

    title: Title
    tagline: Annotated[Line, Field(max_length=200)] = ""
    description: Annotated[Text, Field(max_length=20_000)] = ""
    theme: Annotated[Line, Field(max_length=40)] = ""
    origin_countries: Countries = Field(default_factory=list)
    destination_countries: Countries = Field(default_factory=list)
    contact_email: OptionalEmail = ""
    contact_phone: Annotated[Line, Field(max_length=40)] = ""
    website: WebAddress = ""
    links: Annotated[list[Link], Field(max_length=10)] = Field(default_factory=list)


class ConsortiumMemberInput(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "name": N_("Organisation"),
        "kind": N_("Kind"),
        "country": N_("Country"),
    }

    name: Annotated[Line, Field(min_length=2, max_length=160)]
    kind: OrganisationKind
    country: OptionalCountry = ""


class Consortium(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "members": N_("Members"),
    }

    members: Annotated[list[ConsortiumMemberInput], Field(max_length=40)]


class TeamInvitation(Input):
    email: Email


class StateChange(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "state": N_("State"),
    }

    state: BoothState


class ChatPost(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "body": N_("Message"),
    }

    booth_id: Id
    body: Annotated[Text, Field(min_length=1, max_length=1000)]


class ChatRemoval(Input):
    message_id: Id
    reason: HandlingReason
    """Why: the author is told."""


class ChatRestoring(Input):
    message_id: Id
    reason: HandlingReason
    """Why it is back: the author is told."""


class ChatPage(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "before": N_("Page"),
    }

    booth_id: Id
    before: Id | None = None


class CardInput(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "message": N_("Message"),
        "share_details": N_("Share my details"),
    }

    message: Annotated[Text, Field(min_length=1, max_length=2000)]
    share_details: bool = False


class CardLeaving(CardInput):
    """A card and the booth it is left at, as the `hall.card.leave` command takes it."""

    booth_id: Id


class CardAnswer(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "answer": N_("Answer"),
    }

    answer: Annotated[Text, Field(min_length=1, max_length=4000)]


class CardAnswering(CardAnswer):
    """An answer and the card it answers, as the `hall.card.answer` command takes it."""

    card_id: Id


class Bookmarking(Input):
    """Keep a booth among one's bookmarks, or drop it."""

    labels: ClassVar[Mapping[str, str]] = {
        "keep": N_("Bookmark"),
    }

    booth_id: Id
    keep: bool


class OfficeHourInput(Input):
    """A slot as a datetime-local field gives it, read in the zone chosen beside it."""

    checked_on = "ends_at"
    labels: ClassVar[Mapping[str, str]] = {
        "starts_at": N_("Starts"),
        "ends_at": N_("Ends"),
        "note": N_("Note"),
    }

    starts_at: datetime
    ends_at: datetime
    zone: OptionalZone = ""
    """The zone the times are read in (a form's "Times in" choice); empty: the fair's."""
    note: Annotated[Line, Field(max_length=120)] = ""

    @model_validator(mode="after")
    def _ordered(self) -> OfficeHourInput:
        if self.ends_at <= self.starts_at:
            raise ValueError(_("The end must be after the start."))
        if (self.ends_at - self.starts_at).total_seconds() > 24 * 3600:
            raise ValueError(_("A slot lasts at most 24 hours."))
        return self


_DURATION = re.compile(r"[0-9]{1,3}(:[0-5][0-9])?")


def _duration(value: str) -> str:
    if value and not _DURATION.fullmatch(value):
        raise ValueError(_("Give the length as minutes:seconds, such as 12:30."))
    return value


class MediaDetails(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "kind": N_("Kind"),
        "title": N_("Title"),
        "transcript": N_("Transcript"),
        "external_url": N_("Link"),
        "duration": N_("Length"),
    }

    kind: MediaKind
    title: Annotated[Line, Field(min_length=1, max_length=160)]
    transcript: Annotated[Text, Field(max_length=50_000)] = ""
    external_url: WebAddress = ""
    duration: Annotated[Line, Field(max_length=8), AfterValidator(_duration)] = ""
    """An interview's length as minutes:seconds (`12:30`) or minutes (`12`); empty: not given."""

    @property
    def seconds(self) -> int | None:
        """The length given, in seconds."""
        if not self.duration:
            return None
        minutes, _sep, seconds = self.duration.partition(":")
        return int(minutes) * 60 + int(seconds or 0)
