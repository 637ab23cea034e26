"""A panel's questions as a CSV file: its own moderators (not only organisers) export every
question in every state, with the reason, the merge, votes and answers; others are refused."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import pytest

from fair.core.accounts.roles import Role
from fair.qa import actions
from fair.qa.inputs import AnswerInput, Merge, QuestionHiding, VoteInput
from fair.qa.rules import RejectReason
from tests.conftest import make_settings
from tests.support.forms import browser
from tests.support.qa import approve, ask, cast, members, reject
from tests.support.servers import RunningServer, serve


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url)) as running:
        yield running


async def test_the_panels_moderator_exports_every_question_in_every_state(
    server: RunningServer,
) -> None:
    """Five questions: answered live (with a vote), not taken as off-topic, merged into the
    first, hidden, and one still pending; an anonymous asker stays anonymous. The file has a
    BOM and one row per question in asking order; a participant and a moderator of other
    panels get 403."""
    db = server.services.db
    c = await cast(db, "Ama", "Bola", panelist=True)
    ama, bola = c.participants
    first = await ask(db, ama, c.panel.id, "How do fees fall?")
    off = await ask(db, bola, c.panel.id, "What is for lunch?")
    again = await ask(db, bola, c.panel.id, "Will fees come down?")
    rude = await ask(db, bola, c.panel.id, '=HYPERLINK("x")', anonymous=True)
    await ask(db, ama, c.panel.id, "Pending one", anonymous=True)
    await approve(db, c.moderator, first)
    await reject(db, c.moderator, off, RejectReason.OFF_TOPIC)
    await actions.merge(db, c.moderator.viewer, Merge(question_id=again, into_id=first))
    await approve(db, c.moderator, rude)
    await actions.hide(
        db, c.moderator.viewer, QuestionHiding(question_id=rude, reason="A formula, not a question")
    )
    await actions.vote(db, bola.viewer, VoteInput(question_id=first))
    await actions.answer(
        db, c.panelists[0].viewer, AnswerInput(question_id=first, text="Competition.", live=True)
    )
    async with browser(server, c.moderator.cookies) as http:
        response = await http.get(f"/panels/{c.panel.slug}/questions.csv")
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Question", "Text", "Asked by", "Asked at (UTC)", "State"]
    by_id = {row[0]: row for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == [str(q) for q in (first, off, again, rude)] + [
        rows[-1][0]
    ]
    assert by_id[str(first)][4:][:1] == ["answered"]
    assert by_id[str(first)][7:10] == ["1", "yes", "Competition."]
    assert by_id[str(off)][4:6] == ["rejected", "off-topic"]
    assert by_id[str(again)][4:7] == ["merged", "", str(first)]
    assert by_id[str(rude)][1:3] == ['\'=HYPERLINK("x")', "anonymous"]
    assert by_id[str(rude)][4] == "hidden" and by_id[str(rude)][11] == "A formula, not a question"
    assert rows[-1][2:5:2] == ["anonymous", "pending"]
    (other_moderator,) = await members(db, Role.MODERATOR)
    for refused in (ama, other_moderator):
        async with browser(server, refused.cookies) as http:
            denied = await http.get(f"/panels/{c.panel.slug}/questions.csv")
        assert denied.status_code == 403
        assert "How do fees fall?" not in denied.text
