"""A submission sent twice, by form or by socket, with the same idempotency key asks once."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from fair.qa.models import Question
from tests.support.live_client import CommandRefused, live_client
from tests.support.qa import cast, snapshot
from tests.support.servers import RunningServer

CSRF_INPUT = re.compile(r'name="csrf" value="([^"]+)"')
IDEM_INPUT = re.compile(r'name="idem" value="([^"]+)"')


async def questions(server: RunningServer) -> int:
    async with server.services.db.reading() as session:
        return int(await session.scalar(select(func.count(Question.id))) or 0)


async def test_a_form_posted_twice_with_its_key_asks_once(server: RunningServer) -> None:
    """The panel page gives each form its own key; posting the ask form twice (a retry after
    a lost response) leaves one question, and a fresh key asks again."""
    c = await cast(server.services.db)
    [amina] = c.participants
    page = f"/panels/{c.panel.slug}"
    async with httpx.AsyncClient(base_url=server.base_url, cookies=amina.cookies) as http:
        html = (await http.get(page)).text
        keys = IDEM_INPUT.findall(html)
        assert keys and len(set(keys)) == len(keys)
        csrf = CSRF_INPUT.search(html)
        assert csrf is not None
        form = {
            "csrf": csrf.group(1),
            "idem": keys[-1],
            "type": "qa.question.ask",
            "back": page,
            "panel_id": str(c.panel_id),
            "text": "Does the group rate cover students?",
        }
        for _ in range(2):
            assert (await http.post("/qa/act", data=form)).status_code == 303
        assert await questions(server) == 1
        fresh = await http.post("/qa/act", data={**form, "idem": str(uuid.uuid4())})
        assert fresh.status_code == 303
        assert await questions(server) == 2
        before = await snapshot(server.services.db)
        bad = await http.post(
            "/qa/act", data={**form, "idem": "no spaces"}, headers={"accept": "application/json"}
        )
        assert (bad.status_code, bad.json()["error"]["code"]) == (422, "command.bad_key")
        assert await snapshot(server.services.db) == before


async def test_a_command_sent_twice_with_its_key_gets_the_first_reply(
    server: RunningServer,
) -> None:
    """Over the socket the repeat replies like the first send and writes nothing; the same key
    with another command is refused."""
    c = await cast(server.services.db)
    [amina] = c.participants
    key = str(uuid.uuid4())
    ask = {"panel_id": c.panel_id, "text": "Is there a fee cap for students?"}
    async with live_client(server.ws_url, origin=server.origin, cookies=amina.cookies) as ws:
        first = await ws.command("qa.question.ask", ask, key=key)
        before = await snapshot(server.services.db)
        assert await ws.command("qa.question.ask", ask, key=key) == first
        assert await snapshot(server.services.db) == before
        with pytest.raises(CommandRefused) as refused:
            await ws.command("qa.vote", {"question_id": first["question_id"]}, key=key)
        assert refused.value.code == "command.key_reused"
        malformed = await ws.request("qa.question.ask", ask, key="x")
        assert malformed["error"]["code"] == "live.malformed"
        assert await snapshot(server.services.db) == before


async def test_repeats_of_one_submission_do_not_count_against_its_limit(
    server: RunningServer,
) -> None:
    """Asking is limited to five per panel; one submission retried more often than that still
    gets its first reply each time, and five fresh ones later are still allowed."""
    c = await cast(server.services.db)
    [amina] = c.participants
    key = str(uuid.uuid4())
    ask = {"panel_id": c.panel_id, "text": "Can families pool their transfers?"}
    async with live_client(server.ws_url, origin=server.origin, cookies=amina.cookies) as ws:
        first = await ws.command("qa.question.ask", ask, key=key)
        for _ in range(6):
            assert await ws.command("qa.question.ask", ask, key=key) == first
        for _ in range(4):
            await ws.command("qa.question.ask", ask, key=str(uuid.uuid4()))
        with pytest.raises(CommandRefused) as refused:
            await ws.command("qa.question.ask", ask, key=str(uuid.uuid4()))
        assert refused.value.code == "qa.ask.rate_limited"
    assert await questions(server) == 5
