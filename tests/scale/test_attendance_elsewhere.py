"""Attendance on two instances sharing PostgreSQL and Redis: a person going back and forth
between them is counted once, and both dashboards answer the same figures."""

from __future__ import annotations

import pytest

from fair.core.accounts.roles import Role
from fair.core.attendance.actions import take_samples
from tests.scale.conftest import two_instances
from tests.support.factories import login_cookies, person
from tests.support.forms import browser
from tests.support.live_client import live_client

pytestmark = pytest.mark.scale


async def test_both_instances_count_a_person_once_and_show_the_same_dashboard(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """Ama opens pages on A and B and keeps a socket on B; the sample taken on A counts her
    (presence is shared); the organiser's dashboard reads the same on both instances."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        db = a.services.db
        ama = await person(db, Role.PARTICIPANT, "Ama")
        organiser = await person(db, Role.ORGANISER, "Olga")
        ama_cookies = await login_cookies(db, ama)
        for server in (a, b, a):
            async with browser(server, ama_cookies) as http:
                assert (await http.get("/hall", headers={"accept": "text/html"})).status_code == 200
        async with live_client(b.ws_url, cookies=ama_cookies) as socket:
            await socket.follow("fair")
            await take_samples(a.services.db, a.services.presence)
        pages = []
        for server in (a, b):
            async with browser(server, await login_cookies(db, organiser)) as http:
                page = await http.get("/organise/attendance", headers={"accept": "text/html"})
                assert page.status_code == 200
                pages.append(page.text)
    figures = [
        p[p.index('<ul class="counts"') : p.index("</ul>", p.index('<ul class="counts"'))]
        for p in pages
    ]
    assert figures[0] == figures[1]
    assert 'id="figure-people">2<' in figures[0], "Ama and the organiser, once each"
    assert 'id="figure-online" data-online-now>1<' in figures[0]
