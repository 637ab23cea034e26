"""What people send about their notifications."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from fair.core.fields import Id
from fair.core.inputs import Input
from fair.core.notifications.rules import MAX_MARKED


class MarkReadInput(Input):
    ids: Annotated[list[Id], Field(default_factory=list, max_length=MAX_MARKED)]
    """The notifications read; empty with `all` to mark every one read."""
    all: bool = False
