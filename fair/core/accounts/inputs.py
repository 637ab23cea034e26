"""What people type into the account forms."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from fair.core.accounts.roles import Role
from fair.core.fields import Country, Email, Line, Secret
from fair.core.i18n import available_languages
from fair.core.i18n import gettext as _
from fair.core.inputs import Input


class Registration(Input):
    display_name: Annotated[Line, Field(min_length=2, max_length=80)]
    email: Email
    password: Annotated[Secret, Field(min_length=10, max_length=200)]
    country: Country
    organisation: Annotated[Line, Field(max_length=120)] = ""


class Credentials(Input):
    email: Email
    password: Annotated[Secret, Field(min_length=1, max_length=200)]


class RoleChange(Input):
    role: Role


class ResetRequest(Input):
    email: Email


class NewPassword(Input):
    token: Annotated[Line, Field(min_length=1, max_length=1000)]
    password: Annotated[Secret, Field(min_length=10, max_length=200)]


def _language(value: str) -> str:
    if value not in available_languages():
        raise ValueError(_("Choose a language from the list."))
    return value


class LanguageChoice(Input):
    """The language switcher: a language we have, and the page to go back to."""

    language: Annotated[Line, AfterValidator(_language)]
    next: Annotated[Line, Field(max_length=2000)] = "/"


class PeopleFilter(Input):
    """The people list's search box and role filter (also its CSV export's)."""

    q: Annotated[Line, Field(max_length=100)] = ""
    role: Role | None = None


class PeopleSearch(Input):
    """What the people picker types: part of a name, e-mail, organisation or country."""

    q: Annotated[Line, Field(max_length=100)] = ""
