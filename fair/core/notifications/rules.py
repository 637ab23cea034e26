"""Notification rules: who is told of what (no one of their own doing), and page sizes."""

from __future__ import annotations

from collections.abc import Iterable

from fair.core.accounts.channels import channel_user
from fair.core.contract import Delivery, Notice

PER_PAGE = 20
MAX_MARKED = 200
"""How many notifications one "mark read" may name."""
LINK_LENGTH = 300


def deliverable(notices: Iterable[Notice]) -> list[Notice]:
    """The notices worth storing: none for one's own action, one per person and kind, and
    only links within this fair."""
    kept: list[Notice] = []
    seen: set[tuple[int, str]] = set()
    for notice in notices:
        if notice.actor_id is not None and notice.actor_id == notice.user_id:
            continue
        if (notice.user_id, notice.kind) in seen:
            continue
        if not notice.link.startswith("/") or notice.link[1:2] in {"/", "\\"}:
            continue
        if len(notice.link) > LINK_LENGTH:
            continue
        seen.add((notice.user_id, notice.kind))
        kept.append(notice)
    return kept


def moderation_notices(
    delivery: Delivery, *, kind: str, hidden: str, restored: str
) -> list[Notice]:
    """The author's notice of a "your content was hidden (or restored), and why" event on
    their `user:<id>` (`hidden`, `reason`, `link` in its data): `hidden` or `restored` is the
    message, with the reason."""
    author = channel_user(delivery.channel)
    if author is None:
        return []
    return [
        Notice(
            user_id=author,
            kind=kind,
            message=hidden if delivery.data["hidden"] else restored,
            params={"reason": delivery.data["reason"]},
            link=delivery.data["link"],
            actor_id=delivery.actor_id,
        )
    ]
