"""The rules of reports: the reasons, the states of a queue item and how they move. Pure."""

from __future__ import annotations

from enum import StrEnum

from fair.core.i18n import N_
from fair.core.i18n import gettext as _


class Reason(StrEnum):
    SPAM = "spam"
    ABUSIVE = "abusive"
    OFF_TOPIC = "off_topic"
    PERSONAL_DATA = "personal_data"
    OTHER = "other"


REASON_LABELS: dict[str, str] = {
    Reason.SPAM: N_("Spam or advertising"),
    Reason.ABUSIVE: N_("Abusive or hateful"),
    Reason.OFF_TOPIC: N_("Off-topic"),
    Reason.PERSONAL_DATA: N_("Shares personal data"),
    Reason.OTHER: N_("Something else"),
}


def reason_label(reason: Reason) -> str:
    """The reason in the viewer's language."""
    return _(REASON_LABELS[reason])


class ItemState(StrEnum):
    OPEN = "open"
    """Reported, waiting for a moderator."""
    HIDDEN = "hidden"
    """Handled: the content is hidden."""
    DISMISSED = "dismissed"
    """Handled: the content stays."""
    RESTORED = "restored"
    """Handled: the content was hidden, then shown again."""


class Handling(StrEnum):
    HIDE = "hide"
    DISMISS = "dismiss"
    RESTORE = "restore"


HANDLINGS: dict[Handling, tuple[frozenset[ItemState], ItemState]] = {
    Handling.HIDE: (
        frozenset({ItemState.OPEN, ItemState.DISMISSED, ItemState.RESTORED}),
        ItemState.HIDDEN,
    ),
    Handling.DISMISS: (frozenset({ItemState.OPEN}), ItemState.DISMISSED),
    Handling.RESTORE: (frozenset({ItemState.HIDDEN}), ItemState.RESTORED),
}
"""Which states each handling applies to, and the state it leaves."""

MAX_REPORTS_PER_HOUR = 20
MAX_BULK = 50
MAX_QUEUE = 200
"""The queue page shows at most this many items (the newest)."""


def may_handle(handling: Handling, state: ItemState) -> bool:
    return state in HANDLINGS[handling][0]


def after(handling: Handling) -> ItemState:
    return HANDLINGS[handling][1]


def state_on_report(state: ItemState | None, content_hidden: bool) -> ItemState:
    """The item's state after one more report: a new item is open unless its content is
    already hidden (then it joins that handled state); a hidden item stays hidden (merged, not
    reopened); a dismissed or restored one is open again, since someone else objects now."""
    if content_hidden or state is ItemState.HIDDEN:
        return ItemState.HIDDEN
    return ItemState.OPEN


def is_open(state: ItemState) -> bool:
    return state is ItemState.OPEN
