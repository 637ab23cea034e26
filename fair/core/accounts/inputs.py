"""What people type into the account forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from fair.core.accounts.roles import Role
from fair.core.fields import Country, Email, Line, Secret
from fair.core.i18n import N_, available_languages
from fair.core.i18n import gettext as _
from fair.core.inputs import Input


class Registration(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "display_name": N_("Your name"),
        "email": N_("E-mail"),
        "password": N_("Password"),
        "country": N_("Country"),
        "organisation": N_("Organisation"),
    }

    display_name: Annotated[Line, Field(min_length=2, max_length=80)]
    email: Email
    password: Annotated[Secret, Field(min_length=10, max_length=200)]
    country: Country
    organisation: Annotated[Line, Field(max_length=120)] = ""


class Credentials(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "email": N_("E-mail"),
        "password": N_("Password"),
    }

    email: Email
    password: Annotated[Secret, Field(min_length=1, max_length=200)]


class RoleChange(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "role": N_("Role"),
    }

    role: Role


class ResetRequest(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "email": N_("E-mail"),
    }

    email: Email


class NewPassword(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "token": N_("Link"),
        "password": N_("New password"),
    }

    token: Annotated[Line, Field(min_length=1, max_length=1000)]
    password: Annotated[Secret, Field(min_length=10, max_length=200)]


def _language(value: str) -> str:
    if value not in available_languages():
        raise ValueError(_("Choose a language from the list."))
    return value


class LanguageChoice(Input):
    """The language switcher: a language we have, and the page to go back to."""

    labels: ClassVar[Mapping[str, str]] = {
        "language": N_("Language"),
        "next": N_("Page"),
    }

    language: Annotated[Line, AfterValidator(_language)]
    next: Annotated[Line, Field(max_length=2000)] = "/"


class PeopleFilter(Input):
    """The people list's search box and role filter (also its CSV export's)."""

    labels: ClassVar[Mapping[str, str]] = {
        "q": N_("Search"),
        "role": N_("Role"),
    }

    q: Annotated[Line, Field(max_length=100)] = ""
    role: Role | None = None


class PeopleSearch(Input):
    """What the people picker types: part of a name, e-mail, organisation or country."""

    labels: ClassVar[Mapping[str, str]] = {
        "q": N_("Search"),
    }

    q: Annotated[Line, Field(max_length=100)] = ""
