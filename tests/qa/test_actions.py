"""Q&A actions on real SQLite and PostgreSQL: moderation, votes, merges, answers and refusals."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select

from fair.core.accounts.channels import user_channel
from fair.core.accounts.viewers import anonymous
from fair.core.db import Database
from fair.core.errors import FairError, Invalid
from fair.core.inputs import parse
from fair.core.log import LoggedEvent
from fair.qa import actions, queries
from fair.qa.channels import panel_channel
from fair.qa.inputs import (
    Answering,
    AnswerInput,
    Ask,
    Correction,
    Decision,
    Merge,
    Note,
    PanelStateInput,
    QuestionHiding,
    VoteInput,
)
from fair.qa.models import QuestionEdit
from fair.qa.rules import Moderation, PanelState, RejectReason
from tests.support.qa import (
    Cast,
    Member,
    approve,
    ask,
    cast,
    logged,
    move_panel,
    panel,
    question,
    reject,
    snapshot,
    stored_panel,
    voters,
)


def data(event: LoggedEvent) -> dict[str, Any]:
    return json.loads(event.data)  # type: ignore[no-any-return]


async def public_events(db: Database, c: Cast) -> list[tuple[str, dict[str, Any]]]:
    """The type and payload of every event recorded for everyone following the panel, but for
    the curation record's counts (see test_public_record_counts_follow_each_action)."""
    return [
        (e.type, data(e))
        for e in await logged(db, panel_channel(c.panel_id))
        if e.type != "qa.record.counted"
    ]


async def told(db: Database, user_id: int) -> list[dict[str, Any]]:
    """What a person's own channel told them about their questions, in order."""
    return [
        data(e)["question"]
        for e in await logged(db, user_channel(user_id))
        if e.type == "qa.your_question.changed"
    ]


async def vote(db: Database, who: Member, question_id: int, *, up: bool = True) -> int:
    return await actions.vote(db, who.viewer, VoteInput(question_id=question_id, up=up))


# Asking and deciding


async def test_pre_moderated_question_waits_unseen_until_a_moderator_approves_it(
    db: Database,
) -> None:
    """A pending question is on its asker's list and the queue only; approval publishes it."""
    c = await cast(db)
    [amina] = c.participants
    public = anonymous("a-browser")
    text = "Which transfer channels cost under 3 % in West Africa?"
    qid = await ask(db, amina, c.panel_id, text)

    assert (await queries.panel_page(db, public, c.panel_id)).questions == []
    seen_by_amina = await queries.panel_page(db, amina.viewer, c.panel_id)
    assert seen_by_amina.questions == []
    assert [(q.id, q.text, q.state) for q in seen_by_amina.my_questions] == [(qid, text, "pending")]
    queue = await queries.moderation_page(db, c.moderator.viewer, c.panel_id)
    assert [(q.id, q.asker_id, q.text) for q in queue.pending] == [(qid, amina.id, text)]
    assert queue.published == []
    assert [kind for kind, _ in await public_events(db, c)] == [
        "qa.panel.scheduled",
        "qa.panel.state_changed",
    ]

    await approve(db, c.moderator, qid)
    page = await queries.panel_page(db, public, c.panel_id)
    assert [(q.id, q.state, q.asker_name) for q in page.questions] == [
        (qid, "approved", amina.name)
    ]
    kind, payload = (await public_events(db, c))[-1]
    assert (kind, payload["question"]["id"]) == ("qa.question.published", qid)
    assert [(q["id"], q["state"]) for q in await told(db, amina.id)] == [
        (qid, "pending"),
        (qid, "approved"),
    ]


async def test_rejection_needs_a_reason_and_keeps_the_question_out_of_view(db: Database) -> None:
    """A rejection without a reason is invalid; with one, only the asker sees it and why."""
    c = await cast(db)
    [amina] = c.participants
    qid = await ask(db, amina, c.panel_id, "Buy my product, cheap visas!!!")
    with pytest.raises(Invalid) as refused:
        parse(Decision, {"question_id": qid, "approve": False})
    assert refused.value.code == "input.invalid"

    await reject(db, c.moderator, qid, RejectReason.OFF_TOPIC)
    row = await question(db, qid)
    assert (row.state, row.reject_reason) == ("rejected", "off-topic")
    assert (await queries.panel_page(db, anonymous("a-browser"), c.panel_id)).questions == []
    mine = (await queries.panel_page(db, amina.viewer, c.panel_id)).my_questions
    assert [(q.state, q.reject_reason) for q in mine] == [("rejected", "off-topic")]
    assert [kind for kind, _ in await public_events(db, c)][-1] == "qa.panel.state_changed"


async def test_post_moderated_question_is_published_at_once(db: Database) -> None:
    """Under post-moderation a question is public as soon as it is asked."""
    c = await cast(db, moderation=Moderation.POST)
    [amina] = c.participants
    own = await actions.ask_question(
        db, amina.viewer, Ask(panel_id=c.panel_id, text="What about fees on the receiving side?")
    )
    assert own.state == "approved"
    page = await queries.panel_page(db, anonymous("a-browser"), c.panel_id)
    assert [(q.id, q.state) for q in page.questions] == [(own.id, "approved")]
    kind, payload = (await public_events(db, c))[-1]
    assert (kind, payload["question"]["id"]) == ("qa.question.published", own.id)
    queue = await queries.moderation_page(db, c.moderator.viewer, c.panel_id)
    assert queue.pending == [] and [q.id for q in queue.published] == [own.id]


async def test_moderators_correction_is_kept_in_question_edits(db: Database) -> None:
    """A corrected question shows the new wording everywhere; the old one stays on record."""
    c = await cast(db)
    [amina] = c.participants
    before, after = "How do hometwon clubs pool mony?", "How do hometown clubs pool money?"
    qid = await ask(db, amina, c.panel_id, before)
    await approve(db, c.moderator, qid)
    await actions.correct(db, c.moderator.viewer, Correction(question_id=qid, text=after))

    async with db.reading() as session:
        edits = (await session.scalars(select(QuestionEdit))).all()
    assert [(e.question_id, e.editor_id, e.before, e.after) for e in edits] == [
        (qid, c.moderator.id, before, after)
    ]
    assert [q.text for q in (await queries.panel_page(db, amina.viewer, c.panel_id)).questions] == [
        after
    ]
    queue = await queries.moderation_page(db, c.moderator.viewer, c.panel_id)
    assert [(q.id, q.edited) for q in queue.published] == [(qid, True)]
    kind, payload = (await public_events(db, c))[-1]
    assert (kind, payload["question"]["text"]) == ("qa.question.changed", after)


# Merging, hiding


async def test_merge_combines_distinct_voters_and_tells_both_askers(db: Database) -> None:
    """The kept question gets every distinct voter of both, plus the duplicate's asker."""
    c = await cast(db, "Amina", "Bilal", "Chen")
    amina, bilal, chen = c.participants
    kept = await ask(db, amina, c.panel_id, "How can remittances fund a school?")
    duplicate = await ask(db, bilal, c.panel_id, "Can remittances pay for a school?")
    for qid in (kept, duplicate):
        await approve(db, c.moderator, qid)
    await vote(db, chen, kept)
    for who in (chen, c.organiser, amina):
        await vote(db, who, duplicate)

    await actions.merge(db, c.moderator.viewer, Merge(question_id=duplicate, into_id=kept))

    # Chen voted for both and counts once; Amina asked the kept question and cannot vote for it.
    assert await voters(db, kept) == {chen.id, c.organiser.id, bilal.id}
    kept_row, duplicate_row = await question(db, kept), await question(db, duplicate)
    assert kept_row.votes == 3
    assert (duplicate_row.state, duplicate_row.merged_into_id) == ("merged", kept)
    assert [
        (q.id, q.state) for q in (await queries.panel_page(db, chen.viewer, c.panel_id)).questions
    ] == [(kept, "approved")]
    last = (await told(db, bilal.id))[-1]
    assert (last["id"], last["state"], last["merged_into_id"]) == (duplicate, "merged", kept)
    assert (await told(db, amina.id))[-1]["id"] == kept
    withdrawn, changed = (await public_events(db, c))[-2:]
    assert withdrawn == (
        "qa.question.withdrawn",
        {"question_id": duplicate, "merged_into_id": kept},
    )
    assert (changed[0], changed[1]["question"]["id"], changed[1]["question"]["votes"]) == (
        "qa.question.changed",
        kept,
        3,
    )


async def test_hiding_withdraws_a_published_question_and_its_highlight(db: Database) -> None:
    """A hidden question leaves every page and, if it was being answered, the highlight goes."""
    c = await cast(db)
    [amina] = c.participants
    qid = await ask(db, amina, c.panel_id, "Is this question about something else entirely?")
    await approve(db, c.moderator, qid)
    await actions.set_answering(
        db, c.moderator.viewer, Answering(panel_id=c.panel_id, question_id=qid)
    )
    await actions.hide(db, c.moderator.viewer, QuestionHiding(question_id=qid, reason="Off topic"))

    assert (await question(db, qid)).state == "hidden"
    assert (await stored_panel(db, c.panel_id)).answering_id is None
    page = await queries.panel_page(db, amina.viewer, c.panel_id)
    assert page.questions == [] and page.panel.answering_id is None
    assert (await public_events(db, c))[-2:] == [
        ("qa.answering.changed", {"panel_id": c.panel_id, "question_id": None}),
        ("qa.question.withdrawn", {"question_id": qid, "merged_into_id": None}),
    ]
    queue = await queries.moderation_page(db, c.moderator.viewer, c.panel_id)
    assert [(q.id, q.state) for q in queue.decided] == [(qid, "hidden")]


async def test_merging_the_question_being_answered_clears_the_highlight(db: Database) -> None:
    """Like hiding it, merging the question on stage away ends "answering now" for everyone."""
    c = await cast(db)
    [amina] = c.participants
    on_stage = await ask(db, amina, c.panel_id, "What does a transfer to Dakar cost today?")
    kept = await ask(db, amina, c.panel_id, "How much does sending money to Senegal cost?")
    for qid in (on_stage, kept):
        await approve(db, c.moderator, qid)
    await actions.set_answering(
        db, c.moderator.viewer, Answering(panel_id=c.panel_id, question_id=on_stage)
    )
    await actions.merge(db, c.moderator.viewer, Merge(question_id=on_stage, into_id=kept))

    assert (await stored_panel(db, c.panel_id)).answering_id is None
    assert ("qa.answering.changed", {"panel_id": c.panel_id, "question_id": None}) in (
        await public_events(db, c)
    )


# Answering


async def test_now_answering_then_answered_live(db: Database) -> None:
    """The panelist puts a question on stage, then marks it answered live: the highlight ends."""
    c = await cast(db, panelist=True)
    [amina] = c.participants
    qid = await ask(db, amina, c.panel_id, "Which channels are cheapest for rural families?")
    await approve(db, c.moderator, qid)
    await actions.set_answering(
        db, c.panelist.viewer, Answering(panel_id=c.panel_id, question_id=qid)
    )
    assert (await stored_panel(db, c.panel_id)).answering_id == qid
    assert (await public_events(db, c))[-1] == (
        "qa.answering.changed",
        {"panel_id": c.panel_id, "question_id": qid},
    )

    await actions.answer(db, c.panelist.viewer, AnswerInput(question_id=qid, live=True))
    row = await question(db, qid)
    assert (row.state, row.answered_live, row.answered_by) == ("answered", True, c.panelist.id)
    assert (await stored_panel(db, c.panel_id)).answering_id is None
    (cleared, _), (answered, payload) = (await public_events(db, c))[-2:]
    assert (cleared, answered) == ("qa.answering.changed", "qa.question.answered")
    assert (payload["question"]["id"], payload["question"]["answered_live"]) == (qid, True)
    page = await queries.panel_page(db, anonymous("a-browser"), c.panel_id)
    assert [(q.id, q.state) for q in page.questions] == [(qid, "answered")]
    assert page.record.answered == 1
    assert (await told(db, amina.id))[-1]["state"] == "answered"


async def test_written_answers_come_after_the_panel_closed_but_not_after_the_archive(
    db: Database,
) -> None:
    """Once closed, nothing is taken live but questions get written answers; an archive is final."""
    c = await cast(db, panelist=True)
    [amina] = c.participants
    qid = await ask(db, amina, c.panel_id, "Who checks that contracts are kept on arrival?")
    later = await ask(db, amina, c.panel_id, "Are pre-departure briefings worth the cost?")
    for each in (qid, later):
        await approve(db, c.moderator, each)
    await move_panel(db, c.moderator.viewer, c.panel_id, PanelState.CLOSED)

    with pytest.raises(FairError) as refused:
        await actions.set_answering(
            db, c.panelist.viewer, Answering(panel_id=c.panel_id, question_id=qid)
        )
    assert refused.value.code == "qa.not_live"
    text = "Labour inspectors in both countries, with the unions."
    await actions.answer(db, c.panelist.viewer, AnswerInput(question_id=qid, text=text))
    row = await question(db, qid)
    assert (row.state, row.answer, row.answered_live) == ("answered", text, False)
    page = await queries.panel_page(db, anonymous("a-browser"), c.panel_id)
    assert [(q.id, q.answer) for q in page.questions if q.state == "answered"] == [(qid, text)]

    await move_panel(db, c.moderator.viewer, c.panel_id, PanelState.ARCHIVED)
    with pytest.raises(FairError) as refused:
        await actions.answer(db, c.panelist.viewer, AnswerInput(question_id=later, text=text))
    assert refused.value.code == "qa.not_answering"
    assert (await question(db, later)).state == "approved"


# Refusals


async def test_refused_actions_change_nothing(db: Database, subtests: pytest.Subtests) -> None:
    """Each refusal has its code and leaves every Q&A row and the event log as they were."""
    c = await cast(db, "Amina", "Bilal", panelist=True)
    amina, bilal = c.participants
    pid = c.panel_id
    mine = await ask(db, amina, pid, "Which transfer channels cost the least?")
    pending = await ask(db, amina, pid, "Is anyone tracking fees on the receiving side?")
    await approve(db, c.moderator, mine)
    closed = await panel(db, c.organiser, state=PanelState.LIVE, title="A closed panel")
    elsewhere = await ask(db, bilal, closed.id, "Will the slides be shared afterwards?")
    await approve(db, c.organiser, elsewhere)
    await move_panel(db, c.organiser.viewer, closed.id, PanelState.CLOSED)

    refusals: dict[str, tuple[str, Callable[[], Awaitable[Any]]]] = {
        "participant approves": (
            "qa.not_moderator",
            lambda: actions.decide(db, bilal.viewer, Decision(question_id=pending, approve=True)),
        ),
        "participant hides": (
            "qa.not_moderator",
            lambda: actions.hide(
                db, bilal.viewer, QuestionHiding(question_id=mine, reason="Off topic")
            ),
        ),
        "participant corrects": (
            "qa.not_moderator",
            lambda: actions.correct(
                db, bilal.viewer, Correction(question_id=mine, text="Rewritten by someone else")
            ),
        ),
        "participant merges": (
            "qa.not_moderator",
            lambda: actions.merge(db, bilal.viewer, Merge(question_id=pending, into_id=mine)),
        ),
        "participant moves the panel": (
            "qa.not_moderator",
            lambda: actions.change_panel_state(
                db, bilal.viewer, PanelStateInput(panel_id=pid, state=PanelState.CLOSED)
            ),
        ),
        "panelist hides": (
            "qa.not_moderator",
            lambda: actions.hide(
                db, c.panelist.viewer, QuestionHiding(question_id=mine, reason="Off topic")
            ),
        ),
        "participant puts a question on stage": (
            "qa.not_panelist",
            lambda: actions.set_answering(
                db, bilal.viewer, Answering(panel_id=pid, question_id=mine)
            ),
        ),
        "participant answers": (
            "qa.not_panelist",
            lambda: actions.answer(db, bilal.viewer, AnswerInput(question_id=mine, live=True)),
        ),
        "participant leaves a backstage note": (
            "qa.not_backstage",
            lambda: actions.leave_note(db, bilal.viewer, Note(panel_id=pid, text="Psst")),
        ),
        "asking on a closed panel": (
            "qa.closed",
            lambda: actions.ask_question(
                db, bilal.viewer, Ask(panel_id=closed.id, text="Is it too late to ask?")
            ),
        ),
        "asking without logging in": (
            "account.login_required",
            lambda: actions.ask_question(
                db, anonymous("a-browser"), Ask(panel_id=pid, text="Who am I, then?")
            ),
        ),
        "voting for one's own question": (
            "qa.own_question",
            lambda: vote(db, amina, mine),
        ),
        "voting for a pending question": (
            "qa.question_not_found",
            lambda: vote(db, bilal, pending),
        ),
        "voting on a closed panel": (
            "qa.closed",
            lambda: vote(db, amina, elsewhere),
        ),
        "approving an approved question": (
            "qa.bad_transition",
            lambda: approve(db, c.moderator, mine),
        ),
        "merging a question into itself": (
            "qa.merge_self",
            lambda: actions.merge(db, c.moderator.viewer, Merge(question_id=mine, into_id=mine)),
        ),
        "merging across panels": (
            "qa.merge_other_panel",
            lambda: actions.merge(
                db, c.organiser.viewer, Merge(question_id=pending, into_id=elsewhere)
            ),
        ),
        "answering a pending question": (
            "qa.bad_transition",
            lambda: actions.answer(
                db, c.panelist.viewer, AnswerInput(question_id=pending, text="Too early")
            ),
        ),
        "answering without text or live": (
            "input.invalid",
            lambda: actions.answer(db, c.panelist.viewer, AnswerInput(question_id=mine)),
        ),
    }
    for name, (code, attempt) in refusals.items():
        with subtests.test(name):
            before = await snapshot(db)
            with pytest.raises(FairError) as refused:
                await attempt()
            assert refused.value.code == code
            assert await snapshot(db) == before


# The public record


async def test_public_record_counts_how_the_queue_was_curated(db: Database) -> None:
    """Received, approved, merged, rejected by reason, answered and pending, for everyone."""
    c = await cast(db, panelist=True)
    [amina] = c.participants
    pid = c.panel_id
    asked = [await ask(db, amina, pid, f"Question number {n} about remittances") for n in range(8)]
    answered, approved, hidden, merged, off1, off2, rude, waiting = asked
    for qid in (answered, approved, hidden):
        await approve(db, c.moderator, qid)
    await actions.answer(db, c.panelist.viewer, AnswerInput(question_id=answered, live=True))
    await actions.hide(
        db, c.moderator.viewer, QuestionHiding(question_id=hidden, reason="Off topic")
    )
    await actions.merge(db, c.moderator.viewer, Merge(question_id=merged, into_id=approved))
    for qid, reason in (
        (off1, RejectReason.OFF_TOPIC),
        (off2, RejectReason.OFF_TOPIC),
        (rude, RejectReason.INAPPROPRIATE),
    ):
        await reject(db, c.moderator, qid, reason)

    for viewer in (anonymous("a-browser"), amina.viewer, c.moderator.viewer):
        record = (await queries.panel_page(db, viewer, pid)).record
        assert (record.received, record.approved, record.merged) == (8, 3, 1)
        assert record.rejected == {"off-topic": 2, "inappropriate": 1}
        assert (record.answered, record.pending) == (1, 1)
    assert waiting in {
        q.id for q in (await queries.moderation_page(db, c.moderator.viewer, pid)).pending
    }
    counted = [
        data(e)["record"]
        for e in await logged(db, panel_channel(pid))
        if e.type == "qa.record.counted"
    ]
    page_record = (await queries.panel_page(db, amina.viewer, pid)).record
    assert counted[-1] == page_record.model_dump()
    assert [r["received"] for r in counted[:8]] == list(range(1, 9))
