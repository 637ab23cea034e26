"""Every write command is limited in one place: over the socket and over its plain form alike."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from discussions.actions import moderation
from discussions.actions import people as tools
from discussions.actions.setup import close_round
from discussions.actions.synthesis import save_synthesis
from discussions.inputs import Moderation, Muting, RoundRef, SynthesisDraft
from discussions.jobs import HANDBOOK
from discussions.rules import MuteSpan, RoundState
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import SYSTEM
from fair.core.consumers import caught_up
from fair.core.db import Database
from fair.core.inputs import parse
from fair.core.leases import JobRun
from fair.core.notifications.consumer import notifications_consumer
from fair.core.security import VISITOR_COOKIE, csrf_token
from fair.core.tables import Base, utcnow
from fair.hall.actions import visits
from fair.hall.inputs import CardInput, ChatPost, ChatRemoval
from fair.qa import actions as qa_actions
from fair.qa.inputs import QuestionHiding
from fair.qa.rules import PanelState
from tests.conftest import make_settings
from tests.support import discussions, qa
from tests.support.hall import booth
from tests.support.jobs import lease_of, until
from tests.support.live_client import live_client
from tests.support.qa import Member
from tests.support.reports import report
from tests.support.servers import RunningServer, serve

FROZEN_AT = 1_700_000_000.0
"""The limits' clock stands still in these tests, so no window can end halfway through one."""

Data = Callable[[int], dict[str, Any]]
Form = Callable[[int], tuple[str, dict[str, str]]]


@dataclass(frozen=True)
class Case:
    """Who runs a command, its data for the i-th call, and its form route and fields for it."""

    actor: Member
    data: Data
    form: Form


SCHEDULER_TABLES = {JobRun.__tablename__}
"""The job runner's bookkeeping: every worker renews its leases in the background, whatever
commands arrive, so these rows change by themselves."""


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    """A real server whose handbook export job runs once at start and then not for a day: the
    exports this test queues stay queued, so nothing changes behind a refusal's back."""
    settings = make_settings(
        sqlite_url,
        send_queue_frames=64,
        job_intervals=(f"{HANDBOOK.name}=86400",),
        jobs_off=(),
    )
    async with serve(settings) as running:
        yield running


async def handbook_job_idle(db: Database) -> bool:
    lease = await lease_of(db, HANDBOOK.name)
    return lease is not None and lease.last_completed_at is not None


async def database_state(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the scheduler's: to prove a refusal changed nothing."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    async with db.reading() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in SCHEDULER_TABLES:
                continue
            rows = (await session.execute(select(table))).all()
            state[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return state


@contextlib.asynccontextmanager
async def browser(server: RunningServer, actor: Member) -> AsyncIterator[httpx.AsyncClient]:
    """A browser logged in as `actor`, with a visitor id of its own."""
    cookies = {**actor.cookies, VISITOR_COOKIE: f"visitor-{actor.id}"}
    async with httpx.AsyncClient(base_url=server.base_url, cookies=cookies) as http:
        yield http


def with_token(server: RunningServer, actor: Member, fields: dict[str, str]) -> dict[str, str]:
    secret = server.services.settings.secret_key
    return {"csrf": csrf_token(secret, f"visitor-{actor.id}"), **fields}


def act(name: str, fields: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The Q&A form route: `/qa/act` with the command's name, booleans as "1" or "0"."""
    as_text = {
        key: ("1" if value else "0") if isinstance(value, bool) else str(value)
        for key, value in fields.items()
    }
    return "/qa/act", {"type": name, "back": "/panels", **as_text}


def discuss(name: str, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The discussions' form route: `/discussions/act` with the command's name (a list as
    one field per item, as checkboxes send it)."""
    return "/discussions/act", {
        "type": name,
        "back": "/discussions",
        **{
            key: [str(v) for v in value] if isinstance(value, list) else str(value)
            for key, value in fields.items()
        },
    }


async def cases(server: RunningServer) -> dict[str, Case]:
    """A booth with its exhibitor, two panels with their people, and one case per command."""
    db = server.services.db
    organiser, moderator, panelist, exhibitor, amina, bako = await qa.members(
        db, Role.ORGANISER, Role.MODERATOR, Role.PANELIST, "Exhibitor", "Amina", "Bako"
    )
    stand = await booth(db, organiser.viewer, team=[exhibitor.user])
    messages = [
        await visits.post_chat_message(db, amina.viewer, ChatPost(booth_id=stand.id, body=f"m{i}"))
        for i in range(3)
    ]
    removed = [
        await visits.post_chat_message(db, amina.viewer, ChatPost(booth_id=stand.id, body=f"r{i}"))
        for i in range(3)
    ]
    for message in removed:
        await visits.remove_chat_message(
            db, SYSTEM, ChatRemoval(message_id=message.id, reason="Spam")
        )
    cards = [
        await visits.leave_card(db, amina.viewer, stand.id, CardInput(message=f"Card {i}"))
        for i in range(3)
    ]
    live = await qa.panel(db, organiser, moderators=[moderator], panelists=[panelist])
    later = await qa.panel(
        db, organiser, state=PanelState.SCHEDULED, moderators=[moderator], title="Later on"
    )

    async def asked(approved: bool) -> list[int]:
        ids = [await qa.ask(db, bako, live.id, f"Question number {n}?") for n in range(3)]
        for question_id in ids if approved else []:
            await qa.approve(db, moderator, question_id)
        return ids

    pending, to_merge = await asked(False), await asked(False)
    corrected = (await asked(False))[0]
    votable, hideable, taken, answerable, restorable = [await asked(True) for _ in range(5)]
    for question_id in restorable:
        await qa_actions.hide(
            db, moderator.viewer, QuestionHiding(question_id=question_id, reason="Off topic")
        )
    target = votable[0]
    states = [PanelState.OPEN, PanelState.SCHEDULED, PanelState.OPEN]

    def q(name: str, actor: Member, data: Data) -> Case:
        return Case(actor, data, lambda i: act(name, data(i)))

    def d(name: str, actor: Member, data: Data) -> Case:
        return Case(actor, data, lambda i: discuss(name, data(i)))

    talk = await discussions.discussion(db, [moderator])
    theme_id = (await discussions.themes(db))[0]
    planned = [
        await discussions.round_in(db, talk, RoundState.PLANNED, opens_in=timedelta(days=1))
        for _ in range(3)
    ]
    opened = [await discussions.round_in(db, talk) for _ in range(4)]
    talking = opened[3]
    bakos = await discussions.post(db, bako, talking, "Partnerships need time.")
    deadline = utcnow() + timedelta(days=30)
    stances = ["agree", "nuance", "disagree"]
    reactions = ["useful", "thanks", "question"]
    bako_posts = [
        await discussions.post(db, bako, talking, f"Bako's post number {n}") for n in range(12)
    ]
    to_hide, to_restore = bako_posts[0:3], bako_posts[3:6]
    to_report, reported = bako_posts[6:9], bako_posts[9:12]
    for post_id in to_restore:
        await moderation.hide_contribution(
            db, SYSTEM, Moderation(contribution_id=post_id, reason="Spam")
        )
    items = [(await report(db, amina, "discussions.post", p)).id for p in reported]

    def r(name: str, actor: Member, data: Data) -> Case:
        return Case(
            actor,
            data,
            lambda i: (
                "/reports/act",
                {"type": name, "back": "/moderate/reports"}
                | {
                    key: str(value[0] if isinstance(value, list) else value)
                    for key, value in data(i).items()
                },
            ),
        )

    moderated = await discussions.discussion(db, [moderator], title="A moderated discussion")
    tooled = await discussions.round_in(db, moderated)
    other_round = await discussions.round_in(db, moderated)
    roots = [await discussions.post(db, bako, tooled, f"Thread number {n}") for n in range(9)]
    pinnable, lockable, movable = roots[:3], roots[3:6], roots[6:9]
    people = await qa.members(db, "Chidi", "Dunni", "Efua", "Fatou", "Gora", "Hawa")
    for person in people:
        await discussions.post(db, person, tooled, f"I am {person.name}")
    for person in people[:3]:
        await tools.mute_participant(
            db,
            moderator.viewer,
            Muting(discussion_id=moderated, user_id=person.id, span=MuteSpan.HOUR, reason="Rude"),
        )
    slow_modes = ["1m", "5m", "15m"]
    closed = [await discussions.round_in(db, talk) for _ in range(6)]
    for round_id in closed:
        await discussions.post(db, bako, round_id, "Worth citing.")
        await close_round(db, SYSTEM, RoundRef(round_id=round_id))
    drafted = closed[3:]
    for round_id in drafted:
        await save_synthesis(
            db, moderator.viewer, SynthesisDraft(round_id=round_id, body="A draft.")
        )
    carried, questions = await discussions.closed_panel_with_questions(
        db, "First to carry?", "Second to carry?", "Third to carry?"
    )

    return {
        "hall.chat.post": Case(
            amina,
            lambda i: {"booth_id": stand.id, "body": f"Hello number {i}"},
            lambda i: (f"/booths/{stand.slug}/chat", {"body": f"Hello number {i}"}),
        ),
        "hall.chat.remove": Case(
            exhibitor,
            lambda i: {"message_id": messages[i].id, "reason": "Spam"},
            lambda i: (f"/booths/{stand.slug}/chat/{messages[i].id}/remove", {"reason": "Spam"}),
        ),
        "hall.chat.restore": Case(
            exhibitor,
            lambda i: {"message_id": removed[i].id, "reason": "Not spam"},
            lambda i: (
                f"/booths/{stand.slug}/chat/{removed[i].id}/restore",
                {"reason": "Not spam"},
            ),
        ),
        "hall.card.leave": Case(
            amina,
            lambda i: {"booth_id": stand.id, "message": f"My card {i}"},
            lambda i: (f"/booths/{stand.slug}/card", {"message": f"My card {i}"}),
        ),
        "hall.card.answer": Case(
            exhibitor,
            lambda i: {"card_id": cards[i].id, "answer": f"Answer {i}"},
            lambda i: (f"/cards/{cards[i].id}/answer", {"answer": f"Answer {i}"}),
        ),
        "hall.booth.keep": Case(
            amina,
            lambda i: {"booth_id": stand.id, "keep": i % 2 == 0},
            lambda i: (
                f"/booths/{stand.slug}/keep",
                {"keep": "1" if i % 2 == 0 else "0", "back": "/hall"},
            ),
        ),
        "qa.question.ask": q(
            "qa.question.ask", amina, lambda i: {"panel_id": live.id, "text": f"Asked {i} now?"}
        ),
        "qa.vote": q("qa.vote", amina, lambda i: {"question_id": votable[i], "up": True}),
        "qa.question.decide": q(
            "qa.question.decide", moderator, lambda i: {"question_id": pending[i], "approve": True}
        ),
        "qa.question.correct": q(
            "qa.question.correct",
            moderator,
            lambda i: {"question_id": corrected, "text": f"Corrected wording {i}?"},
        ),
        "qa.question.merge": q(
            "qa.question.merge",
            moderator,
            lambda i: {"question_id": to_merge[i], "into_id": target},
        ),
        "qa.question.tag": q(
            "qa.question.tag", moderator, lambda i: {"question_id": target, "tags": f"tag{i}"}
        ),
        "qa.question.hide": q(
            "qa.question.hide",
            moderator,
            lambda i: {"question_id": hideable[i], "reason": "Off topic"},
        ),
        "qa.question.restore": q(
            "qa.question.restore",
            moderator,
            lambda i: {"question_id": restorable[i], "reason": "On topic"},
        ),
        "qa.answering.set": q(
            "qa.answering.set", panelist, lambda i: {"panel_id": live.id, "question_id": taken[i]}
        ),
        "qa.question.answer": q(
            "qa.question.answer",
            panelist,
            lambda i: {"question_id": answerable[i], "text": f"The answer {i}"},
        ),
        "qa.panel.move": q(
            "qa.panel.move", moderator, lambda i: {"panel_id": later.id, "state": states[i]}
        ),
        "qa.backstage.note": q(
            "qa.backstage.note", panelist, lambda i: {"panel_id": live.id, "text": f"Note {i}"}
        ),
        "discussions.theme.create": d(
            "discussions.theme.create", organiser, lambda i: {"name": f"Theme number {i}"}
        ),
        "discussions.discussion.create": d(
            "discussions.discussion.create",
            organiser,
            lambda i: {"theme_id": theme_id, "title": f"Discussion number {i}"},
        ),
        "discussions.round.add": d(
            "discussions.round.add",
            moderator,
            lambda i: {
                "discussion_id": talk,
                "question": f"Guiding question {i}?",
                "opens_at": deadline.isoformat(),
                "closes_at": (deadline + timedelta(days=7)).isoformat(),
            },
        ),
        "discussions.round.open": d(
            "discussions.round.open", moderator, lambda i: {"round_id": planned[i]}
        ),
        "discussions.round.close": d(
            "discussions.round.close", moderator, lambda i: {"round_id": opened[i]}
        ),
        "discussions.round.extend": d(
            "discussions.round.extend",
            moderator,
            lambda i: {
                "round_id": talking,
                "closes_at": (deadline + timedelta(days=i)).isoformat(),
            },
        ),
        "discussions.contribution.post": d(
            "discussions.contribution.post",
            amina,
            lambda i: {"round_id": talking, "body": f"My post number {i}"},
        ),
        "discussions.stance.set": d(
            "discussions.stance.set",
            amina,
            lambda i: {"contribution_id": bakos, "stance": stances[i]},
        ),
        "discussions.reaction.toggle": d(
            "discussions.reaction.toggle",
            amina,
            lambda i: {"contribution_id": bakos, "kind": reactions[i]},
        ),
        "discussions.contribution.hide": d(
            "discussions.contribution.hide",
            moderator,
            lambda i: {"contribution_id": to_hide[i], "reason": "Advertising"},
        ),
        "discussions.contribution.restore": d(
            "discussions.contribution.restore",
            moderator,
            lambda i: {"contribution_id": to_restore[i], "reason": "A real offer"},
        ),
        "reports.content.report": r(
            "reports.content.report",
            amina,
            lambda i: {"kind": "discussions.post", "content_id": to_report[i], "reason": "spam"},
        ),
        "reports.items.handle": r(
            "reports.items.handle",
            moderator,
            lambda i: {"item_ids": [items[i]], "action": "dismiss"},
        ),
        "discussions.thread.pin": d(
            "discussions.thread.pin", moderator, lambda i: {"thread_id": pinnable[i]}
        ),
        "discussions.thread.lock": d(
            "discussions.thread.lock", moderator, lambda i: {"thread_id": lockable[i]}
        ),
        "discussions.contribution.move": d(
            "discussions.contribution.move",
            moderator,
            lambda i: {"contribution_id": movable[i], "to_round_id": other_round},
        ),
        "discussions.participant.mute": d(
            "discussions.participant.mute",
            moderator,
            lambda i: {
                "discussion_id": moderated,
                "user_id": people[3 + i].id,
                "span": "1h",
                "reason": "Off topic",
            },
        ),
        "discussions.participant.unmute": d(
            "discussions.participant.unmute",
            moderator,
            lambda i: {"discussion_id": moderated, "user_id": people[i].id},
        ),
        "discussions.focal_point.set": d(
            "discussions.focal_point.set",
            moderator,
            lambda i: {"discussion_id": moderated, "user_id": people[i].id},
        ),
        "discussions.slow_mode.set": d(
            "discussions.slow_mode.set",
            moderator,
            lambda i: {"discussion_id": moderated, "mode": slow_modes[i], "reason": "Calm"},
        ),
        "discussions.synthesis.save": d(
            "discussions.synthesis.save",
            moderator,
            lambda i: {"round_id": closed[i], "body": f"Synthesis number {i}"},
        ),
        "discussions.synthesis.publish": d(
            "discussions.synthesis.publish", moderator, lambda i: {"round_id": drafted[i]}
        ),
        "discussions.questions.carry_over": d(
            "discussions.questions.carry_over",
            moderator,
            lambda i: {
                "round_id": talking,
                "panel_id": carried.panel_id,
                "question_ids": [questions[i]],
            },
        ),
        "discussions.handbook.request": d("discussions.handbook.request", organiser, lambda i: {}),
        "discussions.discussion.follow": d(
            "discussions.discussion.follow",
            amina,
            lambda i: {"discussion_id": moderated, "follow": i % 2 == 0},
        ),
        "qa.panel.follow": q(
            "qa.panel.follow", amina, lambda i: {"panel_id": later.id, "follow": i % 2 == 0}
        ),
        "notifications.settings.save": Case(
            amina,
            lambda i: {"digest": "daily", "digest_hour": 7 + i},
            lambda i: ("/notifications/settings", {"digest": "daily", "digest_hour": str(7 + i)}),
        ),
        "notifications.read": Case(
            amina, lambda i: {"all": True}, lambda i: ("/notifications/read", {"all": "1"})
        ),
    }


def socket_data(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """The command's data as the page script sends it (tags as a list)."""
    if name == "qa.question.tag":
        return {**data, "tags": [data["tags"]]}
    return data


async def test_every_write_command_is_limited_over_the_socket_and_its_form(
    server: RunningServer, subtests: pytest.Subtests
) -> None:
    """Past its declared limit each write command is refused with `<action>.rate_limited` and
    changes nothing, whether it comes over the socket or from its plain form; both count."""
    services = server.services
    services.limits.clock = lambda: FROZEN_AT
    every = await cases(server)
    await until(lambda: handbook_job_idle(services.db))
    notifying = notifications_consumer(services.notifiers, services.notice_kinds)
    assert notifying is not None
    writes = {name for name, command in services.commands.items() if command.writes}
    assert writes == set(every)
    for name in sorted(writes):
        with subtests.test(name):
            command, case = services.commands[name], every[name]
            limit = command.limit
            assert limit is not None and limit.count >= 2
            first = parse(command.input, socket_data(name, case.data(0)))
            for _ in range(limit.count - 2):
                await services.limits.hit(limit, case.actor.viewer.person, first)
            code = f"{limit.action}.rate_limited"
            async with (
                live_client(server.ws_url, origin=server.origin, cookies=case.actor.cookies) as ws,
                browser(server, case.actor) as http,
            ):
                accepted = await ws.request(name, socket_data(name, case.data(0)))
                assert accepted["ok"], accepted
                path, fields = case.form(1)
                posted = await http.post(path, data=with_token(server, case.actor, fields))
                assert posted.status_code == 303, posted.text
                # What the accepted calls set off is done: the consumer changes nothing after.
                await until(lambda: caught_up(services.db, notifying))
                before = await database_state(services.db)
                refused = await ws.request(name, socket_data(name, case.data(2)))
                assert refused["ok"] is False and refused["error"]["code"] == code
                path, fields = case.form(2)
                posted = await http.post(
                    path,
                    data=with_token(server, case.actor, fields),
                    headers={"accept": "application/json"},
                )
                assert posted.status_code == 429
                assert code in posted.text
                assert await database_state(services.db) == before
