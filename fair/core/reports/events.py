"""What happens to reports. Queue events go to the moderation channel of the content's place
(`<place>:<id>:moderation`, granted by the feature to those who may handle it); a reporter
hears of their own report on `user:<id>`. No event names who reported."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from fair.core.accounts.channels import user_channel
from fair.core.audiences import Reach
from fair.core.events import Event, RoutingId, View


def queue_channel(place: str, place_id: int) -> str:
    """The moderators of one place: `discussion:4:moderation`, `booth:7:moderation`."""
    return f"{place}:{place_id}:moderation"


class ReportItemView(View):
    """A queue item as its moderators see it: the content's excerpt and author, how many
    reported it and why; never who reported. For the moderators of its place only."""

    reach: ClassVar[Reach] = Reach.MODERATION

    id: int
    kind: str
    content_id: int
    place: str
    place_id: int
    state: str
    reports: int
    reasons: list[str]
    excerpt: str
    author_name: str
    link: str
    updated_at: datetime


class ReportItemReported(Event):
    """Someone reported content: its queue item, new or with this report merged in. Seen by
    the moderators of the content's place on `<place>:<id>:moderation`."""

    type = "reports.item.reported"
    item: ReportItemView

    def audience(self) -> tuple[str, ...]:
        return (queue_channel(self.item.place, self.item.place_id),)


class ReportItemHandled(Event):
    """A moderator hid, dismissed or restored a queue item's content: it leaves (or comes
    back to) the open queue. Seen by the moderators of its place on `<place>:<id>:moderation`."""

    type = "reports.item.handled"
    item: ReportItemView

    def audience(self) -> tuple[str, ...]:
        return (queue_channel(self.item.place, self.item.place_id),)


class YourReportReceived(Event):
    """The fair took one's report. Seen only by the reporter, on `user:<id>`."""

    type = "reports.your_report.received"
    reach: ClassVar[Reach] = Reach.PERSON
    reporter_id: RoutingId
    kind: str
    content_id: int

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.reporter_id),)


class YourReportHandled(Event):
    """A moderator handled content one reported (hidden, dismissed or restored). Seen only by
    the reporter, on `user:<id>`."""

    type = "reports.your_report.handled"
    reach: ClassVar[Reach] = Reach.PERSON
    reporter_id: RoutingId
    kind: str
    content_id: int
    outcome: str
    link: str

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.reporter_id),)
