"""The organisers' people list over real HTTP: one search box, a role filter, pages that keep
the filter, its CSV export; and the people picker's search, which only organisers may use."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator

import pytest

from discussions.actions.setup import create_theme
from discussions.inputs import ThemeCreation
from fair.core.accounts import actions
from fair.core.accounts.inputs import Registration
from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import SYSTEM
from fair.core.db import Database
from fair.core.exports import BOM
from tests.conftest import make_settings
from tests.support import hall
from tests.support.factories import PASSWORD, login_cookies, person
from tests.support.forms import browser, page_and_token
from tests.support.servers import RunningServer, serve

ROW_NAME = re.compile(r'<th scope="row">([^<]+?)(?: <span|</th>)')


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url)) as running:
        yield running


async def someone(
    db: Database,
    name: str,
    email: str,
    *,
    country: str = "GH",
    organisation: str = "",
    role: Role = Role.PARTICIPANT,
) -> User:
    form = Registration(
        display_name=name,
        email=email,
        password=PASSWORD,
        country=country,
        organisation=organisation,
    )
    return await actions.register(db, form, role=role)


def names(html: str) -> list[str]:
    """The people the list shows, in its order."""
    table = html.split('<table class="people">', 1)[-1].split("</table>", 1)[0]
    return ROW_NAME.findall(table)


async def test_one_box_searches_names_emails_organisations_and_countries(
    database_url: str,
) -> None:
    """The box matches part of a name or organisation in any case, an e-mail's domain, a
    country's code or its name in the page's language; the role filter narrows it; a `%`
    is a character, not a wildcard."""
    async with serve(make_settings(database_url)) as server:
        db = server.services.db
        await someone(db, "Hedy Lamarr", "hedy@films.example", country="AT", organisation="MGM")
        await someone(db, "Kofi Annan", "kofi@un.example", country="GH", organisation="UN 100%")
        await someone(db, "Amina Diallo", "amina@ong.example", country="SN", role=Role.EXHIBITOR)
        organiser = await someone(
            db, "Olive Organiser", "olive@fair.example", country="DE", role=Role.ORGANISER
        )
        async with browser(server, await login_cookies(db, organiser)) as http:

            async def shown(query: dict[str, str], language: str = "en") -> list[str]:
                page = await http.get(
                    "/people", params=query, headers={"accept-language": language}
                )
                assert page.status_code == 200
                return names(page.text)

            assert await shown({"q": "lamarr"}) == ["Hedy Lamarr"]
            assert await shown({"q": "UN.EXAMPLE"}) == ["Kofi Annan"]
            assert await shown({"q": "mgm"}) == ["Hedy Lamarr"]
            assert await shown({"q": "sn"}) == ["Amina Diallo"]
            assert await shown({"q": "senegal"}) == ["Amina Diallo"]
            assert await shown({"q": "Allemagne"}, "fr") == ["Olive Organiser"]
            assert await shown({"q": "Sénégal"}, "fr") == ["Amina Diallo"]
            assert await shown({"q": "0%"}) == ["Kofi Annan"]
            assert await shown({"q": "%"}) == ["Kofi Annan"]
            assert await shown({"role": "exhibitor"}) == ["Amina Diallo"]
            assert await shown({"q": "a", "role": "participant"}) == ["Kofi Annan", "Hedy Lamarr"]
            empty = await http.get("/people", params={"q": "nobody-like-this"})
            assert "Nobody matches this search." in empty.text
            refused = await http.get("/people", params={"role": "emperor"})
            assert refused.status_code == 422


async def test_pages_keep_the_filter_and_say_which_people_they_show(
    server: RunningServer,
) -> None:
    """55 matching people: the first page shows the first 50 "of 55" and links to the second
    with the same search; the second shows the last five and links back."""
    db = server.services.db
    for n in range(55):
        await someone(db, f"Ama {n:02}", f"ama{n}@example.org")
    await someone(db, "Kwame Other", "kwame@example.org")
    organiser = await person(db, Role.ORGANISER, name="Olive")
    async with browser(server, await login_cookies(db, organiser)) as http:
        first = await http.get("/people", params={"q": "ama"})
        assert "1\u201350 of 55" in first.text
        assert len(names(first.text)) == 50 and "Kwame Other" not in names(first.text)
        assert 'href="/people?q=ama&amp;page=2" rel="next"' in first.text
        second = await http.get("/people", params={"q": "ama", "page": "2"})
        assert "51\u201355 of 55" in second.text
        assert names(second.text) == [f"Ama {n:02}" for n in range(4, -1, -1)]
        assert 'href="/people?q=ama&amp;page=1" rel="prev"' in second.text
        assert 'rel="next"' not in second.text
        assert 'href="/people.csv?q=ama"' in second.text


async def test_the_export_is_the_filtered_list_spreadsheet_safe(server: RunningServer) -> None:
    """The CSV has a BOM, a header, the e-mail column, every matching person (not one page),
    accents intact and no cell a spreadsheet would run."""
    db = server.services.db
    await someone(db, "José Ramírez", "jose@example.org", country="MX", organisation="=1+2")
    await someone(db, "Not Shown", "other@example.org")
    organiser = await person(db, Role.ORGANISER, name="Olive")
    async with browser(server, await login_cookies(db, organiser)) as http:
        response = await http.get("/people.csv", params={"q": "ramírez"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="people.csv"' in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows[0] == [
        "Name",
        "E-mail",
        "Country",
        "Organisation",
        "Role",
        "Registered",
        "Suspended",
    ]
    assert [row[:5] for row in rows[1:]] == [
        ["José Ramírez", "jose@example.org", "Mexico", "'=1+2", "participant"]
    ]


async def test_people_pages_are_for_organisers_only(server: RunningServer) -> None:
    """A moderator gets 403 for the list, its export and the picker's search; a stranger is
    sent to log in (the page) or told to (the JSON)."""
    db = server.services.db
    await someone(db, "Hidden Person", "hidden@example.org")
    moderator = await person(db, Role.MODERATOR)
    async with browser(server, await login_cookies(db, moderator)) as http:
        for path in ("/people", "/people.csv", "/people/search.json?q=hidden"):
            response = await http.get(path, headers={"accept": "text/html"})
            assert response.status_code == 403, path
            assert "hidden@example.org" not in response.text
    async with browser(server) as http:
        page = await http.get("/people.csv")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        search = await http.get(
            "/people/search.json", params={"q": "hidden"}, headers={"accept": "application/json"}
        )
        assert search.status_code == 401
        assert search.json()["error"]["code"] == "account.login_required"


async def test_the_picker_offers_at_most_twenty_people_in_good_standing(
    server: RunningServer,
) -> None:
    """The search answers name, organisation and e-mail only, at most 20, never a suspended
    person; fewer than two characters answer nobody; a long query is refused."""
    db = server.services.db
    for n in range(25):
        await someone(db, f"Fatou {n:02}", f"fatou{n}@example.org", organisation="Ndar")
    banned = await someone(db, "Fatou Banned", "banned@example.org")
    organiser = await person(db, Role.ORGANISER, name="Olive")
    await actions.ban(db, await hall.viewer(db, organiser), banned.id)
    async with browser(server, await login_cookies(db, organiser)) as http:
        response = await http.get("/people/search.json", params={"q": "fatou"})
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        people = response.json()["people"]
        assert len(people) == 20
        assert people[0] == {
            "name": "Fatou 00",
            "organisation": "Ndar",
            "email": "fatou0@example.org",
        }
        assert all(p["email"] != "banned@example.org" for p in people)
        one = await http.get("/people/search.json", params={"q": "banned"})
        assert one.json() == {"people": []}
        short = await http.get("/people/search.json", params={"q": "f"})
        assert short.json() == {"people": []}
        long = await http.get(
            "/people/search.json", params={"q": "x" * 101}, headers={"accept": "application/json"}
        )
        assert long.status_code == 422 and long.json()["error"]["code"] == "input.invalid"


async def test_the_picker_search_is_rate_limited(server: RunningServer) -> None:
    """An organiser's searches beyond 120 a minute are refused with 429 and a wait."""
    db = server.services.db
    limits = server.services.limits
    limits.clock = lambda: 6_000_000.0  # one minute's window throughout
    organiser = await person(db, Role.ORGANISER, name="Olive")
    async with browser(server, await login_cookies(db, organiser)) as http:
        for _ in range(119):  # the searches a busy minute already made, counted as the page does
            await limits.check("people.search", str(organiser.id), 120, 60)
        last = await http.get("/people/search.json", params={"q": "zz"})
        refused = await http.get(
            "/people/search.json", params={"q": "zz"}, headers={"accept": "application/json"}
        )
    assert last.status_code == 200
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert refused.json()["error"]["code"] == "people.search.rate_limited"


async def test_a_role_change_returns_to_the_filtered_list(server: RunningServer) -> None:
    """Changing a role from a filtered page goes back to it; a `back` off the people list
    goes to the plain list."""
    db = server.services.db
    target = await someone(db, "Kofi Annan", "kofi@example.org")
    organiser = await person(db, Role.ORGANISER, name="Olive")
    async with browser(server, await login_cookies(db, organiser)) as http:
        _html, token = await page_and_token(http, "/people?q=kofi")
        back = await http.post(
            f"/people/{target.id}/role",
            data={"csrf": token, "role": "panelist", "back": "/people?q=kofi"},
        )
        assert back.headers["location"] == "/people?q=kofi"
        away = await http.post(
            f"/people/{target.id}/role",
            data={"csrf": token, "role": "moderator", "back": "https://evil.example/people"},
        )
        assert away.headers["location"] == "/people"


async def test_the_forms_naming_people_offer_the_picker_and_keep_their_fields(
    server: RunningServer,
) -> None:
    """The panel, discussion and booth-team forms show the picker around the same fields
    (`panelists`, `moderators`, `email`), which take typed e-mails without JavaScript."""
    db = server.services.db
    organiser = await person(db, Role.ORGANISER, name="Olive")
    await hall.booth(db, await hall.viewer(db, organiser))
    await create_theme(db, SYSTEM, ThemeCreation(name="Mobility"))
    async with browser(server, await login_cookies(db, organiser)) as http:
        for path, fields in (
            ("/organise/panels", ("panelists", "moderators")),
            ("/organise/discussions", ("moderators",)),
            ("/organise/booths", ("email",)),
        ):
            page = await http.get(path)
            assert page.status_code == 200, path
            pickers = page.text.split("data-people-picker")[1:]
            assert len(pickers) == len(fields), path
            for field, picker in zip(fields, pickers, strict=True):
                assert f'name="{field}"' in picker.split("</div>", 1)[0], path
            assert "js/people_picker" in page.text and "%(n)s people found" in page.text
