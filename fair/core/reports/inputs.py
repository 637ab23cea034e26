"""What participants and moderators send to the review queue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar

from pydantic import Field

from fair.core.fields import Id, Line, Text
from fair.core.i18n import N_
from fair.core.inputs import Input
from fair.core.reports.rules import MAX_BULK, Handling, Reason

HandlingReason = Annotated[Line, Field(min_length=2, max_length=300)]
"""Why a moderator hid or restored content: the author is told. The features' own hide and
restore inputs use it too, so every path asks for the same reason."""


class ReportInput(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "kind": N_("Kind of content"),
        "note": N_("Note"),
    }

    kind: Annotated[Line, Field(min_length=1, max_length=40)]
    """The kind of content (`discussions.post`, `hall.chat`, `qa.question`)."""
    content_id: Id
    reason: Reason
    note: Annotated[Text, Field(max_length=500)] = ""
    """Optional: what the moderators should know."""


class HandlingInput(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "item_ids": N_("Reports"),
        "action": N_("Action"),
    }

    item_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_BULK)]
    """One item, or several at once (bulk)."""
    action: Handling
    reason: Annotated[Line, Field(max_length=300)] = ""
    """Why: required to hide or restore, shown to the author where the feature tells them."""
