"""What an organiser narrows the attendance dashboard to."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fair.core.inputs import Input


class ReportFilter(Input):
    day: date | None = None
    """Only this day of the fair (its time zone)."""


class TableName(Input):
    table: Literal["days", "countries", "regions"]
