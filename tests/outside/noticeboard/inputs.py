"""What people send to the notice board."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from fair.core.fields import Line
from fair.core.inputs import Input


class Pinning(Input):
    text: Annotated[Line, Field(min_length=1, max_length=200)]
