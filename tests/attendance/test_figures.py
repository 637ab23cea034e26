"""The features' tables on the attendance dashboard, from stored rows: a booth's visits (one
person, one booth, one half-hour), a panel's watchers, peak, questions, votes and answers, and a
discussion round's posts, participants and countries; narrowed to a day and to a theme."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.attendance import queries
from fair.core.attendance.models import Attendance, PresenceSample
from fair.core.db import Database
from fair.core.features import load_features
from fair.core.services import collect_figures
from fair.core.tables import utcnow
from fair.hall.models import BoothVisit
from fair.qa import actions as qa_actions
from fair.qa.inputs import AnswerInput, VoteInput
from tests.support.databases import configured_features
from tests.support.discussions import discussion, post, round_in
from tests.support.hall import booth, theme
from tests.support.qa import approve, ask, cast, members

FIGURES = collect_figures(load_features(configured_features()))


def tables(report: queries.Report) -> dict[str, list[list[object]]]:
    return {table.key: [list(row) for row in table.rows] for table in report.tables}


async def test_booths_panels_and_rounds_have_their_figures(db: Database) -> None:
    """Ama looks at a booth three times in one half-hour and once more an hour later (two
    visits), Bola once (one); the other theme's booth has one visit and drops out when the
    theme is chosen. The panel has two watchers, a peak of 7, two questions, one vote and one
    answer; the round has three posts by two people from two countries."""
    staff = await cast(db, "Ama", "Bola", panelist=True)
    organiser, (ama, bola) = staff.organiser, staff.participants
    await theme(db, "remittances", "Remittances")
    await theme(db, "rights", "Rights")
    homes = await booth(db, organiser.viewer, title="Homes abroad", theme="remittances")
    rights = await booth(db, organiser.viewer, title="Rights first", theme="rights")
    now = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    looks = [
        (homes.id, ama, now + timedelta(minutes=1)),
        (homes.id, ama, now + timedelta(minutes=10)),
        (homes.id, ama, now + timedelta(minutes=29)),
        (homes.id, ama, now + timedelta(minutes=95)),
        (homes.id, bola, now + timedelta(minutes=5)),
        (rights.id, bola, now + timedelta(minutes=7)),
    ]
    panel_id = staff.panel.id
    async with db.transaction() as tx:
        tx.session.add_all(
            BoothVisit(booth_id=b, person=f"u{who.id}", day=at.date(), at=at)
            for b, who, at in looks
        )
        for who in (ama, bola):
            tx.session.add(
                Attendance(
                    person=f"u{who.id}", place=f"qa:{panel_id}", day=now.date(), first_at=now
                )
            )
        tx.session.add(PresenceSample(scope=f"qa:{panel_id}", at=now, count=7))
        tx.session.add(
            PresenceSample(scope=f"qa:{panel_id}", at=now + timedelta(minutes=1), count=4)
        )
        await tx.session.execute(update(User).where(User.id == bola.id).values(country="MX"))
    first = await ask(db, ama, panel_id, "How do remittances reach rural families?")
    await ask(db, bola, panel_id, "Who pays the transfer fees?")
    await approve(db, staff.moderator, first)
    await qa_actions.vote(db, bola.viewer, VoteInput(question_id=first))
    await qa_actions.answer(
        db, staff.panelists[0].viewer, AnswerInput(question_id=first, text="Through mobile money.")
    )
    (moderator,) = await members(db, Role.MODERATOR)
    discussion_id = await discussion(db, [moderator], title="Partnership")
    round_id = await round_in(db, discussion_id)
    root = await post(db, ama, round_id, "Partnerships last when both sides set the agenda.")
    await post(db, bola, round_id, "And when funding is shared.", reply_to=root)
    await post(db, ama, round_id, "Agreed.", reply_to=root)

    report = await queries.attendance_report(db, organiser.viewer, figures=FIGURES)
    found = tables(report)
    assert found["booths"] == [["Homes abroad", 3, 2, 0, 0], ["Rights first", 1, 1, 0, 0]]
    assert found["panels"] == [[staff.panel.title, 7, 2, 2, 1, 1]]
    assert found["rounds"] == [["Partnership, round 1", 3, 2, 2]]
    themed = await queries.attendance_report(db, organiser.viewer, theme="rights", figures=FIGURES)
    assert tables(themed)["booths"] == [["Rights first", 1, 1, 0, 0]]
    yesterday = (now - timedelta(days=2)).date()
    quiet = await queries.attendance_report(db, organiser.viewer, yesterday, figures=FIGURES)
    assert tables(quiet) == {"booths": [], "panels": [], "rounds": []}


def test_a_day_of_the_fair_is_bounded_in_its_zone() -> None:
    """A day in Manila starts at 16:00 UTC the day before."""
    from zoneinfo import ZoneInfo

    scope = queries._scope(ZoneInfo("Asia/Manila"), date(2026, 12, 2), None)
    assert scope.start == datetime(2026, 12, 1, 16, tzinfo=UTC)
    assert scope.end == datetime(2026, 12, 2, 16, tzinfo=UTC)
