"""Hiding and restoring each kind of reportable content, from the review queue or directly
where the content lives: the reason is kept with the content and its author is told, the queue
item follows, its reporters hear of it, and every path writes exactly one audit row."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from discussions.actions import moderation
from discussions.inputs import Moderation
from discussions.models import Contribution
from fair.core.accounts.channels import user_channel
from fair.core.audit import AuditEntry
from fair.core.db import Database
from fair.core.errors import FairError, Invalid
from fair.core.inputs import parse
from fair.core.reports import actions
from fair.core.reports.inputs import HandlingInput
from fair.core.reports.models import ReportItem
from fair.core.reports.rules import Handling
from fair.hall.actions import visits
from fair.hall.inputs import ChatRemoval, ChatRestoring
from fair.hall.models import ChatMessage
from fair.qa import actions as qa
from fair.qa.inputs import QuestionHiding, QuestionRestoring
from fair.qa.models import Question
from tests.reports.scenes import Scene, scene
from tests.support.hall import logged_events
from tests.support.qa import Member
from tests.support.reports import report, reportables

POST, CHAT, QUESTION = "discussions.post", "hall.chat", "qa.question"
KINDS = [POST, CHAT, QUESTION]
AUDITED = {
    POST: ("discussions.contribution.hidden", "discussions.contribution.restored"),
    CHAT: ("hall.chat.message_removed", "hall.chat.message_restored"),
    QUESTION: ("qa.question.hidden", "qa.question.restored"),
}
AUTHOR_TOLD = {
    POST: "discussions.your_contribution.moderated",
    CHAT: "hall.your_chat_message.moderated",
    QUESTION: "qa.your_question.changed",
}


@pytest.fixture
async def fair(db: Database) -> Scene:
    return await scene(db)


def content_of(fair: Scene, kind: str) -> int:
    return {POST: fair.post_a, CHAT: fair.message_id, QUESTION: fair.question_id}[kind]


def moderator_of(fair: Scene, kind: str) -> Member:
    return {POST: fair.moderator_a, CHAT: fair.team_member, QUESTION: fair.panel_moderator}[kind]


async def hide_directly(db: Database, fair: Scene, kind: str, reason: str) -> None:
    """The moderator hides the content on its own page, not from the queue."""
    who, content_id = moderator_of(fair, kind).viewer, content_of(fair, kind)
    if kind == POST:
        await moderation.hide_contribution(
            db, who, Moderation(contribution_id=content_id, reason=reason)
        )
    elif kind == CHAT:
        await visits.remove_chat_message(db, who, ChatRemoval(message_id=content_id, reason=reason))
    else:
        await qa.hide(db, who, QuestionHiding(question_id=content_id, reason=reason))


async def restore_directly(db: Database, fair: Scene, kind: str, reason: str) -> None:
    """The moderator restores the content on its own page, not from the queue."""
    who, content_id = moderator_of(fair, kind).viewer, content_of(fair, kind)
    if kind == POST:
        await moderation.restore_contribution(
            db, who, Moderation(contribution_id=content_id, reason=reason)
        )
    elif kind == CHAT:
        await visits.restore_chat_message(
            db, who, ChatRestoring(message_id=content_id, reason=reason)
        )
    else:
        await qa.restore(db, who, QuestionRestoring(question_id=content_id, reason=reason))


async def handle(db: Database, fair: Scene, kind: str, item_id: int, action: Handling) -> None:
    form = HandlingInput(item_ids=[item_id], action=action, reason="From the queue")
    await actions.handle_items(db, reportables(), moderator_of(fair, kind).viewer, form)


async def content_state(db: Database, fair: Scene, kind: str) -> tuple[bool, str]:
    """Whether the content is hidden now, and the reason it keeps."""
    async with db.reading() as session:
        if kind == POST:
            post = await session.get(Contribution, fair.post_a)
            assert post is not None
            return post.hidden, post.hidden_reason
        if kind == CHAT:
            message = await session.get(ChatMessage, fair.message_id)
            assert message is not None
            return message.removed_at is not None, message.removed_reason
        question = await session.get(Question, fair.question_id)
        assert question is not None
        return question.state == "hidden", question.hidden_reason


async def item_state(db: Database, item_id: int) -> tuple[str, str]:
    async with db.reading() as session:
        item = await session.get(ReportItem, item_id)
    assert item is not None
    return item.state, item.handled_reason


async def audit_actions(db: Database) -> list[str]:
    async with db.reading() as session:
        return list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


PATHS = ["queue hide", "direct hide", "queue restore", "direct restore", "dismiss"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path", PATHS)
async def test_every_handling_path_writes_exactly_one_audit_row(
    db: Database, fair: Scene, kind: str, path: str
) -> None:
    """Each path (from the queue or directly, hide, restore or dismiss) writes one audit row,
    the feature's own for a hide or a restore, and leaves the queue item handled."""
    item = await report(db, fair.participant, kind, content_of(fair, kind))
    if path.endswith("restore"):
        await hide_directly(db, fair, kind, "Spam")
    before = await audit_actions(db)
    if path == "queue hide":
        await handle(db, fair, kind, item.id, Handling.HIDE)
    elif path == "direct hide":
        await hide_directly(db, fair, kind, "Spam")
    elif path == "queue restore":
        await handle(db, fair, kind, item.id, Handling.RESTORE)
    elif path == "direct restore":
        await restore_directly(db, fair, kind, "A fair point after all")
    else:
        await handle(db, fair, kind, item.id, Handling.DISMISS)
    hidden_name, restored_name = AUDITED[kind]
    expected = {
        "queue hide": (hidden_name, "hidden"),
        "direct hide": (hidden_name, "hidden"),
        "queue restore": (restored_name, "restored"),
        "direct restore": (restored_name, "restored"),
        "dismiss": ("reports.item.dismissed", "dismissed"),
    }[path]
    assert (await audit_actions(db))[len(before) :] == [expected[0]]
    assert (await item_state(db, item.id))[0] == expected[1]


@pytest.mark.parametrize("kind", KINDS)
async def test_a_direct_hide_closes_the_queue_item_and_tells_its_reporters(
    db: Database, fair: Scene, kind: str
) -> None:
    """Hidden on its own page, reported content leaves the open queue with the moderator's
    reason, and its reporter hears it was handled."""
    item = await report(db, fair.participant, kind, content_of(fair, kind))
    await hide_directly(db, fair, kind, "Advertising")
    assert await item_state(db, item.id) == ("hidden", "Advertising")
    told = await logged_events(db, user_channel(fair.participant.id))
    assert [event.type for event in told][-1] == "reports.your_report.handled"
    assert json.loads(told[-1].data)["outcome"] == "hidden"


@pytest.mark.parametrize("kind", KINDS)
async def test_the_reason_is_kept_with_the_content_and_sent_to_its_author(
    db: Database, fair: Scene, kind: str
) -> None:
    """Hidden and then restored, the content keeps each reason in turn, and its author is told
    each on their own channel."""
    await hide_directly(db, fair, kind, "Advertising")
    assert await content_state(db, fair, kind) == (True, "Advertising")
    await restore_directly(db, fair, kind, "A real offer")
    assert await content_state(db, fair, kind) == (False, "A real offer")
    told = [
        json.loads(event.data)
        for event in await logged_events(db, user_channel(fair.author.id))
        if event.type == AUTHOR_TOLD[kind]
    ]
    reasons = [
        told_one.get("reason", told_one.get("question", {}).get("hidden_reason"))
        for told_one in told[-2:]
    ]
    assert reasons == ["Advertising", "A real offer"]


@pytest.mark.parametrize("kind", [CHAT, QUESTION])
async def test_restoring_from_the_queue_brings_chat_and_questions_back(
    db: Database, fair: Scene, kind: str
) -> None:
    """A chat message or a question hidden from the queue and restored from it is shown
    again, with the restoring reason, and its item is marked restored."""
    item = await report(db, fair.participant, kind, content_of(fair, kind))
    await handle(db, fair, kind, item.id, Handling.HIDE)
    assert await content_state(db, fair, kind) == (True, "From the queue")
    await handle(db, fair, kind, item.id, Handling.RESTORE)
    assert await content_state(db, fair, kind) == (False, "From the queue")
    assert await item_state(db, item.id) == ("restored", "From the queue")


async def test_a_restored_question_returns_to_the_state_it_was_hidden_from(
    db: Database, fair: Scene
) -> None:
    """An answered question hidden and restored is answered again, with its answer; a
    published one is published again."""
    async with db.transaction() as tx:
        question = await tx.session.get(Question, fair.question_id)
        assert question is not None
        question.state, question.answer = "answered", "Because it is not on topic."
    await hide_directly(db, fair, QUESTION, "Rude")
    await restore_directly(db, fair, QUESTION, "Fine after all")
    async with db.reading() as session:
        question = await session.get(Question, fair.question_id)
    assert question is not None
    assert (question.state, question.answer) == ("answered", "Because it is not on topic.")


async def as_someone_else(
    db: Database, fair: Scene, kind: str, who: Member, action: Handling
) -> None:
    """`who` tries the feature's own hide or restore of the content."""
    content_id = content_of(fair, kind)
    if kind == CHAT and action is Handling.HIDE:
        form = ChatRemoval(message_id=content_id, reason="Not mine to remove")
        await visits.remove_chat_message(db, who.viewer, form)
    elif kind == CHAT:
        again = ChatRestoring(message_id=content_id, reason="Not mine to restore")
        await visits.restore_chat_message(db, who.viewer, again)
    elif action is Handling.HIDE:
        hiding = QuestionHiding(question_id=content_id, reason="Not mine to hide")
        await qa.hide(db, who.viewer, hiding)
    else:
        restoring = QuestionRestoring(question_id=content_id, reason="Not mine to restore")
        await qa.restore(db, who.viewer, restoring)


@pytest.mark.parametrize("kind", [CHAT, QUESTION])
@pytest.mark.parametrize("action", [Handling.HIDE, Handling.RESTORE])
async def test_someone_who_does_not_moderate_the_place_cannot_hide_or_restore(
    db: Database, fair: Scene, kind: str, action: Handling
) -> None:
    """A participant and a discussion's moderator are refused, and the content, its queue item
    and the audit log stay as they were."""
    item = await report(db, fair.participant, kind, content_of(fair, kind))
    if action is Handling.RESTORE:
        await hide_directly(db, fair, kind, "Spam")
    before = (
        await content_state(db, fair, kind),
        await item_state(db, item.id),
        await audit_actions(db),
    )
    for outsider in (fair.participant, fair.moderator_a):
        with pytest.raises(FairError) as refused:
            await as_someone_else(db, fair, kind, outsider, action)
        assert refused.value.code in {"hall.not_your_booth", "qa.not_moderator"}
    after = (
        await content_state(db, fair, kind),
        await item_state(db, item.id),
        await audit_actions(db),
    )
    assert after == before


@pytest.mark.parametrize(
    ("model", "field"), [(ChatRemoval, "message_id"), (QuestionHiding, "question_id")]
)
@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_a_hide_needs_a_reason_of_fit_length(
    model: type[ChatRemoval] | type[QuestionHiding], field: str, reason: str
) -> None:
    """No reason, a blank one or one over 300 characters is refused, naming the field."""
    with pytest.raises(Invalid) as refused:
        parse(model, {field: 1, "reason": reason})
    assert "reason" in refused.value.fields
