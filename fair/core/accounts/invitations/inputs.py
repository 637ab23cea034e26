"""What organisers send to invite people, and what an invited person sends to accept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar

from pydantic import Field

from fair.core.accounts.invitations.rules import MAX_PEOPLE
from fair.core.accounts.roles import Role
from fair.core.fields import Country, Email, Line, Secret
from fair.core.i18n import N_
from fair.core.inputs import Input


class Invitee(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "display_name": N_("Name"),
    }

    email: Email
    display_name: Annotated[Line, Field(max_length=80)] = ""


class Invitations(Input):
    """One or several people invited with one role."""

    labels: ClassVar[Mapping[str, str]] = {
        "invitees": N_("People invited"),
        "role": N_("Role"),
    }

    invitees: Annotated[list[Invitee], Field(min_length=1, max_length=MAX_PEOPLE)]
    role: Role


class Acceptance(Input):
    """The invited person's own details, sent with the link's token."""

    labels: ClassVar[Mapping[str, str]] = {
        "token": N_("Link"),
        "display_name": N_("Your name"),
        "country": N_("Country"),
        "organisation": N_("Organisation"),
        "password": N_("Password"),
    }

    token: Annotated[Line, Field(min_length=1, max_length=1000)]
    display_name: Annotated[Line, Field(min_length=2, max_length=80)]
    country: Country
    organisation: Annotated[Line, Field(max_length=120)] = ""
    password: Annotated[Secret, Field(min_length=10, max_length=200)]
