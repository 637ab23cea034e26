"""The notice board's channel: the name is the audience."""

from __future__ import annotations

BOARD = "noticeboard"
"""Everyone: notices pinned and taken down."""
