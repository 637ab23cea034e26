"""What people send about their notifications."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar

from pydantic import Field

from fair.core.fields import Id, Line, OptionalZone
from fair.core.i18n import N_
from fair.core.inputs import Input
from fair.core.notifications.rules import MAX_MARKED
from fair.core.notifications.settings import Digest


class MarkReadInput(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "ids": N_("Notifications"),
        "all": N_("All"),
    }

    ids: Annotated[list[Id], Field(default_factory=list, max_length=MAX_MARKED)]
    """The notifications read; empty with `all` to mark every one read."""
    all: bool = False


class ChoicesInput(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "digest": N_("Digest"),
        "digest_hour": N_("Hour of the digest"),
        "in_app": N_("In the app"),
        "email_now": N_("By e-mail at once"),
        "time_zone": N_("Time zone"),
    }

    digest: Digest
    digest_hour: Annotated[int, Field(strict=False, ge=0, le=23)]
    """The local hour the digest comes at."""
    in_app: Annotated[list[Line], Field(default_factory=list, max_length=100)]
    """The kinds of notice shown in the app (the others are not)."""
    email_now: Annotated[list[Line], Field(default_factory=list, max_length=100)]
    """The urgent kinds also sent by e-mail at once."""
    time_zone: OptionalZone = ""
    """One's IANA time zone (`Africa/Dakar`), for the digest's hour and times; empty: the
    fair's."""
