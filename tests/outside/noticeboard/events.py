"""What happens on the notice board."""

from __future__ import annotations

from datetime import datetime

from fair.core.events import Event, View
from noticeboard.channels import BOARD


class NoticeView(View):
    """A notice as everyone sees it."""

    id: int
    text: str
    pinned_at: datetime


class NoticePinned(Event):
    """Someone pinned a notice. Seen by everyone on `noticeboard`."""

    type = "noticeboard.notice.pinned"
    notice: NoticeView

    def audience(self) -> tuple[str, ...]:
        return (BOARD,)


class NoticesSwept(Event):
    """Old notices were taken down by the sweeping job. Seen by everyone on `noticeboard`."""

    type = "noticeboard.notices.swept"
    notice_ids: list[int]

    def audience(self) -> tuple[str, ...]:
        return (BOARD,)
