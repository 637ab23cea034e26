"""The Q&A over real websockets and HTTP: moderation across instances, "now answering" on every
screen, resuming equals a fresh load, and the plain-form route."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from fair.core.accounts.channels import user_channel
from fair.qa import actions, queries
from fair.qa.channels import moderation_channel, panel_channel
from fair.qa.inputs import Answering, AnswerInput, Correction, Merge, QuestionHiding, VoteInput
from fair.qa.queries import PanelPage
from tests.scale.conftest import two_instances
from tests.support.live_client import live_client
from tests.support.qa import (
    Cast,
    approve,
    ask,
    cast,
    collect_until,
    heads_of,
    question,
    snapshot,
)
from tests.support.servers import RunningServer

CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf" value="([^"]*)">')


# Across two instances


@pytest.mark.scale
async def test_question_asked_on_one_instance_reaches_the_moderator_on_the_other(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """Asked over a socket on A, it reaches the moderation channel on B and not the public."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        c = await cast(a.services.db)
        [amina] = c.participants
        text = "Which transfer channels cost under 3 % in West Africa?"
        async with (
            live_client(a.ws_url, cookies=amina.cookies) as asker,
            live_client(b.ws_url, cookies=c.moderator.cookies) as moderator,
            live_client(b.ws_url) as public,
        ):
            await moderator.follow(moderation_channel(c.panel_id))
            await public.follow(panel_channel(c.panel_id))
            reply = await asker.command(
                "qa.question.ask", {"panel_id": c.panel_id, "text": text, "anonymous": True}
            )
            assert reply["state"] == "pending"
            [asked] = await moderator.events(moderation_channel(c.panel_id), 1)
            # The public learns only the new counts of the record, never the question.
            public_frames = await public.nothing_pending()
            assert [f["type"] for f in public_frames] == ["qa.record.counted"]
            assert text not in json.dumps(public_frames)
            assert public_frames[0]["data"]["record"]["pending"] == 1
    assert asked["type"] == "qa.question.asked"
    seen = asked["data"]["question"]
    assert (seen["id"], seen["text"], seen["asker_name"], seen["anonymous"]) == (
        reply["question_id"],
        text,
        amina.name,
        True,
    )


@pytest.mark.scale
async def test_approval_on_one_instance_publishes_the_question_to_participants_on_both(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """The moderator approves on B; followers on A and B get it published, the asker is told."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        c = await cast(a.services.db, "Amina", "Bilal")
        amina, bilal = c.participants
        qid = await ask(a.services.db, amina, c.panel_id, "Do mobile wallets reach rural women?")
        channel = panel_channel(c.panel_id)
        async with (
            live_client(a.ws_url, cookies=amina.cookies) as on_a,
            live_client(b.ws_url, cookies=bilal.cookies) as on_b,
            live_client(b.ws_url, cookies=c.moderator.cookies) as moderator,
        ):
            for follower in (on_a, on_b):
                await follower.follow(channel)
            await on_a.follow(user_channel(amina.id))
            await moderator.command("qa.question.decide", {"question_id": qid, "approve": True})
            [published_a] = await on_a.events(channel, 1)
            [published_b] = await on_b.events(channel, 1)
            told = await on_a.events(user_channel(amina.id), 1)
    assert published_a == published_b
    assert published_a["type"] == "qa.question.published"
    assert (published_a["data"]["question"]["id"], published_a["data"]["question"]["state"]) == (
        qid,
        "approved",
    )
    assert told[0]["type"] == "qa.your_question.changed"
    assert told[0]["data"]["question"]["state"] == "approved"


@pytest.mark.scale
async def test_now_answering_switches_on_every_screen(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """The panelist on A moves "now answering" from one question to the next and off: screens on
    A and B follow each switch in order."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        db = a.services.db
        c = await cast(db, panelist=True)
        [amina] = c.participants
        first = await ask(db, amina, c.panel_id, "Which corridors are cheapest today?")
        second = await ask(db, amina, c.panel_id, "Who regulates mobile money in Ghana?")
        for qid in (first, second):
            await approve(db, c.moderator, qid)
        channel = panel_channel(c.panel_id)
        async with (
            live_client(a.ws_url, cookies=c.panelist.cookies) as panelist,
            live_client(a.ws_url) as screen_a,
            live_client(b.ws_url) as screen_b,
        ):
            for screen in (screen_a, screen_b):
                await screen.follow(channel)
            for qid in (first, second, None):
                await panelist.command(
                    "qa.answering.set", {"panel_id": c.panel_id, "question_id": qid}
                )
            switches = [await screen.events(channel, 3) for screen in (screen_a, screen_b)]
    for frames in switches:
        assert [(f["type"], f["data"]["question_id"]) for f in frames] == [
            ("qa.answering.changed", first),
            ("qa.answering.changed", second),
            ("qa.answering.changed", None),
        ]


# Resuming


@dataclass
class Screen:
    """What a panel page shows, as its script keeps it: the questions, "now answering", state."""

    questions: dict[int, tuple[str, int, str, str]]
    answering: int | None
    state: str

    @classmethod
    def loaded(cls, page: PanelPage) -> Screen:
        return cls(
            {q.id: (q.text, q.votes, q.state, q.answer) for q in page.questions},
            page.panel.answering_id,
            page.panel.state,
        )

    def apply(self, frame: dict[str, Any]) -> None:
        """Apply one event frame the way the panel page's script does."""
        data, kind = frame["data"], frame["type"]
        if kind in {"qa.question.published", "qa.question.changed", "qa.question.answered"}:
            q = data["question"]
            self.questions[q["id"]] = (q["text"], q["votes"], q["state"], q["answer"])
        elif kind == "qa.question.withdrawn":
            self.questions.pop(data["question_id"], None)
        elif kind == "qa.votes.counted" and data["question_id"] in self.questions:
            text, _votes, state, answer = self.questions[data["question_id"]]
            self.questions[data["question_id"]] = (text, data["votes"], state, answer)
        elif kind == "qa.answering.changed":
            self.answering = data["question_id"]
        elif kind == "qa.panel.state_changed":
            self.state, self.answering = data["panel"]["state"], data["panel"]["answering_id"]


async def test_participant_who_resumes_from_the_last_seq_sees_what_a_fresh_load_shows(
    server: RunningServer,
) -> None:
    """Page, then live frames, a gap while away, then the missed frames: equals a reload."""
    db = server.services.db
    c = await cast(db, "Amina", "Bilal", panelist=True)
    amina, bilal = c.participants
    pid, channel = c.panel_id, panel_channel(c.panel_id)
    asked = [
        await ask(db, who, pid, f"Question {n} about remittances and fees")
        for n, who in enumerate((amina, bilal, amina, bilal))
    ]
    for qid in asked[:2]:
        await approve(db, c.moderator, qid)
    page = await queries.panel_page(db, amina.viewer, pid)
    screen = Screen.loaded(page)

    async with live_client(server.ws_url, cookies=amina.cookies) as client:
        await client.follow(channel, since=page.head)
        await approve(db, c.moderator, asked[2])
        await actions.vote(db, bilal.viewer, VoteInput(question_id=asked[0]))
        seen = await collect_until(client, await heads_of(db, [channel]))
        seen += await client.nothing_pending()
    for frame in seen:
        screen.apply(frame)
    last = max(f["seq"] for f in seen)

    # While Amina is away.
    panelist, moderator = c.panelist.viewer, c.moderator.viewer
    await actions.set_answering(db, panelist, Answering(panel_id=pid, question_id=asked[0]))
    await actions.vote(db, bilal.viewer, VoteInput(question_id=asked[2]))
    await approve(db, c.moderator, asked[3])
    await actions.hide(db, moderator, QuestionHiding(question_id=asked[1], reason="Off topic"))
    await actions.merge(db, moderator, Merge(question_id=asked[3], into_id=asked[2]))
    await actions.correct(
        db, moderator, Correction(question_id=asked[2], text="Question 2, about fees")
    )
    await actions.answer(db, panelist, AnswerInput(question_id=asked[0], text="Yes.", live=True))
    await actions.set_answering(db, panelist, Answering(panel_id=pid, question_id=asked[2]))

    async with live_client(server.ws_url, cookies=amina.cookies) as client:
        await client.follow(channel, since=last)
        missed = await collect_until(client, await heads_of(db, [channel]))
        missed += await client.nothing_pending()
    assert missed and all(f["seq"] > last for f in missed)
    for frame in missed:
        screen.apply(frame)

    fresh = Screen.loaded(await queries.panel_page(db, amina.viewer, pid))
    assert screen == fresh
    assert fresh.answering == asked[2] and set(fresh.questions) == {asked[0], asked[2]}


# The plain-form route


@contextlib.asynccontextmanager
async def browser(
    server: RunningServer, cookies: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client that keeps cookies like a browser and does not follow redirects."""
    async with httpx.AsyncClient(base_url=server.base_url, cookies=cookies) as http:
        yield http


async def form_token(http: httpx.AsyncClient, page: str) -> str:
    response = await http.get(page)
    assert response.status_code == 200
    match = CSRF_INPUT.search(response.text)
    assert match is not None, f"no CSRF field on {page}"
    return match.group(1)


async def form_cast(server: RunningServer) -> tuple[Cast, str]:
    c = await cast(server.services.db)
    return c, f"/panels/{c.panel.slug}"


async def test_form_route_runs_the_command_and_goes_back(server: RunningServer) -> None:
    """A plain form post asks the question and redirects to where the form was."""
    c, page = await form_cast(server)
    [amina] = c.participants
    async with browser(server, amina.cookies) as http:
        token = await form_token(http, page)
        response = await http.post(
            "/qa/act",
            data={
                "csrf": token,
                "type": "qa.question.ask",
                "back": f"{page}#mine",
                "panel_id": str(c.panel_id),
                "text": "Can a hometown club join the group rate?",
                "anonymous": "1",
            },
        )
    assert response.status_code == 303
    assert response.headers["location"] == f"{page}#mine"
    [mine] = (await queries.panel_page(server.services.db, amina.viewer, c.panel_id)).my_questions
    row = await question(server.services.db, mine.id)
    assert (row.text, row.anonymous, row.state) == (
        "Can a hometown club join the group rate?",
        True,
        "pending",
    )


async def test_form_route_refuses_unknown_commands_and_bad_input_and_changes_nothing(
    server: RunningServer, subtests: pytest.Subtests
) -> None:
    """An unknown command or invalid fields get the 422 error page with the code (and, asked for
    JSON, the field named); a forbidden command gets 403; without the CSRF token, 403. Nothing
    changes."""
    c, page = await form_cast(server)
    [amina] = c.participants
    qid = await ask(server.services.db, amina, c.panel_id, "Which corridors are cheapest?")
    asking = {"type": "qa.question.ask", "back": page, "panel_id": str(c.panel_id)}
    deciding = {"type": "qa.question.decide", "back": page, "question_id": str(qid)}
    cases: dict[str, tuple[dict[str, str], int, str, str | None]] = {
        "unknown command": (
            {**asking, "type": "qa.launch_rockets", "text": "Ignition?"},
            422,
            "live.unknown_command",
            None,
        ),
        "no command": ({"back": page, "text": "Hello there"}, 422, "live.unknown_command", None),
        "text too short": ({**asking, "text": "Hi"}, 422, "input.invalid", "text"),
        "unknown field": (
            {**asking, "text": "Which corridors are cheapest?", "asker_id": "1"},
            422,
            "input.invalid",
            "asker_id",
        ),
        "not a number": (
            {**asking, "panel_id": "seven", "text": "Is it cheap?"},
            422,
            "input.invalid",
            "panel_id",
        ),
        "rejection without a reason": (
            {**deciding, "approve": "0"},
            422,
            "input.invalid",
            "reason",
        ),
        "participant deciding": ({**deciding, "approve": "1"}, 403, "qa.not_moderator", None),
    }
    async with browser(server, amina.cookies) as http:
        token = await form_token(http, page)
        for name, (form, status, code, field) in cases.items():
            with subtests.test(name):
                before = await snapshot(server.services.db)
                response = await http.post("/qa/act", data={"csrf": token, **form})
                assert response.status_code == status
                assert f"<code>{code}</code>" in response.text
                as_json = await http.post(
                    "/qa/act",
                    data={"csrf": token, **form},
                    headers={"accept": "application/json"},
                )
                error = as_json.json()["error"]
                assert (as_json.status_code, error["code"]) == (status, code)
                if field is not None:
                    assert field in error["fields"]
                assert await snapshot(server.services.db) == before
        with subtests.test("no CSRF token"):
            before = await snapshot(server.services.db)
            response = await http.post("/qa/act", data={**asking, "text": "A forged question"})
            assert response.status_code == 403
            assert "<code>security.csrf</code>" in response.text
            assert await snapshot(server.services.db) == before
