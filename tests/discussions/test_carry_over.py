"""Carrying a closed panel's unanswered questions into a round, on SQLite and PostgreSQL:
seed posts credit their askers (who are told), each question once per round, only published and
unanswered questions of a closed panel, only by the discussion's moderators."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from discussions import queries
from discussions.actions import carry_over
from discussions.channels import discussion_channel
from discussions.inputs import CarryOver
from discussions.rules import RoundState
from fair.core.accounts.channels import user_channel
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import anonymous
from fair.core.db import Database
from fair.core.errors import FairError
from fair.qa import actions as qa_actions
from fair.qa.inputs import AnswerInput
from fair.qa.rules import PanelState
from tests.support.discussions import closed_panel_with_questions, discussion, round_in
from tests.support.qa import (
    Member,
    approve,
    ask,
    cast,
    everything_logged,
    logged,
    members,
    move_panel,
    panel,
)


async def refused(db: Database, code: str, run: Any) -> None:
    """`run()` is refused with `code` and records nothing at all."""
    before = len(await everything_logged(db))
    with pytest.raises(FairError) as caught:
        await run()
    assert caught.value.code == code
    assert len(await everything_logged(db)) == before


async def seeded(db: Database, state: RoundState = RoundState.OPEN) -> tuple[Member, int, int]:
    """A discussion's moderator, the discussion and a round of it in `state`."""
    (moderator,) = await members(db, Role.PARTICIPANT)
    talk = await discussion(db, [moderator])
    return moderator, talk, await round_in(db, talk, state)


async def test_carried_questions_become_threads_crediting_their_askers(db: Database) -> None:
    """Each question becomes a new thread (most votes first) saying who asked it at which
    panel, linked back to the panel; followers see the posts, each asker is told."""
    made, (low, high) = await closed_panel_with_questions(
        db, "Who pays *recruitment* fees?", "Do briefings help?", votes=[0, 2]
    )
    moderator, talk, round_id = await seeded(db)
    posted = await carry_over.carry_over(
        db,
        moderator.viewer,
        CarryOver(round_id=round_id, panel_id=made.panel_id, question_ids=[low, high]),
    )
    contributions = [
        json.loads(e.data)["contribution"]
        for e in await logged(db, discussion_channel(talk))
        if e.type == "discussions.contribution.posted"
    ]
    assert [c["id"] for c in contributions] == posted
    first, second = contributions
    assert first["body_html"].startswith("<p>Do briefings help?</p>")
    assert second["body_html"].startswith("<p>Who pays *recruitment* fees?</p>")
    assert (
        f'Asked by Asker 1 at the panel <a href="/panels/{made.panel.slug}"' in second["body_html"]
    )
    assert first["thread_id"] is None and first["author_name"] == moderator.name
    for asker, question_id in zip(made.participants, (low, high), strict=True):
        [told] = [
            json.loads(e.data)["notice"]
            for e in await logged(db, user_channel(asker.id))
            if e.type == "discussions.question.carried_over"
        ]
        assert told["question_id"] == question_id
        assert told["panel_title"] == made.panel.title
    page = await queries.discussion_page(db, anonymous("v"), talk)
    assert page.current is not None
    assert [t.root.id for t in page.current.threads] == posted


async def test_an_anonymous_question_is_credited_without_its_askers_name(db: Database) -> None:
    """A question asked anonymously is carried as "asked anonymously": the name never shows,
    though the asker is still told."""
    made = await cast(db, "Amina", panelist=True)
    question_id = await ask(db, made.participants[0], made.panel_id, "Is it safe?", anonymous=True)
    await approve(db, made.moderator, question_id)
    await move_panel(db, made.moderator.viewer, made.panel_id, PanelState.CLOSED)
    moderator, _talk, round_id = await seeded(db)
    await carry_over.carry_over(
        db,
        moderator.viewer,
        CarryOver(round_id=round_id, panel_id=made.panel_id, question_ids=[question_id]),
    )
    [event] = [
        e for e in await everything_logged(db) if e.type == "discussions.contribution.posted"
    ]
    assert "Amina" not in event.data and "Asked anonymously at the panel" in event.data
    assert any(
        e.type == "discussions.question.carried_over"
        for e in await logged(db, user_channel(made.participants[0].id))
    )


async def test_a_question_seeds_each_round_once(db: Database) -> None:
    """The same question is carried into a round of one discussion, into a later round of it
    and into a round of another discussion, its asker told each time; carrying it into one of
    those rounds again is refused and changes nothing."""
    made, (question_id,) = await closed_panel_with_questions(db, "Who pays?")
    moderator, talk, round_id = await seeded(db)
    later = await round_in(db, talk, RoundState.PLANNED)
    other_moderator, _other_talk, elsewhere = await seeded(db)
    posted: list[int] = []
    for who, into in ((moderator, round_id), (moderator, later), (other_moderator, elsewhere)):
        form = CarryOver(round_id=into, panel_id=made.panel_id, question_ids=[question_id])
        posted += await carry_over.carry_over(db, who.viewer, form)
    assert len(set(posted)) == 3
    told = [
        json.loads(e.data)["notice"]
        for e in await logged(db, user_channel(made.participants[0].id))
        if e.type == "discussions.question.carried_over"
    ]
    assert [t["contribution_id"] for t in told] == posted
    for who, into in ((moderator, round_id), (moderator, later), (other_moderator, elsewhere)):
        again = CarryOver(round_id=into, panel_id=made.panel_id, question_ids=[question_id])
        await refused(
            db,
            "discussions.already_carried",
            lambda w=who, f=again: carry_over.carry_over(db, w.viewer, f),
        )


async def test_a_repeat_among_new_questions_refuses_them_all(db: Database) -> None:
    """Carrying a new question along with one already carried into that round is refused
    whole, naming the repeat: the new one is not carried either."""
    made, (carried, fresh) = await closed_panel_with_questions(db, "Who pays?", "Who checks?")
    moderator, _talk, round_id = await seeded(db)
    first = CarryOver(round_id=round_id, panel_id=made.panel_id, question_ids=[carried])
    await carry_over.carry_over(db, moderator.viewer, first)
    both = CarryOver(round_id=round_id, panel_id=made.panel_id, question_ids=[fresh, carried])
    before = len(await everything_logged(db))
    with pytest.raises(FairError) as caught:
        await carry_over.carry_over(db, moderator.viewer, both)
    assert caught.value.code == "discussions.already_carried"
    assert caught.value.message.endswith(f": {carried}")
    assert len(await everything_logged(db)) == before
    again = CarryOver(round_id=round_id, panel_id=made.panel_id, question_ids=[fresh])
    assert len(await carry_over.carry_over(db, moderator.viewer, again)) == 1


async def test_only_published_unanswered_questions_of_a_closed_panel_are_carried(
    db: Database,
) -> None:
    """A pending question, an answered one, one of a panel still live, or an unknown one is
    refused; so is a closed round, or a panel that does not exist."""
    made, (answered, kept) = await closed_panel_with_questions(db, "Answered?", "Open?")
    await qa_actions.answer(
        db, made.panelist.viewer, AnswerInput(question_id=answered, text="Yes.", live=False)
    )
    live = await panel(db, made.organiser, title="Still live", moderators=[made.moderator])
    pending = await ask(db, made.participants[0], live.id, "Still live?")
    moderator, talk, round_id = await seeded(db)
    for panel_id, question_id in (
        (made.panel_id, answered),
        (live.id, pending),
        (made.panel_id, pending),
        (made.panel_id, 99999),
    ):
        form = CarryOver(round_id=round_id, panel_id=panel_id, question_ids=[question_id])
        await refused(
            db,
            "discussions.not_carriable",
            lambda f=form: carry_over.carry_over(db, moderator.viewer, f),
        )
    closed = await round_in(db, talk, RoundState.CLOSED)
    form = CarryOver(round_id=closed, panel_id=made.panel_id, question_ids=[kept])
    await refused(
        db, "discussions.round_closed", lambda: carry_over.carry_over(db, moderator.viewer, form)
    )
    form = CarryOver(round_id=round_id, panel_id=99999, question_ids=[kept])
    await refused(
        db, "discussions.panel_not_found", lambda: carry_over.carry_over(db, moderator.viewer, form)
    )


async def test_only_the_discussions_moderators_carry_questions_over(db: Database) -> None:
    """The asker themself, the panel's own moderator and a visitor are refused."""
    made, (question_id,) = await closed_panel_with_questions(db, "Who pays?")
    _moderator, _talk, round_id = await seeded(db)
    form = CarryOver(round_id=round_id, panel_id=made.panel_id, question_ids=[question_id])
    for who, code in (
        (made.participants[0].viewer, "discussions.not_moderator"),
        (anonymous("v"), "account.login_required"),
    ):
        await refused(db, code, lambda w=who: carry_over.carry_over(db, w, form))
    # The panel's moderator has the fair's moderator role, but does not run this discussion.
    await refused(
        db,
        "discussions.not_moderator",
        lambda: carry_over.carry_over(db, made.moderator.viewer, form),
    )


async def test_two_moderators_carrying_one_question_into_a_round_at_once_carry_it_once(
    db: Database,
) -> None:
    """Two moderators of a discussion carry the same question into the same round at the same
    moment: one gets it, the other is refused as a repeat, and one seed post exists."""
    made, (question_id,) = await closed_panel_with_questions(db, "Who pays?")
    first, second = await members(db, Role.PARTICIPANT, Role.PARTICIPANT)
    talk = await discussion(db, [first, second])
    round_id = await round_in(db, talk)
    form = CarryOver(round_id=round_id, panel_id=made.panel_id, question_ids=[question_id])
    results = await asyncio.gather(
        *(carry_over.carry_over(db, who.viewer, form) for who in (first, second)),
        return_exceptions=True,
    )
    refusals = [r for r in results if isinstance(r, FairError)]
    assert [r.code for r in refusals] == ["discussions.already_carried"]
    assert len([r for r in results if isinstance(r, list)]) == 1
    posted = [e for e in await everything_logged(db) if e.type == "discussions.contribution.posted"]
    assert len(posted) == 1
