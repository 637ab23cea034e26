"""Bulk import of booths from CSV and JSON: good rows become drafts, refused rows change nothing."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.errors import FairError
from fair.core.home.models import Theme
from fair.hall.imports import COLUMNS, MAX_ROWS, RowReport, import_booths, read_rows
from fair.hall.models import Booth, BoothCountry, ConsortiumMember, TeamMember
from tests.core.test_accounts_http import browser, form_error, form_token
from tests.support.factories import login_cookies, person
from tests.support.hall import event_count, someone, theme
from tests.support.servers import RunningServer

HEADER = "title,theme,tagline,origin_countries,destination_countries,team,organisations"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


async def stored_booths(db: Database) -> list[dict[str, Any]]:
    """Every booth with its theme, countries, consortium and team, as plain data."""
    async with db.reading() as session:
        found = []
        for row in await session.scalars(select(Booth).order_by(Booth.id)):
            countries = (
                await session.execute(
                    select(BoothCountry.kind, BoothCountry.code)
                    .where(BoothCountry.booth_id == row.id)
                    .order_by(BoothCountry.kind, BoothCountry.code)
                )
            ).all()
            members = (
                await session.execute(
                    select(ConsortiumMember.name, ConsortiumMember.kind, ConsortiumMember.country)
                    .where(ConsortiumMember.booth_id == row.id)
                    .order_by(ConsortiumMember.position)
                )
            ).all()
            team = await session.scalars(
                select(User.email)
                .join(TeamMember, TeamMember.user_id == User.id)
                .where(TeamMember.booth_id == row.id)
                .order_by(User.email)
            )
            theme_slug = (
                await session.scalar(select(Theme.slug).where(Theme.id == row.theme_id))
                if row.theme_id
                else ""
            )
            found.append(
                {
                    "title": row.title,
                    "state": row.state,
                    "tagline": row.tagline,
                    "theme": theme_slug,
                    "countries": [tuple(c) for c in countries],
                    "consortium": [tuple(m) for m in members],
                    "team": list(team),
                }
            )
        return found


async def roles(db: Database, *users: User) -> list[str]:
    async with db.reading() as session:
        return [
            (await session.scalar(select(User.role).where(User.id == user.id))) or ""
            for user in users
        ]


async def whole_state(db: Database) -> dict[str, Any]:
    async with db.reading() as session:
        team = await session.scalar(select(func.count()).select_from(TeamMember))
        people = list(await session.execute(select(User.id, User.role).order_by(User.id)))
    return {
        "booths": await stored_booths(db),
        "team": team,
        "people": [tuple(p) for p in people],
        "events": await event_count(db),
    }


async def organiser_and_team(db: Database) -> tuple[Viewer, User, User]:
    await theme(db, "mobility")
    organiser = await someone(db, Role.ORGANISER)
    return organiser, await person(db), await person(db)


DIASPORA_BOOTH = {
    "title": "Diaspora for Dakar",
    "state": "draft",
    "tagline": "Skills go home",
    "theme": "mobility",
    "countries": [("destination", "BE"), ("destination", "FR"), ("origin", "ML"), ("origin", "SN")],
    "consortium": [
        ("Dakar Diaspora Network", "diaspora association", "FR"),
        ("City of Dakar", "local authority", "SN"),
    ],
}


# Through the import module


async def test_csv_rows_become_draft_booths_with_consortium_countries_and_team(
    db: Database,
) -> None:
    """A valid CSV row makes a draft with its theme, countries, consortium and team."""
    organiser, first, second = await organiser_and_team(db)
    content = csv_file(
        "Diaspora for Dakar,mobility,Skills go home,SN;ML,FR; BE,"
        f"{first.email};{second.email.upper()},"
        '"Dakar Diaspora Network|diaspora association|FR; City of Dakar|local authority|SN"'
    )
    reports = await import_booths(db, organiser, read_rows("booths.csv", content))
    [booth] = await stored_booths(db)
    assert reports == [
        RowReport(
            row=1,
            title="Diaspora for Dakar",
            created=True,
            booth_id=reports[0].booth_id,
            problems={},
        )
    ]
    assert booth == {**DIASPORA_BOOTH, "team": sorted([first.email, second.email])}
    assert await roles(db, first, second) == ["exhibitor", "exhibitor"]


async def test_json_rows_become_draft_booths_with_consortium_countries_and_team(
    db: Database,
) -> None:
    """A JSON list of booths, with lists for countries, team and organisations, makes drafts."""
    organiser, first, second = await organiser_and_team(db)
    rows = [
        {
            "title": "Diaspora for Dakar",
            "theme": "mobility",
            "tagline": "Skills go home",
            "origin_countries": ["SN", "ML"],
            "destination_countries": ["FR", "BE"],
            "team": [first.email, second.email],
            "organisations": [
                {"name": "Dakar Diaspora Network", "kind": "diaspora association", "country": "FR"},
                {"name": "City of Dakar", "kind": "local authority", "country": "SN"},
            ],
        },
        {"title": "A second booth"},
    ]
    content = json.dumps(rows).encode()
    reports = await import_booths(db, organiser, read_rows("booths.JSON", content))
    assert [(r.row, r.created, r.problems) for r in reports] == [(1, True, {}), (2, True, {})]
    assert await stored_booths(db) == [
        {**DIASPORA_BOOTH, "team": sorted([first.email, second.email])},
        {
            "title": "A second booth",
            "state": "draft",
            "tagline": "",
            "theme": "",
            "countries": [],
            "consortium": [],
            "team": [],
        },
    ]


REFUSED_ROWS: dict[str, tuple[dict[str, Any], set[str]]] = {
    "unknown theme": ({"title": "Booth with no theme", "theme": "astrology"}, {"theme"}),
    "bad country": ({"title": "Booth abroad", "origin_countries": "SN;XX"}, {"origin_countries.1"}),
    "unknown team e-mail": (
        {"title": "Booth of ghosts", "team": "{known};nobody@example.org"},
        {"team"},
    ),
    "unknown column": ({"title": "Booth in colour", "colour": "blue"}, {"colour"}),
    "missing title": ({"tagline": "No title here"}, {"title"}),
    "short title": ({"title": "AB"}, {"title"}),
    "bad organisation kind": (
        {"title": "Booth of pirates", "organisations": "Pirates|pirates|SN"},
        {"consortium.members.0.kind"},
    ),
}


@pytest.mark.parametrize("case", list(REFUSED_ROWS))
async def test_refused_row_is_reported_with_its_field_and_changes_nothing(
    sqlite_db: Database, case: str
) -> None:
    """A row with a wrong field is reported naming that field; no booth, team or role changes."""
    db = sqlite_db
    organiser, known, _other = await organiser_and_team(db)
    raw, fields = REFUSED_ROWS[case]
    row = {k: v.replace("{known}", known.email) for k, v in raw.items()}
    before = await whole_state(db)
    [report] = await import_booths(db, organiser, [row])
    assert report.created is False
    assert set(report.problems) == fields
    assert all(report.problems.values())
    assert await whole_state(db) == before
    assert await roles(db, known) == ["participant"]


async def test_good_rows_are_created_beside_refused_ones(db: Database) -> None:
    """In a mixed CSV, each row is judged alone: the good rows become drafts, the bad are listed."""
    organiser, first, _second = await organiser_and_team(db)
    content = csv_file(
        f"Good booth one,mobility,,SN,,{first.email},",
        "Bad theme booth,astrology,,,,,",
        "Good booth two,,,,,,",
        "Bad country booth,,,ZZ,,,",
    )
    reports = await import_booths(db, organiser, read_rows("mixed.csv", content))
    assert [(r.row, r.title, r.created) for r in reports] == [
        (1, "Good booth one", True),
        (2, "Bad theme booth", False),
        (3, "Good booth two", True),
        (4, "Bad country booth", False),
    ]
    assert reports[1].problems.keys() == {"theme"}
    assert reports[3].problems.keys() == {"origin_countries.0"}
    assert [b["title"] for b in await stored_booths(db)] == ["Good booth one", "Good booth two"]


async def test_row_taking_an_existing_address_is_refused(db: Database) -> None:
    """A second row asking for a slug already taken is refused on `slug` and makes nothing."""
    organiser, _first, _second = await organiser_and_team(db)
    rows = [{"title": "First booth", "slug": "same"}, {"title": "Second booth", "slug": "same"}]
    reports = await import_booths(db, organiser, rows)
    assert [(r.created, set(r.problems)) for r in reports] == [(True, set()), (False, {"slug"})]
    assert [b["title"] for b in await stored_booths(db)] == ["First booth"]


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.EXHIBITOR, Role.MODERATOR])
async def test_only_organisers_import_booths(sqlite_db: Database, role: Role) -> None:
    """A participant, an exhibitor or a moderator importing is refused; nothing is created."""
    db = sqlite_db
    await theme(db, "mobility")
    asking = await someone(db, role)
    before = await whole_state(db)
    with pytest.raises(FairError) as refused:
        await import_booths(db, asking, [{"title": "Sneaky booth"}])
    assert refused.value.code == "account.forbidden"
    assert await whole_state(db) == before


# Reading the file


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [
        ("booths.xlsx", b"PK\x03\x04", "hall.import_format"),
        ("booths.json", b"{not json", "hall.import_format"),
        ("booths.json", b'{"title": "not a list"}', "hall.import_format"),
        ("booths.json", b'["not an object"]', "hall.import_format"),
        ("booths.csv", "title\nCaf\xe9 booth\n".encode("latin-1"), "hall.import_encoding"),
        (
            "booths.json",
            json.dumps([{"title": "x"}] * (MAX_ROWS + 1)).encode(),
            "hall.import_too_many",
        ),
    ],
    ids=["other-format", "broken-json", "json-object", "json-of-strings", "latin-1", "too-many"],
)
def test_unreadable_files_are_refused_with_a_stable_code(
    filename: str, content: bytes, code: str
) -> None:
    """Files that are not UTF-8 CSV or a JSON list of objects, or too long, are refused whole."""
    with pytest.raises(FairError) as refused:
        read_rows(filename, content)
    assert refused.value.code == code


def test_csv_with_a_byte_order_mark_is_read() -> None:
    """A CSV saved by a spreadsheet with a UTF-8 BOM has a clean `title` header."""
    rows = read_rows("booths.csv", "\ufefftitle,theme\nCafé booth,\n".encode())
    assert rows == [{"title": "Café booth", "theme": ""}]


async def test_csv_row_without_its_trailing_empty_cells_is_imported(sqlite_db: Database) -> None:
    """A row that stops after its title (no trailing commas) reads the missing cells as empty."""
    db = sqlite_db
    organiser, _first, _second = await organiser_and_team(db)
    rows = read_rows("short.csv", csv_file("Short row booth"))
    [report] = await import_booths(db, organiser, rows)
    assert (report.created, report.problems) == (True, {})
    assert [b["title"] for b in await stored_booths(db)] == ["Short row booth"]


async def test_csv_row_with_more_cells_than_the_header_is_reported(sqlite_db: Database) -> None:
    """Cells beyond the header beside an unknown column are reported as a refusal, not a crash."""
    db = sqlite_db
    organiser, _first, _second = await organiser_and_team(db)
    content = csv_file("Too wide booth,mobility,extra cell", header="title,colour")
    [report] = await import_booths(db, organiser, read_rows("wide.csv", content))
    assert report.created is False
    assert "colour" in report.problems
    assert await stored_booths(db) == []


async def test_json_organisations_that_are_not_objects_are_reported(sqlite_db: Database) -> None:
    """Organisations given as bare names in JSON are refused on `organisations`, not dropped."""
    db = sqlite_db
    organiser, _first, _second = await organiser_and_team(db)
    row = {"title": "Booth of names", "organisations": ["Dakar Diaspora Network"]}
    [report] = await import_booths(db, organiser, [row])
    assert report.created is False
    assert any(field.startswith(("organisations", "consortium")) for field in report.problems)
    assert await stored_booths(db) == []


# Over HTTP


async def post_import(
    server: RunningServer, cookies: dict[str, str], filename: str, content: bytes, token_page: str
) -> Any:
    async with browser(server, cookies) as http:
        token = await form_token(http, token_page)
        return await http.post(
            "/organise/booths/import",
            data={"csrf": token},
            files={"file": (filename, content, "text/csv")},
        )


async def test_organiser_imports_a_csv_over_http_and_sees_the_report(
    server: RunningServer,
) -> None:
    """The organiser's upload creates the good rows and the page reports the refused ones."""
    db = server.services.db
    await theme(db, "mobility")
    organiser = await person(db, Role.ORGANISER)
    exhibitor = await person(db)
    content = csv_file(
        f"Imported booth,mobility,,SN,FR,{exhibitor.email},NGO One|NGO|SN",
        "Refused booth,astrology,,,,,",
    )
    response = await post_import(
        server, await login_cookies(db, organiser), "booths.csv", content, "/organise/booths"
    )
    assert response.status_code == 200
    assert "1 created, 1 refused." in response.text
    assert "<strong>theme</strong>: Choose a theme from the list." in response.text
    assert await stored_booths(db) == [
        {
            "title": "Imported booth",
            "state": "draft",
            "tagline": "",
            "theme": "mobility",
            "countries": [("destination", "FR"), ("origin", "SN")],
            "consortium": [("NGO One", "NGO", "SN")],
            "team": [exhibitor.email],
        },
    ]


async def test_unreadable_import_file_gets_422_over_http(server: RunningServer) -> None:
    """A spreadsheet file instead of CSV or JSON gets 422 with the reason and creates nothing."""
    db = server.services.db
    organiser = await person(db, Role.ORGANISER)
    response = await post_import(
        server, await login_cookies(db, organiser), "booths.xlsx", b"PK\x03\x04", "/organise/booths"
    )
    assert response.status_code == 422
    assert "Import a .csv or a .json file." in form_error(response)
    assert await stored_booths(db) == []


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.EXHIBITOR])
async def test_non_organisers_cannot_import_over_http(server: RunningServer, role: Role) -> None:
    """A participant's or exhibitor's import post gets 403 and creates no booth."""
    db = server.services.db
    await theme(db, "mobility")
    cookies = await login_cookies(db, await person(db, role))
    response = await post_import(
        server, cookies, "booths.csv", csv_file("Sneaky booth,mobility,,,,,"), "/"
    )
    assert response.status_code == 403
    assert "account.forbidden" in response.text
    assert await stored_booths(db) == []


async def test_import_without_csrf_token_is_refused(server: RunningServer) -> None:
    """An organiser's browser made to post an import without the token creates nothing."""
    db = server.services.db
    cookies = await login_cookies(db, await person(db, Role.ORGANISER))
    async with browser(server, cookies) as http:
        response = await http.post(
            "/organise/booths/import",
            files={"file": ("booths.csv", csv_file("Forged booth,,,,,,"), "text/csv")},
        )
    assert response.status_code == 403
    assert await stored_booths(db) == []


async def test_the_csv_template_imports_as_it_is(server: RunningServer) -> None:
    """The import page documents every column and links the template; the template (a BOM,
    the header row, one example row in the fair's theme) uploaded unchanged creates one draft
    booth with its countries and consortium. A participant cannot download it."""
    db = server.services.db
    await theme(db, "mobility")
    organiser = await person(db, Role.ORGANISER)
    cookies = await login_cookies(db, organiser)
    async with browser(server, cookies) as http:
        page = (await http.get("/organise/booths")).text
        template = await http.get("/organise/booths/import-template.csv")
    assert 'href="/organise/booths/import-template.csv"' in page
    for column in COLUMNS:
        assert f"<dt><code>{column}</code></dt>" in page
    assert "“diaspora association”" in page
    assert template.status_code == 200
    assert template.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="booths-template.csv"' in template.headers["content-disposition"]
    assert template.content.startswith("\ufeff".encode())
    header, example = read_rows_of(template.content)
    assert tuple(header) == COLUMNS and example[COLUMNS.index("theme")] == "mobility"
    response = await post_import(
        server, cookies, "booths-template.csv", template.content, "/organise/booths"
    )
    assert response.status_code == 200
    assert "1 created, 0 refused." in response.text
    assert await stored_booths(db) == [
        {
            "title": "Remesas Solidarias (example)",
            "state": "draft",
            "tagline": "Cheaper transfers, invested at home",
            "theme": "mobility",
            "countries": [("destination", "ES"), ("destination", "FR"), ("origin", "SN")],
            "consortium": [
                ("Asociación Remesas Solidarias", "diaspora association", "ES"),
                ("Commune de Kolda", "local authority", "SN"),
            ],
            "team": [],
        },
    ]
    async with browser(server, await login_cookies(db, await person(db))) as http:
        assert (await http.get("/organise/booths/import-template.csv")).status_code == 403


def read_rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
