"""What happens to one's notifications: only the person hears of it, on `user:<id>`. The event
carries the unread count, never the notice's text: that is translated when a page shows it."""

from __future__ import annotations

from typing import ClassVar

from fair.core.accounts.channels import user_channel
from fair.core.audiences import Reach
from fair.core.events import Event, RoutingId


class NotificationsChanged(Event):
    """One has a new notification (`new` > 0) or has read some: the bell's unread count as it
    is now. Seen only by that person, on `user:<id>`, on every page and every worker."""

    type = "notifications.changed"
    reach: ClassVar[Reach] = Reach.PERSON
    user_id: RoutingId
    unread: int
    new: int = 0
    """How many notifications this change brought (0 when some were read)."""

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.user_id),)
