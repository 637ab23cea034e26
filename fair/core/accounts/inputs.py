"""What people type into the account forms."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from fair.core.accounts.countries import is_country
from fair.core.accounts.roles import Role
from fair.core.i18n import gettext as _
from fair.core.inputs import Input
from fair.core.text import clean_line

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


def _email(value: str) -> str:
    value = value.strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise ValueError(_("Enter an e-mail address like name@example.org."))
    return value


def _country(value: str) -> str:
    value = value.strip().upper()
    if not is_country(value):
        raise ValueError(_("Choose a country from the list."))
    return value


Email = Annotated[str, AfterValidator(_email)]
Line = Annotated[str, AfterValidator(clean_line)]


class Registration(Input):
    display_name: Annotated[Line, Field(min_length=2, max_length=80)]
    email: Email
    password: str = Field(min_length=10, max_length=200)
    country: Annotated[str, AfterValidator(_country)]
    organisation: Annotated[Line, Field(max_length=120)] = ""


class Credentials(Input):
    email: Email
    password: str = Field(min_length=1, max_length=200)


class RoleChange(Input):
    role: Role
