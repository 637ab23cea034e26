"""Form errors tied to their fields over real HTTP: a refused form marks each input in error
(`aria-invalid`, `aria-describedby`), holds the field's message in the element it points at, in
the person's language, names the field by its label, and changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from html.parser import HTMLParser

import httpx
import pytest
from sqlalchemy import func, select

from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.features import load_features
from fair.core.home import queries as home_queries
from fair.core.inputs import Input
from fair.core.live import CommandFrame, FollowInput, UnfollowInput
from fair.core.settings import load_settings
from fair.hall.models import Booth, ContactRequest
from tests.conftest import make_settings
from tests.core.test_accounts_http import browser, form_token, logged_in, registration
from tests.support.factories import person
from tests.support.hall import booth, someone
from tests.support.qa import member
from tests.support.qa import panel as qa_panel
from tests.support.servers import RunningServer, serve

# Socket frames, never typed into a form: their fields are protocol names.
PROTOCOL = {CommandFrame, FollowInput, UnfollowInput}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Elements(HTMLParser):
    """Every element's attributes, and the text inside each element that has an id."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[dict[str, str]] = []
        self.text: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        found["<tag>"] = tag
        self.elements.append(found)
        if tag in VOID:
            return
        self._open.append(found.get("id"))
        if "id" in found:
            self.text.setdefault(found["id"], "")

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for opened in self._open:
            if opened is not None:
                self.text[opened] += data


def parsed(response: httpx.Response) -> _Elements:
    page = _Elements()
    page.feed(response.text)
    return page


def field(page: _Elements, name: str, **attrs: str) -> dict[str, str]:
    """The one form field called `name` (narrowed by other attributes)."""
    found = [
        e
        for e in page.elements
        if e.get("name") == name and all(e.get(k) == v for k, v in attrs.items())
    ]
    assert len(found) == 1, f"{len(found)} fields named {name}"
    return found[0]


def message_of(page: _Elements, element: dict[str, str]) -> str:
    """The field is marked invalid and points at an element holding its message."""
    assert element.get("aria-invalid") == "true", element
    targets = [t for t in element.get("aria-describedby", "").split() if t.startswith("error-")]
    assert len(targets) == 1, element
    assert targets[0] in page.text, f"no element with id {targets[0]}"
    return page.text[targets[0]].strip()


def unmarked(element: dict[str, str]) -> bool:
    return "aria-invalid" not in element and "error-" not in element.get("aria-describedby", "")


@pytest.fixture
async def server(sqlite_url: str) -> AsyncIterator[RunningServer]:
    async with serve(make_settings(sqlite_url)) as running:
        yield running


async def count(server: RunningServer, model: type[User] | type[ContactRequest]) -> int:
    async with server.services.db.reading() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


def test_every_field_of_every_input_has_a_human_label() -> None:
    """Each field of every Input (the hall's, the Q&A's, the discussions' too) names itself for
    people in form errors, through its own labels or the shared ones."""
    load_features(load_settings(environ={}).features)
    models: list[type[Input]] = []
    pending = list(Input.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if model not in models and model not in PROTOCOL:
            models.append(model)
    unnamed = [
        f"{model.__name__}.{name}"
        for model in models
        for name in model.model_fields
        if not model.label_of(name)
    ]
    assert {m.__module__.split(".")[0] for m in models} >= {"fair", "discussions"}
    assert unnamed == []


async def test_a_refused_registration_marks_its_fields_in_french(server: RunningServer) -> None:
    """Two bad fields: each is marked and described by its message in French, the list names
    them by their French labels, the good fields are left alone, and no account is made."""
    before = await count(server, User)
    async with browser(server) as http:
        http.headers["accept-language"] = "fr"
        token = await form_token(http, "/register")
        response = await http.post(
            "/register",
            data={"csrf": token, **registration(display_name="A", email="not-an-address")},
        )
    assert response.status_code == 422
    page = parsed(response)
    assert message_of(page, field(page, "display_name")) == "2 caractères au minimum."
    assert "adresse" in message_of(page, field(page, "email"))
    assert unmarked(field(page, "organisation"))
    assert unmarked(field(page, "country"))
    summary = page.text["form-error"]
    assert "Votre nom" in summary and "display_name" not in summary
    assert await count(server, User) == before


async def test_a_refused_booth_edit_marks_the_field_and_keeps_the_booth(
    server: RunningServer,
) -> None:
    """A too-short title and a link without an address: the title input and that link's
    address input are marked; the booth keeps its title."""
    db = server.services.db
    exhibitor = await person(db, Role.EXHIBITOR)
    made = await booth(db, await someone(db, Role.ORGANISER), title="Remittances", team=[exhibitor])
    async with logged_in(server, exhibitor) as http:
        token = await form_token(http, f"/booths/{made.id}/edit")
        response = await http.post(
            f"/booths/{made.id}/details",
            data={
                "csrf": token,
                "title": "ab",
                "link_label": ["Report", ""],
                "link_url": ["not a web address", ""],
            },
        )
    assert response.status_code == 422
    page = parsed(response)
    assert message_of(page, field(page, "title", id="title"))
    assert message_of(page, field(page, "link_url", value="not a web address"))
    assert unmarked(field(page, "tagline"))
    assert "Title" in page.text["form-error"]
    async with db.reading() as session:
        stored = await session.get(Booth, made.id)
    assert stored is not None and stored.title == "Remittances"


async def test_a_fair_that_ends_before_it_starts_marks_its_last_day(server: RunningServer) -> None:
    """A check of the whole form (the dates' order) is reported beside the last day, in
    Spanish, and the fair's details stay as they were."""
    organiser = await person(server.services.db, Role.ORGANISER)
    before = await home_queries.current_fair(server.services.db)
    async with logged_in(server, organiser) as http:
        http.headers["accept-language"] = "es"
        token = await form_token(http, "/organise")
        response = await http.post(
            "/organise/details",
            data={
                "csrf": token,
                "name": "Fair of 2027",
                "starts_on": "2027-05-10",
                "ends_on": "2027-05-01",
                "timezone": "UTC",
            },
        )
    assert response.status_code == 422
    page = parsed(response)
    assert "Último día" in page.text["form-error"]
    message = message_of(page, field(page, "ends_on"))
    assert message and message != "The fair must end on or after its first day."
    assert unmarked(field(page, "starts_on"))
    assert await home_queries.current_fair(server.services.db) == before


async def test_a_refused_card_is_shown_again_with_its_field_marked(server: RunningServer) -> None:
    """A card of blank space is refused beside its message field; no card is left."""
    db = server.services.db
    made = await booth(db, await someone(db, Role.ORGANISER), title="Seasonal work")
    visitor = await person(db)
    async with logged_in(server, visitor) as http:
        token = await form_token(http, f"/booths/{made.slug}")
        response = await http.post(
            f"/booths/{made.slug}/card", data={"csrf": token, "message": "   "}
        )
    assert response.status_code == 422
    page = parsed(response)
    assert message_of(page, field(page, "message", id="card-message"))
    assert await count(server, ContactRequest) == 0


async def test_refused_notification_settings_mark_the_choice(server: RunningServer) -> None:
    """A kind of notice that does not exist is refused on the settings form itself (not an
    error page), beside the choices, and nothing is saved."""
    user = await person(server.services.db)
    async with logged_in(server, user) as http:
        token = await form_token(http, "/notifications/settings")
        response = await http.post(
            "/notifications/settings",
            data={"csrf": token, "digest": "weekly", "digest_hour": "8", "in_app": "no.such.kind"},
        )
        again = await http.get("/notifications/settings")
    assert response.status_code == 422
    page = parsed(response)
    boxes = [e for e in page.elements if e.get("name") == "in_app"]
    assert boxes and all(message_of(page, box) for box in boxes)
    assert "In the app" in page.text["form-error"]
    assert "Your settings are saved." not in again.text
    assert 'value="weekly" selected' not in again.text


async def test_a_command_form_without_javascript_names_the_field_on_its_error_page(
    server: RunningServer,
) -> None:
    """A plain post of a command form (a question too short, no JavaScript) ends on the error
    page, which names the field by its label, not its name."""
    db = server.services.db
    made = await qa_panel(db, await member(db, Role.ORGANISER))
    user = await person(db)
    async with logged_in(server, user) as http:
        token = await form_token(http, f"/panels/{made.slug}")
        response = await http.post(
            "/qa/act",
            data={"csrf": token, "type": "qa.question.ask", "panel_id": str(made.id), "text": "?"},
        )
    assert response.status_code == 422
    assert "<strong>Your question</strong>" in response.text
    assert "<strong>text</strong>" not in response.text
