"""What people type into their own account pages: profile, password, deletion."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from fair.core.fields import Country, Line, OptionalZone, Secret
from fair.core.i18n import N_, available_languages
from fair.core.i18n import gettext as _
from fair.core.inputs import Input

NewSecret = Annotated[Secret, Field(min_length=10, max_length=200)]
"""A new password: the rule of registration and of the reset form (`NewPassword`), at least
10 characters and at most 200."""


def _optional_language(value: str) -> str:
    if value and value not in available_languages():
        raise ValueError(_("Choose a language from the list."))
    return value


class ProfileChange(Input):
    """One's profile: the name others see, organisation, country, language and time zone
    (empty: the fair's language or zone)."""

    labels: ClassVar[Mapping[str, str]] = {
        "display_name": N_("Your name"),
        "organisation": N_("Organisation"),
        "country": N_("Country"),
        "language": N_("Language"),
        "time_zone": N_("Time zone"),
    }

    display_name: Annotated[Line, Field(min_length=2, max_length=80)]
    organisation: Annotated[Line, Field(max_length=120)] = ""
    country: Country
    language: Annotated[Line, Field(max_length=16), AfterValidator(_optional_language)] = ""
    time_zone: OptionalZone = ""


class PasswordChange(Input):
    """The current password, and the new one typed twice."""

    labels: ClassVar[Mapping[str, str]] = {
        "current": N_("Current password"),
        "password": N_("New password"),
        "again": N_("New password, again"),
    }

    current: Annotated[Secret, Field(min_length=1, max_length=200)]
    password: NewSecret
    again: Annotated[Secret, Field(max_length=200)]


class AccountDeletion(Input):
    """Deleting one's account: confirmed with the password."""

    labels: ClassVar[Mapping[str, str]] = {
        "password": N_("Password"),
    }

    password: Annotated[Secret, Field(min_length=1, max_length=200)]
