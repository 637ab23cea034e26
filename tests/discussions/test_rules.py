"""The discussions' pure rules: round states, deadlines, who may post and who may moderate."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from discussions import rules
from discussions.rules import RoundState
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import Viewer, anonymous

R = RoundState
MOVES = {(R.PLANNED, R.OPEN), (R.OPEN, R.CLOSED), (R.CLOSED, R.OPEN), (R.CLOSED, R.SYNTHESISED)}
NOON = datetime(2026, 12, 2, 12, tzinfo=UTC)


def as_role(role: Role | None) -> Viewer:
    """A viewer with the fair-wide `role`; None is someone who has not logged in."""
    if role is None:
        return anonymous("a-browser")
    return Viewer(user_id=7, role=role, display_name="Someone", login_id="l7", visitor="v7")


@pytest.mark.parametrize(("current", "target"), list(itertools.product(R, R)))
def test_a_round_moves_only_along_its_transitions(current: R, target: R) -> None:
    """Planned -> open -> closed -> synthesised, and a closed round may be re-opened; no other."""
    assert rules.may_move_round(current, target) == ((current, target) in MOVES)


def test_a_synthesised_round_is_final() -> None:
    """Once its synthesis is published a round never moves again."""
    assert rules.ROUND_TRANSITIONS[R.SYNTHESISED] == frozenset()


@pytest.mark.parametrize("state", list(R))
def test_only_an_open_round_takes_posts(state: R) -> None:
    """Posts, replies and stances are taken while the round is open, never before or after."""
    assert rules.accepts_contributions(state) == (state is R.OPEN)


@pytest.mark.parametrize("state", list(R))
def test_a_deadline_moves_later_while_the_round_is_planned_or_open(state: R) -> None:
    """A moderator may extend a planned or open round; a closed one is re-opened instead."""
    later = NOON + timedelta(days=1)
    assert rules.may_extend(state, NOON, later) == (state in {R.PLANNED, R.OPEN})


def test_a_deadline_never_moves_earlier() -> None:
    """Extending to the same time or an earlier one is refused."""
    assert not rules.may_extend(R.OPEN, NOON, NOON)
    assert not rules.may_extend(R.OPEN, NOON, NOON - timedelta(minutes=1))


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: getattr(r, "value", "anonymous"))
def test_every_logged_in_role_may_post_but_not_a_visitor(role: Role | None) -> None:
    """Posting needs a login whose role takes part: every role does, an anonymous visitor not."""
    assert rules.may_post(as_role(role)) == (role is not None)


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: getattr(r, "value", "anonymous"))
def test_organisers_and_the_discussions_moderators_moderate(role: Role | None) -> None:
    """The discussion's moderators (whatever their role) and organisers moderate; nobody else,
    not even a fair-wide moderator who is not on the discussion's team."""
    viewer = as_role(role)
    assert rules.may_moderate(viewer, is_moderator=False) == (role is Role.ORGANISER)
    assert rules.may_moderate(viewer, is_moderator=True)


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([], None),
        ([R.CLOSED, R.OPEN, R.PLANNED], 1),
        ([R.SYNTHESISED, R.CLOSED, R.PLANNED, R.PLANNED], 2),
        ([R.SYNTHESISED, R.CLOSED], 1),
        ([R.OPEN, R.OPEN], 0),
    ],
)
def test_the_current_round_is_the_open_one_else_the_next_planned_else_the_last(
    states: list[R], expected: int | None
) -> None:
    """A discussion page leads with the open round, else the next planned one, else the last."""
    assert rules.current_round(states) == expected


def test_a_post_names_booths_and_panels_by_tag_or_by_a_link_of_this_fair() -> None:
    """`#booth-<address>`, `#panel-<id>` and links to this fair's booth and panel pages are
    references, first named first and each once; other sites, tags inside words or
    addresses and ids too large for any row are not."""
    body = (
        "See #booth-village-savings, then https://fair.example/panels/remit-now and #panel-12. "
        "Also #BOOTH-Village-Savings, a#booth-x, /x#panel-3, https://other.example/booths/y, "
        "#panel-012, #panel-99999999999 and https://fair.example/booths/village-savings."
    )
    assert rules.mentions_in(body, frozenset({"https://fair.example"})) == [
        rules.Mention(rules.ReferenceKind.BOOTH, slug="village-savings"),
        rules.Mention(rules.ReferenceKind.PANEL, slug="remit-now"),
        rules.Mention(rules.ReferenceKind.PANEL, id=12),
    ]


def test_a_post_links_at_most_ten_booths_and_panels() -> None:
    """Only the first MAX_REFERENCES names of a long list become references."""
    body = " ".join(f"#panel-{n}" for n in range(1, 30))
    found = rules.mentions_in(body, frozenset())
    assert [m.id for m in found] == list(range(1, rules.MAX_REFERENCES + 1))


def test_an_excerpt_is_one_line_cut_at_a_word_with_an_ellipsis() -> None:
    """Short text is kept whole on one line; long text is cut before the limit at a word."""
    assert rules.excerpt("Trust\n\n takes  time") == "Trust takes time"
    cut = rules.excerpt("word " * 100, 50)
    assert len(cut) <= 50 and cut.endswith("word…")


def test_nobody_reacts_to_their_own_post() -> None:
    """Reactions and stances are for other people's posts."""
    assert rules.may_react(author_id=1, reactor_id=2)
    assert not rules.may_react(author_id=1, reactor_id=1)
