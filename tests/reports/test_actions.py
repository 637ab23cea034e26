"""Reporting and handling the queue on real databases: reports merge per content, each person
reports once, the queue holds only what the viewer may handle, bulk handling is one action
(one audit row) per item."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from discussions.models import Contribution
from fair.core.accounts.roles import Role
from fair.core.audit import AuditEntry
from fair.core.db import Database
from fair.core.errors import Conflict, Forbidden, Invalid, NotFound
from fair.core.reports import actions, queries
from fair.core.reports.inputs import HandlingInput
from fair.core.reports.rules import Handling, ItemState, Reason
from fair.hall.actions import booths
from fair.hall.inputs import StateChange
from fair.hall.models import ChatMessage
from fair.hall.rules import BoothState
from fair.qa.models import Question
from tests.reports.scenes import Scene, scene
from tests.support import hall
from tests.support.qa import Member, members
from tests.support.reports import report, reportables

POST = "discussions.post"


async def handle(
    db: Database, who: Member, item_ids: list[int], action: Handling, reason: str = ""
) -> list[int]:
    form = HandlingInput(item_ids=item_ids, action=action, reason=reason)
    return [item.id for item in await actions.handle_items(db, reportables(), who.viewer, form)]


async def queue_ids(db: Database, who: Member) -> list[int]:
    return [item.id for item in (await queries.queue(db, reportables(), who.viewer)).open]


async def audit_actions(db: Database) -> list[str]:
    async with db.reading() as session:
        return list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
async def fair(db: Database) -> Scene:
    return await scene(db)


async def test_several_reports_on_one_post_make_one_item_with_count_and_reasons(
    db: Database, fair: Scene
) -> None:
    """Three people report one post: one queue item, counted three, its reasons most first."""
    a, b, c = await members(db, "Ana", "Ben", "Cleo")
    await report(db, a, POST, fair.post_a, Reason.SPAM)
    await report(db, b, POST, fair.post_a, Reason.SPAM, note="An advert")
    item = await report(db, c, POST, fair.post_a, Reason.OFF_TOPIC)
    assert (item.reports, item.reasons, item.state) == (3, ["spam", "off_topic"], "open")
    [shown] = (await queries.queue(db, reportables(), fair.moderator_a.viewer)).open
    assert (shown.id, shown.notes, shown.excerpt) == (
        item.id,
        ["An advert"],
        "Cheap transfers at example.com!",
    )


async def test_a_person_reports_a_content_only_once(db: Database, fair: Scene) -> None:
    """The second report by the same person is refused and counts nothing."""
    first = await report(db, fair.participant, POST, fair.post_a)
    with pytest.raises(Conflict) as refused:
        await report(db, fair.participant, POST, fair.post_a, Reason.SPAM)
    assert refused.value.code == "reports.already_reported"
    [shown] = (await queries.queue(db, reportables(), fair.moderator_a.viewer)).open
    assert (shown.id, shown.reports) == (first.id, 1)


async def test_nobody_reports_their_own_post_or_unknown_content(db: Database, fair: Scene) -> None:
    """The author cannot report their post; a made-up kind or id is refused."""
    with pytest.raises(Conflict) as own:
        await report(db, fair.author, POST, fair.post_a)
    assert own.value.code == "reports.own_content"
    with pytest.raises(NotFound) as kind:
        await report(db, fair.participant, "hall.booth", fair.booth_id)
    assert kind.value.code == "reports.unknown_kind"
    with pytest.raises(NotFound) as missing:
        await report(db, fair.participant, POST, 999_999)
    assert missing.value.code == "reports.content_not_found"


async def test_a_pending_question_cannot_be_reported(db: Database, fair: Scene) -> None:
    """Only questions others can see are reportable: a pending one looks absent."""
    async with db.transaction() as tx:
        question = await tx.session.get(Question, fair.question_id)
        assert question is not None
        question.state = "pending"
    with pytest.raises(NotFound):
        await report(db, fair.participant, "qa.question", fair.question_id)


async def test_each_moderator_sees_only_the_reports_they_may_handle(
    db: Database, fair: Scene
) -> None:
    """A post of discussion A goes to A's moderator only; the chat message to the booth's team
    and fair moderators; the question to the panel's moderator; a participant has no queue."""
    post = await report(db, fair.participant, POST, fair.post_a)
    chat = await report(db, fair.participant, "hall.chat", fair.message_id)
    question = await report(db, fair.participant, "qa.question", fair.question_id)
    assert await queue_ids(db, fair.moderator_a) == [post.id]
    assert await queue_ids(db, fair.moderator_b) == []
    assert await queue_ids(db, fair.team_member) == [chat.id]
    assert await queue_ids(db, fair.fair_moderator) == [chat.id]
    # The panel's moderator has the fair moderator's role too: booth chat is theirs as well.
    assert await queue_ids(db, fair.panel_moderator) == [question.id, chat.id]
    nothing = await queries.queue(db, reportables(), fair.participant.viewer)
    assert (nothing.open, nothing.moderates) == ([], False)


async def test_hiding_from_the_queue_hides_the_post_with_one_audit_row(
    db: Database, fair: Scene
) -> None:
    """The moderator hides a reported post from the queue: the post is hidden with the reason,
    the item leaves the open queue, and the audit log holds the post's hiding once."""
    item = await report(db, fair.participant, POST, fair.post_a)
    before = await audit_actions(db)
    assert await handle(db, fair.moderator_a, [item.id], Handling.HIDE, "Advertising") == [item.id]
    assert (await audit_actions(db))[len(before) :] == ["discussions.contribution.hidden"]
    async with db.reading() as session:
        post = await session.get(Contribution, fair.post_a)
    assert post is not None and (post.hidden, post.hidden_reason) == (True, "Advertising")
    assert await queue_ids(db, fair.moderator_a) == []
    [hidden] = (await queries.queue(db, reportables(), fair.moderator_a.viewer)).hidden
    assert (hidden.id, hidden.handled_reason, hidden.restorable) == (item.id, "Advertising", True)


async def test_a_report_on_hidden_content_joins_its_handled_item(db: Database, fair: Scene) -> None:
    """After the hide, another report is counted on the same item, which stays out of the queue."""
    item = await report(db, fair.participant, POST, fair.post_a)
    await handle(db, fair.moderator_a, [item.id], Handling.HIDE, "Advertising")
    (late,) = await members(db, "Late")
    again = await report(db, late, POST, fair.post_a)
    assert (again.id, again.reports, again.state) == (item.id, 2, ItemState.HIDDEN.value)
    assert await queue_ids(db, fair.moderator_a) == []


async def test_bulk_hide_handles_each_item_as_one_action(db: Database, fair: Scene) -> None:
    """An organiser hides a post, a chat message and a question at once: each is hidden by its
    own feature, with one audit row each."""
    (organiser,) = await members(db, Role.ORGANISER)
    ids = [
        (await report(db, fair.participant, kind, content)).id
        for kind, content in [
            (POST, fair.post_a),
            ("hall.chat", fair.message_id),
            ("qa.question", fair.question_id),
        ]
    ]
    before = await audit_actions(db)
    assert await handle(db, organiser, ids, Handling.HIDE, "Spam wave") == ids
    assert sorted((await audit_actions(db))[len(before) :]) == [
        "discussions.contribution.hidden",
        "hall.chat.message_removed",
        "qa.question.hidden",
    ]
    async with db.reading() as session:
        message = await session.get(ChatMessage, fair.message_id)
        question = await session.get(Question, fair.question_id)
    assert message is not None and message.removed_at is not None
    assert question is not None and question.state == "hidden"
    assert await queue_ids(db, organiser) == []


async def test_bulk_dismiss_writes_a_row_per_item_and_skips_handled_ones(
    db: Database, fair: Scene
) -> None:
    """Two items dismissed at once are two audit rows; one already handled is left alone."""
    (organiser,) = await members(db, Role.ORGANISER)
    first = await report(db, fair.participant, POST, fair.post_a)
    second = await report(db, fair.participant, POST, fair.post_b)
    third = await report(db, fair.participant, "hall.chat", fair.message_id)
    await handle(db, organiser, [third.id], Handling.DISMISS)
    before = await audit_actions(db)
    handled = await handle(db, organiser, [first.id, second.id, third.id], Handling.DISMISS)
    assert handled == [first.id, second.id]
    assert (await audit_actions(db))[len(before) :] == ["reports.item.dismissed"] * 2


async def test_the_wrong_moderator_cannot_handle_an_item(db: Database, fair: Scene) -> None:
    """B's moderator may not dismiss (or hide) a report on A's post; nothing changes."""
    item = await report(db, fair.participant, POST, fair.post_a)
    for action in (Handling.DISMISS, Handling.HIDE):
        with pytest.raises(Forbidden) as refused:
            await handle(db, fair.moderator_b, [item.id], action, "Not mine")
        assert refused.value.code == "reports.not_yours"
    with pytest.raises(Forbidden):
        await handle(db, fair.participant, [item.id], Handling.DISMISS)
    assert await queue_ids(db, fair.moderator_a) == [item.id]


async def test_a_bulk_with_one_foreign_item_changes_nothing(db: Database, fair: Scene) -> None:
    """A's moderator selecting A's item and B's: refused as a whole, A's item stays open."""
    mine = await report(db, fair.participant, POST, fair.post_a)
    theirs = await report(db, fair.participant, POST, fair.post_b)
    with pytest.raises(Forbidden):
        await handle(db, fair.moderator_a, [mine.id, theirs.id], Handling.HIDE, "Spam")
    assert await queue_ids(db, fair.moderator_a) == [mine.id]
    async with db.reading() as session:
        post = await session.get(Contribution, fair.post_a)
    assert post is not None and not post.hidden


async def test_hiding_needs_a_reason(db: Database, fair: Scene) -> None:
    """Hide without saying why is refused per field."""
    item = await report(db, fair.participant, POST, fair.post_a)
    with pytest.raises(Invalid) as refused:
        await handle(db, fair.moderator_a, [item.id], Handling.HIDE, "  ")
    assert "reason" in refused.value.fields


async def test_restoring_from_the_queue_brings_the_post_back(db: Database, fair: Scene) -> None:
    """A hidden post restored with a reason is visible again, with that reason."""
    item = await report(db, fair.participant, POST, fair.post_a)
    await handle(db, fair.moderator_a, [item.id], Handling.HIDE, "Advertising")
    await handle(db, fair.moderator_a, [item.id], Handling.RESTORE, "A real offer after all")
    async with db.reading() as session:
        post = await session.get(Contribution, fair.post_a)
    assert post is not None and (post.hidden, post.hidden_reason) == (
        False,
        "A real offer after all",
    )


async def test_chat_of_a_booth_back_in_draft_cannot_be_reported(db: Database, fair: Scene) -> None:
    """Once its booth is a draft again, its chat looks absent to a participant who reports it."""
    organiser = await hall.someone(db, Role.ORGANISER)
    await booths.change_state(db, organiser, fair.booth_id, StateChange(state=BoothState.DRAFT))
    with pytest.raises(NotFound) as refused:
        await report(db, fair.participant, "hall.chat", fair.message_id)
    assert refused.value.code == "reports.content_not_found"
