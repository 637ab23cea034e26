"""The moderator tools' pure rules: slow mode, mutes and their ends, who may reply when a round
is closed or a thread locked, where posts may move, who posts for an offline group."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from discussions import rules
from discussions.rules import MuteSpan, RoundState, SlowMode

R = RoundState
NOON = datetime(2026, 12, 2, 12, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def test_without_slow_mode_or_an_earlier_post_one_may_post_at_once() -> None:
    """Slow mode off, or a first post: no wait."""
    assert rules.post_wait(NOON, NOON, 0) == 0
    assert rules.post_wait(None, NOON, 300) == 0
    assert rules.may_post_after(None, NOON, 300)


@pytest.mark.parametrize(
    ("since_last", "wait"),
    [
        (timedelta(0), 60),
        (SECOND, 59),
        (timedelta(milliseconds=59_001), 1),
        (timedelta(seconds=60), 0),
        (timedelta(hours=2), 0),
    ],
)
def test_slow_mode_makes_one_wait_the_rest_of_the_interval(
    since_last: timedelta, wait: int
) -> None:
    """With a minute's slow mode the wait is what is left of the minute, rounded up, and the
    minute's end itself is free again."""
    assert rules.post_wait(NOON - since_last, NOON, 60) == wait
    assert rules.may_post_after(NOON - since_last, NOON, 60) == (wait == 0)


def test_every_slow_mode_has_its_interval_and_off_is_none() -> None:
    """The fixed set of slow modes each name their seconds; off is zero."""
    assert set(rules.SLOW_MODE_SECONDS) == set(SlowMode)
    assert rules.SLOW_MODE_SECONDS[SlowMode.OFF] == 0
    assert sorted(rules.SLOW_MODE_SECONDS.values()) == [0, 30, 60, 300, 900, 3600]


def test_slow_mode_paces_participants_not_moderators() -> None:
    """The discussion's moderators may answer at once."""
    assert rules.paced(False) and not rules.paced(True)


@pytest.mark.parametrize(
    ("span", "length"),
    [
        (MuteSpan.HOUR, timedelta(hours=1)),
        (MuteSpan.DAY, timedelta(days=1)),
        (MuteSpan.WEEK, timedelta(days=7)),
    ],
)
def test_a_mute_for_a_time_ends_then_and_not_a_moment_before(
    span: MuteSpan, length: timedelta
) -> None:
    """Muted until the end (excluded): a second before it still muted, at it free."""
    until = rules.mute_ends(span, NOON)
    assert until == NOON + length
    assert rules.is_muted(True, until, NOON)
    assert rules.is_muted(True, until, NOON + length - SECOND)
    assert not rules.is_muted(True, until, NOON + length)
    assert not rules.is_muted(True, until, NOON + length + SECOND)


def test_a_mute_until_the_discussion_ends_lasts_until_it_is_lifted() -> None:
    """No end time: muted whatever the time, until a moderator unmutes."""
    assert rules.mute_ends(MuteSpan.DISCUSSION, NOON) is None
    assert rules.is_muted(True, None, NOON + timedelta(days=3650))
    assert not rules.is_muted(False, None, NOON)


def test_a_lifted_mute_no_longer_holds_even_before_its_end() -> None:
    """Unmuted early: not muted, whatever end it had."""
    assert not rules.is_muted(False, NOON + timedelta(hours=1), NOON)


@pytest.mark.parametrize(
    ("state", "locked", "moderator"), list(itertools.product(R, [False, True], [False, True]))
)
def test_who_may_reply_when_a_round_is_closed_or_a_thread_locked(
    state: R, locked: bool, moderator: bool
) -> None:
    """Only in an open round; in a locked thread only its moderators; in a closed round no one."""
    expected = state is R.OPEN and (moderator or not locked)
    assert rules.may_reply(state, locked, moderator) == expected


@pytest.mark.parametrize(("source", "target"), list(itertools.product(R, R)))
def test_posts_move_only_between_open_and_closed_rounds(source: R, target: R) -> None:
    """Never into a planned round nor into or out of a synthesised one."""
    movable = {R.OPEN, R.CLOSED}
    assert rules.may_move_post(source, target) == (source in movable and target in movable)


def test_only_focal_points_post_for_an_offline_group() -> None:
    """The group fields are for focal points alone."""
    assert rules.may_post_for_group(True) and not rules.may_post_for_group(False)
    assert (rules.GROUP_SIZE_MIN, rules.GROUP_SIZE_MAX) == (1, 10_000)
