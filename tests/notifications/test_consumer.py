"""The notifications consumer over the real actions, on SQLite and PostgreSQL: who is told of
what, once, and nothing lost or doubled when it stops midway."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions.actions import posts
from discussions.inputs import StanceInput
from fair.core.accounts.roles import Role
from fair.core.consumers import consume
from fair.core.contract import Delivery, Notice, Notifier, Services
from fair.core.features import load_features
from fair.core.notifications.consumer import notifications_consumer
from fair.core.notifications.models import Notification
from fair.core.notifications.queries import notification_page
from fair.core.services import collect_notice_kinds, collect_notifiers
from fair.hall.actions import visits
from fair.hall.inputs import ChatPost, ChatRemoval
from fair.qa import actions as qa_actions
from fair.qa.inputs import Correction, QuestionHiding, QuestionRestoring, Tagging
from fair.qa.rules import RejectReason
from tests.support import discussions as talks
from tests.support import hall
from tests.support.databases import configured_features
from tests.support.jobs import services_on
from tests.support.qa import approve, ask, cast, members, reject

FEATURES = load_features(configured_features())
NOTIFIERS = collect_notifiers(FEATURES)
KINDS = collect_notice_kinds(FEATURES)


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    """Services with no jobs of their own: each test runs the consumer by hand."""
    async with services_on(database_url, consumer_max_failures=3) as made:
        yield made


async def run_consumer(services: Services, notifiers: Sequence[Notifier] = NOTIFIERS) -> int:
    consumer = notifications_consumer(notifiers, KINDS)
    assert consumer is not None
    handled = 0
    while True:
        count = await consume(services, consumer, batch=50, max_failures=3)
        if count == 0:
            return handled
        handled += count


async def told(services: Services, user_id: int) -> list[str]:
    """The texts of one's notifications, newest first."""
    page = await notification_page(services.db, user_id, 1)
    return [item.text for item in page.items]


async def stored_seqs(services: Services, user_id: int) -> list[int]:
    async with services.db.reading() as session:
        return list(
            await session.scalars(
                select(Notification.source_seq)
                .where(Notification.user_id == user_id)
                .order_by(Notification.source_seq)
            )
        )


async def test_a_reply_and_a_stance_tell_the_threads_author_and_no_one_else(
    services: Services,
) -> None:
    """Amina's thread gets Bo's reply and Bo's stance: Amina hears of both, once; Amina's
    own reply in her thread tells nobody; Bo (the replier) hears nothing."""
    db = services.db
    moderator, amina, bo = await members(db, "Moderator", "Amina", "Bo")
    discussion_id = await talks.discussion(db, [moderator], title="Building partnership")
    round_id = await talks.round_in(db, discussion_id)
    thread = await talks.post(db, amina, round_id, "Partnerships need trust.")
    await talks.post(db, bo, round_id, "And time.", reply_to=thread)
    await talks.post(db, amina, round_id, "Agreed.", reply_to=thread)
    await posts.set_stance(db, bo.viewer, StanceInput(contribution_id=thread, stance="agree"))
    await run_consumer(services)
    assert await told(services, amina.id) == [
        "Someone took a stance on your post in “Building partnership”.",
        "Bo replied to your post in “Building partnership”.",
    ]
    assert await told(services, bo.id) == []
    assert await told(services, moderator.id) == []
    await run_consumer(services)
    assert len(await told(services, amina.id)) == 2


async def test_askers_hear_their_questions_approved_and_rejected_with_the_reason(
    services: Services,
) -> None:
    """One question approved, one rejected as off topic: each asker told, in those words."""
    db = services.db
    made = await cast(db, "Amina", "Bo")
    amina, bo = made.participants
    first = await ask(db, amina, made.panel_id, "How do fees fall?")
    second = await ask(db, bo, made.panel_id, "What about football?")
    await approve(db, made.moderator, first)
    await reject(db, made.moderator, second, RejectReason.OFF_TOPIC)
    await run_consumer(services)
    assert await told(services, amina.id) == [
        "Your question to “Remittances that build” was approved: it is on the list."
    ]
    (rejected,) = await told(services, bo.id)
    assert rejected == "Your question to “Remittances that build” was not taken: it is off topic."
    page = await notification_page(db, amina.id, 1)
    assert page.items[0].link == f"/panels/{made.panel.slug}#question-{first}"
    assert page.unread == 1


async def test_a_consumer_that_fails_midway_resumes_with_no_notice_lost_or_doubled(
    services: Services,
) -> None:
    """A notifier that fails on its second event stops the pass there; the next passes go on
    from that event: every reply notified exactly once."""
    db = services.db
    moderator, amina, bo = await members(db, "Moderator", "Amina", "Bo")
    discussion_id = await talks.discussion(db, [moderator])
    round_id = await talks.round_in(db, discussion_id)
    thread = await talks.post(db, amina, round_id, "Trust first.")
    for n in range(5):
        await talks.post(db, bo, round_id, f"Reply {n}", reply_to=thread)
    calls: list[int] = []
    (replies,) = [n for n in NOTIFIERS if n.event_type == "discussions.contribution.posted"]

    async def flaky(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
        calls.append(delivery.seq)
        if len(calls) == 3:
            raise RuntimeError("the worker went away")
        return await replies.notices(session, delivery)

    notifiers = [Notifier(replies.event_type, replies.place, flaky)]
    consumer = notifications_consumer(notifiers, KINDS)
    assert consumer is not None
    await consume(services, consumer, batch=50, max_failures=3)
    assert len(await stored_seqs(services, amina.id)) == 1  # the second reply failed
    await run_consumer(services, notifiers)
    seqs = await stored_seqs(services, amina.id)
    assert len(seqs) == 5 and len(set(seqs)) == 5
    assert len(calls) == 7  # six events, the failing one twice


async def test_a_hidden_question_tells_its_asker_why_and_an_edit_tells_nothing(
    services: Services,
) -> None:
    """Approved, corrected, tagged, hidden, shown again: the asker hears of the approval,
    the hiding and the showing (each with its reason), never of the moderators' edits."""
    db = services.db
    made = await cast(db, "Amina")
    (amina,) = made.participants
    question = await ask(db, amina, made.panel_id, "How do fees fall?")
    moderator = made.moderator.viewer
    await approve(db, made.moderator, question)
    await qa_actions.correct(
        db, moderator, Correction(question_id=question, text="How do fees fall now?")
    )
    await qa_actions.tag(db, moderator, Tagging(question_id=question, tags=["fees"]))
    await qa_actions.hide(
        db, moderator, QuestionHiding(question_id=question, reason="Names a person")
    )
    await qa_actions.restore(db, moderator, QuestionRestoring(question_id=question, reason="Fixed"))
    await run_consumer(services)
    assert await told(services, amina.id) == [
        "A moderator showed your question to “Remittances that build” again. Reason: Fixed",
        "A moderator hid your question to “Remittances that build”. Reason: Names a person",
        "Your question to “Remittances that build” was approved: it is on the list.",
    ]


async def test_a_removed_chat_message_tells_its_author_why(services: Services) -> None:
    """The organiser removes Amina's chat message with a reason: she is told, with it."""
    db = services.db
    organiser, amina = await members(db, Role.ORGANISER, "Amina")
    stand = await hall.booth(db, organiser.viewer)
    message = await visits.post_chat_message(
        db, amina.viewer, ChatPost(booth_id=stand.id, body="Call me on +1 555 0100")
    )
    await visits.remove_chat_message(
        db, organiser.viewer, ChatRemoval(message_id=message.id, reason="A phone number")
    )
    await run_consumer(services)
    page = await notification_page(db, amina.id, 1)
    assert [item.text for item in page.items] == [
        "A moderator removed your chat message. Reason: A phone number"
    ]
    assert page.items[0].link.endswith(f"#message-{message.id}")


async def test_a_notice_of_an_undeclared_kind_is_refused_not_stored(services: Services) -> None:
    """A notifier that makes a kind no feature declared fails its delivery: nothing stored."""
    db = services.db
    moderator, amina, bo = await members(db, "Moderator", "Amina", "Bo")
    discussion_id = await talks.discussion(db, [moderator])
    round_id = await talks.round_in(db, discussion_id)
    thread = await talks.post(db, amina, round_id, "Trust first.")
    await talks.post(db, bo, round_id, "And time.", reply_to=thread)

    async def stray(_session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
        return [Notice(user_id=amina.id, kind="discussions.made_up", message="Hi", link="/")]

    consumer = notifications_consumer(
        [Notifier("discussions.contribution.posted", "discussion", stray)], KINDS
    )
    assert consumer is not None
    await consume(services, consumer, batch=50, max_failures=3)
    assert await stored_seqs(services, amina.id) == []
