"""A closed panel's report over HTTP: exact figures from stored attendance, presence samples and
questions in every state, its tables as CSV files, printable, for its moderators and
organisers only, and only once the panel has closed."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from fair.core.accounts.roles import Role
from fair.core.attendance.models import Attendance, PresenceSample
from fair.core.tables import utcnow
from fair.qa import actions
from fair.qa.channels import panel_channel
from fair.qa.inputs import AnswerInput, Merge, QuestionHiding, VoteInput
from fair.qa.rules import PanelState, RejectReason
from tests.conftest import make_settings
from tests.support.forms import browser
from tests.support.qa import Cast, Member, approve, ask, cast, members, move_panel, panel, reject
from tests.support.servers import RunningServer, serve


@pytest.fixture
async def server(database_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(database_url)) as running:
        yield running


async def closed_panel(server: RunningServer) -> Cast:
    """Ten questions: two answered (2 and 1 votes; one in writing, one live), two published and
    unanswered (2 votes, and 0 asked anonymously), one pending, three not published (twice
    off-topic, once unclear), one merged, one hidden. Five people watched over two days,
    seven at most at once; then the panel closes."""
    db = server.services.db
    c = await cast(db, "Ama", "Bola", "Chen", panelist=True)
    ama, bola, chen = c.participants
    p = c.panel_id

    async def published(asker: Member, text: str, *voters: Member, anonymous: bool = False) -> int:
        question_id = await ask(db, asker, p, text, anonymous=anonymous)
        await approve(db, c.moderator, question_id)
        for voter in voters:
            await actions.vote(db, voter.viewer, VoteInput(question_id=question_id))
        return question_id

    fees = await published(ama, "How do fees fall?", bola, chen)
    wallets = await published(bola, "Which wallets work offline?", ama)
    await published(chen, "Are diaspora bonds safe?", ama, bola)
    await published(ama, "What about taxes abroad?", anonymous=True)
    for asker, text, reason in (
        (bola, "What is for lunch?", RejectReason.OFF_TOPIC),
        (chen, "Lunch again, please?", RejectReason.OFF_TOPIC),
        (ama, "Hmm, what now?", RejectReason.UNCLEAR),
    ):
        await reject(db, c.moderator, await ask(db, asker, p, text), reason)
    again = await ask(db, chen, p, "Will fees come down?")
    await actions.merge(db, c.moderator.viewer, Merge(question_id=again, into_id=fees))
    await ask(db, bola, p, "Still waiting for a moderator")
    rude = await published(chen, "Something rude here")
    await actions.hide(db, c.moderator.viewer, QuestionHiding(question_id=rude, reason="Rude"))
    panelist = c.panelist.viewer
    await actions.answer(db, panelist, AnswerInput(question_id=fees, text="Competition."))
    await actions.answer(db, panelist, AnswerInput(question_id=wallets, live=True))
    await move_panel(db, c.moderator.viewer, p, PanelState.CLOSED)
    now = utcnow()
    async with db.transaction() as tx:
        for person, day in (
            *((f"v{n}", date(2026, 12, 1)) for n in range(4)),
            ("v0", date(2026, 12, 2)),
            ("v1", date(2026, 12, 2)),
            ("v4", date(2026, 12, 2)),
        ):
            tx.session.add(Attendance(person=person, place=panel_channel(p), day=day, first_at=now))
        tx.session.add(
            Attendance(person="v9", place="qa:999999", day=date(2026, 12, 1), first_at=now)
        )
        for minutes, count in ((0, 3), (10, 7), (20, 4)):
            at = now - timedelta(minutes=minutes)
            tx.session.add(PresenceSample(scope=panel_channel(p), at=at, count=count))
        tx.session.add(PresenceSample(scope="fair", at=now, count=99))
    return c


def table(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_the_report_of_a_closed_panel_has_its_exact_figures_and_tables(
    server: RunningServer,
) -> None:
    """Its moderator reads the figures (peak 7, 5 watchers, 10 questions, 5 votes, 2 answers),
    what became of each question as a chart with its table, the reasons, the answers most
    voted first, the open questions; each table downloads as a CSV file with a BOM, the same
    numbers; the printable page has no download links."""
    c = await closed_panel(server)
    slug = c.panel.slug
    async with browser(server, c.moderator.cookies) as http:
        page = await http.get(f"/panels/{slug}/report")
        files = {
            name: await http.get(f"/panels/{slug}/report/{name}.csv")
            for name in ("figures", "outcomes", "reasons", "answered", "unanswered")
        }
        printable = (await http.get(f"/panels/{slug}/report?print=1")).text
        panel_page = (await http.get(f"/panels/{slug}")).text
    assert page.status_code == 200
    html = page.text
    assert '<svg class="chart" id="chart-outcomes"' in html
    assert '<title id="chart-outcomes-title">What became of the questions</title>' in html
    assert '<th scope="row">Peak watchers</th><td>7</td>' in html
    assert '<th scope="row">Published, not answered</th><td>2</td>' in html
    assert html.index("How do fees fall?") < html.index("Which wallets work offline?")
    assert "Answered live." in html and "<strong>Answer:</strong> Competition." in html
    assert f'href="/panels/{slug}/report"' in panel_page
    assert "Download this table" not in printable and "Peak watchers" in printable
    for response in files.values():
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert table(files["figures"].content) == [
        ["Measure", "Value"],
        ["Peak watchers", "7"],
        ["Watchers", "5"],
        ["Questions", "10"],
        ["Votes", "5"],
        ["Answers", "2"],
    ]
    assert table(files["outcomes"].content) == [
        ["Outcome", "Questions"],
        ["Answered", "2"],
        ["Published, not answered", "2"],
        ["Waiting for a moderator", "1"],
        ["Not published", "3"],
        ["Merged with a similar question", "1"],
        ["Hidden by a moderator", "1"],
    ]
    assert table(files["reasons"].content) == [
        ["Why not published", "Questions"],
        ["Off-topic", "2"],
        ["Unclear", "1"],
    ]
    ama, bola, chen = c.participants
    assert table(files["answered"].content) == [
        ["Question", "Asked by", "Votes", "Answered live", "Answer"],
        ["How do fees fall?", ama.name, "2", "", "Competition."],
        ["Which wallets work offline?", bola.name, "1", "yes", ""],
    ]
    assert table(files["unanswered"].content) == [
        ["Question", "Asked by", "Votes"],
        ["Are diaspora bonds safe?", chen.name, "2"],
        ["What about taxes abroad?", "Anonymous", "0"],
    ]


async def test_only_its_moderators_and_organisers_read_it_and_only_once_closed(
    server: RunningServer,
) -> None:
    """A participant, a panelist and another panel's moderator get 403; the organiser reads it;
    an open panel's report is 409 `qa.report_not_ready`; an unknown table is 404."""
    db = server.services.db
    c = await cast(db, "Ama", panelist=True, state=PanelState.CLOSED)
    outsider, theirs = await members(db, Role.MODERATOR, Role.MODERATOR)
    other = await panel(
        db, c.organiser, state=PanelState.OPEN, moderators=[theirs], title="Diaspora bonds"
    )
    slug = c.panel.slug
    for refused in (c.participants[0], c.panelist, outsider):
        async with browser(server, refused.cookies) as http:
            assert (await http.get(f"/panels/{slug}/report")).status_code == 403
            assert (await http.get(f"/panels/{slug}/report/figures.csv")).status_code == 403
    async with browser(server, c.organiser.cookies) as http:
        assert (await http.get(f"/panels/{slug}/report")).status_code == 200
        assert (await http.get(f"/panels/{slug}/report/nothing.csv")).status_code == 404
    async with browser(server, theirs.cookies) as http:
        early = await http.get(f"/panels/{other.slug}/report")
        panel_page = (await http.get(f"/panels/{other.slug}")).text
    assert early.status_code == 409 and "qa.report_not_ready" in early.text
    assert f'href="/panels/{other.slug}/report"' not in panel_page
    assert f'href="/panels/{other.slug}/moderate"' in panel_page
