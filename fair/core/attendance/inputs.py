"""What an organiser narrows the attendance dashboard to."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field

from fair.core.fields import Line
from fair.core.i18n import N_
from fair.core.inputs import Input


class ReportFilter(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "day": N_("Day"),
        "theme": N_("Theme"),
    }

    day: date | None = None
    """Only this day of the fair (its time zone)."""
    theme: Annotated[Line, Field(pattern=r"^[a-z0-9-]{1,40}$")] | None = None
    """Only this theme's booths (a theme's slug); tables without themes stay whole."""


class TableName(Input):
    labels: ClassVar[Mapping[str, str]] = {
        "table": N_("Table"),
    }

    table: Annotated[Line, Field(pattern=r"^[a-z0-9-]{1,40}$")]
