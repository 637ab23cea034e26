"""The `[noticeboard]` settings section (env: FAIR_NOTICEBOARD_<KEY>)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class NoticeboardSettings:
    SECTION: ClassVar[str] = "noticeboard"

    max_notices: int = 10
    """Notices on the board at once; pinning one more is refused."""
    keep_seconds: float = 3600.0
    """A notice older than this is taken down by the sweeping job."""
