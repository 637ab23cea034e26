"""Notification rules without a database: who is told, which channels a notifier reads."""

from __future__ import annotations

from fair.core.accounts.channels import channel_user
from fair.core.contract import Delivery, Notice, Notifier
from fair.core.notifications.queries import text_of
from fair.core.notifications.rules import deliverable


async def _none(_session: object, _delivery: Delivery) -> list[Notice]:
    return []


def notice(user_id: int, kind: str = "qa.question_answered", **changes: object) -> Notice:
    values: dict[str, object] = {"message": "Answered", "link": "/panels/p", **changes}
    return Notice(user_id=user_id, kind=kind, **values)  # type: ignore[arg-type]


def test_nobody_is_told_of_their_own_action() -> None:
    """A notice whose actor is its reader is dropped; the platform's (no actor) is kept."""
    kept = deliverable([notice(1, actor_id=1), notice(2, actor_id=1), notice(3)])
    assert [n.user_id for n in kept] == [2, 3]


def test_one_notice_per_person_and_kind_from_one_event() -> None:
    """Two notifiers telling one person the same kind of thing make one notice."""
    kept = deliverable([notice(1), notice(1), notice(1, kind="discussions.reply")])
    assert [(n.user_id, n.kind) for n in kept] == [
        (1, "qa.question_answered"),
        (1, "discussions.reply"),
    ]


def test_links_leave_the_fair_never() -> None:
    """A link to another site (or one a browser reads as such) is no notice."""
    links = ["https://elsewhere.example/", "//elsewhere.example/", "/\\elsewhere", "/ok"]
    kept = deliverable([notice(n, link=link) for n, link in enumerate(links, 1)])
    assert [n.link for n in kept] == ["/ok"]


def test_a_notifier_reads_its_place_and_suffix_only() -> None:
    """`booth:<id>:team` is not `booth:<id>`, and `user:<id>` is not `users:<id>`."""
    team = Notifier("hall.card.left", "booth", _none, suffix="team")
    user = Notifier("qa.your_question.changed", "user", _none)
    assert team.reads("booth:4:team")
    assert not team.reads("booth:4") and not team.reads("booth:4:moderation")
    assert user.reads("user:9")
    assert not user.reads("users:9") and not user.reads("user:9:extra")


def test_the_person_of_a_user_channel() -> None:
    assert channel_user("user:12") == 12
    assert channel_user("user:") is None
    assert channel_user("user:1x") is None
    assert channel_user("qa:12") is None


def test_a_broken_translation_shows_the_text_rather_than_fail() -> None:
    """Params fill the message; a message with a stray % still shows."""
    assert text_of("Reason: %(reason)s", '{"reason": "off topic"}') == "Reason: off topic"
    assert text_of("100% sure", "{}") == "100% sure"
    assert text_of("Hi %(name)s", "{}") == "Hi %(name)s"
