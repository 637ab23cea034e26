"""What organisers type into the fair's set-up form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field, model_validator

from fair.core.fields import CountryList, Id, Line, Text, Zone
from fair.core.i18n import N_
from fair.core.i18n import gettext as _
from fair.core.inputs import Input


def _theme_slug(value: str) -> str:
    value = value.strip().lower()
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        raise ValueError(_("Use lower-case letters, digits and dashes only."))
    return value


class FairDetails(Input):
    checked_on = "ends_on"
    labels: ClassVar[Mapping[str, str]] = {
        "name": N_("Name"),
        "tagline": N_("Tagline"),
        "starts_on": N_("First day"),
        "ends_on": N_("Last day"),
        "timezone": N_("Time zone"),
        "description": N_("Description"),
    }

    name: Annotated[Line, Field(min_length=3, max_length=120)]
    tagline: Annotated[Line, Field(max_length=200)] = ""
    starts_on: date
    ends_on: date
    timezone: Zone
    description: Annotated[Text, Field(max_length=20_000)] = ""

    @model_validator(mode="after")
    def _ordered(self) -> FairDetails:
        if self.ends_on < self.starts_on:
            raise ValueError(_("The fair must end on or after its first day."))
        return self


class ThemeInput(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "slug": N_("Short name"),
        "name": N_("Name"),
        "description": N_("Description"),
    }

    slug: Annotated[Line, AfterValidator(_theme_slug), Field(max_length=40)]
    name: Annotated[Line, Field(min_length=2, max_length=80)]
    description: Annotated[Text, Field(max_length=2000)] = ""


class Themes(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "themes": N_("Themes"),
    }

    themes: Annotated[list[ThemeInput], Field(max_length=20)]


class Countries(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "countries": N_("Countries"),
    }

    countries: Annotated[CountryList, Field(max_length=250)]


class AuditFilter(Input):
    """What an organiser narrows the audit log to; every field may be left empty."""

    labels: ClassVar[Mapping[str, str]] = {
        "action": N_("Action"),
        "actor": N_("Actor"),
        "from_day": N_("From"),
        "to_day": N_("To"),
    }

    action: Annotated[Line, Field(max_length=100)] = ""
    """The start of the action's name: `qa.` or `qa.question.decided`."""
    actor: Annotated[Line, Field(max_length=200)] = ""
    """An account's e-mail or number, or `system` for the platform."""
    from_day: date | None = None
    """From this day on (UTC), inclusive."""
    to_day: date | None = None
    """Up to this day (UTC), inclusive."""
    before_id: Id | None = None
    """Only rows older than this one: the next page."""
