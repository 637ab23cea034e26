"""The rules of reports, without a database: which handling applies to which state, and what
one more report does to an item."""

from __future__ import annotations

import pytest

from fair.core.reports.rules import (
    Handling,
    ItemState,
    Reason,
    may_handle,
    reason_label,
    state_on_report,
)


def test_a_first_report_opens_an_item() -> None:
    """Content nobody handled yet gets an open item."""
    assert state_on_report(None, content_hidden=False) is ItemState.OPEN


def test_a_report_on_hidden_content_joins_the_handled_item() -> None:
    """Reported when already hidden (here or by its feature), the item stays handled."""
    assert state_on_report(None, content_hidden=True) is ItemState.HIDDEN
    assert state_on_report(ItemState.HIDDEN, content_hidden=False) is ItemState.HIDDEN


@pytest.mark.parametrize("state", [ItemState.DISMISSED, ItemState.RESTORED])
def test_a_new_report_on_kept_content_opens_it_again(state: ItemState) -> None:
    """Someone else objecting to content a moderator kept brings it back to the queue."""
    assert state_on_report(state, content_hidden=False) is ItemState.OPEN


def test_only_open_items_are_dismissed_and_only_hidden_ones_restored() -> None:
    """Dismissing needs an open item, restoring a hidden one; hiding anything not hidden."""
    assert may_handle(Handling.DISMISS, ItemState.OPEN)
    assert not may_handle(Handling.DISMISS, ItemState.HIDDEN)
    assert may_handle(Handling.RESTORE, ItemState.HIDDEN)
    assert not may_handle(Handling.RESTORE, ItemState.OPEN)
    assert not may_handle(Handling.HIDE, ItemState.HIDDEN)


def test_every_reason_has_a_label() -> None:
    """The report form offers each reason with words, not its code."""
    assert all(reason_label(reason) != reason.value for reason in Reason)
