"""What organisers send to invite people, and what an invited person sends to accept."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from fair.core.accounts.invitations.rules import MAX_PEOPLE
from fair.core.accounts.roles import Role
from fair.core.fields import Country, Email, Line, Secret
from fair.core.inputs import Input


class Invitee(Input):
    email: Email
    display_name: Annotated[Line, Field(max_length=80)] = ""


class Invitations(Input):
    """One or several people invited with one role."""

    invitees: Annotated[list[Invitee], Field(min_length=1, max_length=MAX_PEOPLE)]
    role: Role


class Acceptance(Input):
    """The invited person's own details, sent with the link's token."""

    token: Annotated[Line, Field(min_length=1, max_length=1000)]
    display_name: Annotated[Line, Field(min_length=2, max_length=80)]
    country: Country
    organisation: Annotated[Line, Field(max_length=120)] = ""
    password: Annotated[Secret, Field(min_length=10, max_length=200)]
