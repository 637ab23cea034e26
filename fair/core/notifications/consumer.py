"""The notifications consumer: reads the committed events the features' notifiers name and
stores the notices they make, exactly once per event (fair/core/consumers.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from fair.core.contract import Consumer, Delivery, NoticeKind, Notifier, Services
from fair.core.db import Tx
from fair.core.notifications import actions
from fair.core.notifications.digest import Writing

NAME = "notifications"


def notifications_consumer(
    notifiers: Sequence[Notifier], kinds: Mapping[str, NoticeKind]
) -> Consumer | None:
    """The one consumer for every feature's notifiers; None when no feature has any. It reads
    from the start of the log, so a new fair's demo (loaded before any worker runs) notifies
    too; notices keep the time of their event. A notice of a kind no feature declared is a
    bug: the delivery fails (and the consumer stops after its retries) rather than store it."""
    if not notifiers:
        return None
    by_type: dict[str, list[Notifier]] = defaultdict(list)
    for notifier in notifiers:
        by_type[notifier.event_type].append(notifier)
    places = tuple(sorted({f"{notifier.place}:" for notifier in notifiers}))

    async def handle(tx: Tx, services: Services, delivery: Delivery) -> None:
        matching = [n for n in by_type.get(delivery.type, ()) if n.reads(delivery.channel)]
        notices = [notice for n in matching for notice in await n.notices(tx.session, delivery)]
        undeclared = sorted({notice.kind for notice in notices} - set(kinds))
        if undeclared:
            raise RuntimeError(f"notices of undeclared kinds: {', '.join(undeclared)}")
        if notices:
            await actions.notify(tx, delivery, notices, writing=Writing.of(services))

    return Consumer(NAME, handle, places, from_start=True)
