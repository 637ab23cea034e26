"""Random and malformed input for every registered command and route, as three kinds of viewer.

Commands come from `Services.commands` and routes from `app.routes`, so a new one is covered
without touching this file. Examples are drawn by Hypothesis with a fixed seed, then sent over
real sockets and HTTP to a real server.
"""

from __future__ import annotations

import logging
import re
import typing
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from starlette.routing import Route

from fair.core.accounts.roles import Role
from fair.core.inputs import Input
from fair.core.security import VISITOR_COOKIE
from tests.core.test_accounts_http import form_token
from tests.support.factories import login_cookies, person, produce
from tests.support.live_client import live_client
from tests.support.servers import RunningServer

T = TypeVar("T")
EXAMPLES = 12

HOSTILE_NUMBERS = [0, -1, 2**63, 2**64, 10**30, 1.5, True, False]
HOSTILE_TEXT = [
    *["", "0", "01", "7", str(2**64), "a\x00b", "\x1b[2J", "x\u202ey", "\u2066", "[" * 40],
    *[f"booth:{2**64}", f"qa:{2**64}", "booth:01", f"presence:qa:{2**64}", f"user:{2**64}"],
]
SENSIBLE_TEXT = ["A question for the panel", "fair", "hall", "booth:1", "qa:1", "approved"]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from(HOSTILE_NUMBERS)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(HOSTILE_TEXT),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
PATH_VALUES = st.sampled_from([str(2**64), "9" * 25, "0", "007", "-1", "1", "%00", "..", "x"])
FORM_TEXT = st.text(max_size=30) | st.sampled_from(HOSTILE_TEXT)


def draw(strategy: st.SearchStrategy[T], count: int = EXAMPLES) -> list[T]:
    """`count` examples of `strategy`, the same ones on every run."""
    found: list[T] = []

    @settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: T) -> None:
        found.append(value)

    collect()
    return found


def _mentions(annotation: Any, kind: type) -> bool:
    return annotation is kind or any(_mentions(a, kind) for a in typing.get_args(annotation))


def plausible(annotation: Any) -> st.SearchStrategy[Any]:
    """Values near what a field expects (so that the other fields pass), or anything at all."""
    if _mentions(annotation, bool):
        return st.booleans() | JSON
    if _mentions(annotation, int):
        return st.sampled_from([1, 2, *HOSTILE_NUMBERS, "7", 2**63 - 1]) | JSON
    if _mentions(annotation, str):
        return st.sampled_from(SENSIBLE_TEXT) | st.sampled_from(HOSTILE_TEXT) | st.text()
    return JSON


def command_data(model: type[Input]) -> st.SearchStrategy[Any]:
    """Data for a command: its fields with plausible or hostile values, or anything at all."""
    fields = {name: plausible(f.rebuild_annotation()) for name, f in model.model_fields.items()}
    required = {name: fields[name] for name, f in model.model_fields.items() if f.is_required()}
    optional = {name: v for name, v in fields.items() if name not in required}
    shaped = st.fixed_dictionaries(required, optional=optional)
    return shaped | shaped | st.dictionaries(st.sampled_from([*fields, "extra"]), JSON) | JSON


def _form_fields() -> list[str]:
    """Every field name any input model has: what forms are expected to send."""
    names: set[str] = set()
    pending = list(Input.__subclasses__())
    while pending:
        model = pending.pop()
        names.update(model.model_fields)
        pending.extend(model.__subclasses__())
    return sorted(names)


class ErrorLog(logging.Handler):
    """Keeps every ERROR record logged anywhere while it is attached (root and uvicorn's)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def error_log() -> Any:
    handler = ErrorLog()
    # uvicorn's own logger (where "Exception in ASGI application" goes) does not propagate.
    loggers = [logging.getLogger(), logging.getLogger("uvicorn")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


async def _viewers(server: RunningServer) -> dict[str, dict[str, str]]:
    db = server.services.db
    return {
        "anonymous": {VISITOR_COOKIE: "visitor-anonymous"},
        "participant": {
            VISITOR_COOKIE: "visitor-participant",
            **await login_cookies(db, await person(db)),
        },
        "moderator": {
            VISITOR_COOKIE: "visitor-moderator",
            **await login_cookies(db, await person(db, Role.MODERATOR)),
        },
    }


async def test_random_commands_never_fail_inside_and_leave_other_sockets_healthy(
    server: RunningServer, error_log: ErrorLog
) -> None:
    """Random data for every command, as anyone, gets a refusal or a reply, never live.internal."""
    viewers = await _viewers(server)
    commands = server.services.commands
    assert {"live.follow", "qa.question.ask", "hall.chat.post"} <= set(commands)
    raw_frames = draw(st.text(max_size=80) | JSON.map(repr), 20)
    async with live_client(server.ws_url, origin=server.origin) as healthy:
        await healthy.follow("fair")
        for who, cookies in viewers.items():
            for name, command in sorted(commands.items()):
                examples = draw(command_data(command.input))
                async with live_client(server.ws_url, origin=server.origin, cookies=cookies) as c:
                    for data in examples:
                        reply = await c.request(name, data)
                        what = f"{who} {name} {data!r}"
                        assert (reply.get("error") or {}).get("code") != "live.internal", what
                    assert await c.command("live.ping") == {}
            async with live_client(server.ws_url, origin=server.origin, cookies=cookies) as c:
                for text in raw_frames:
                    await c.send_raw(text)
                    assert await c.command("live.ping") == {}, f"{who} {text!r}"
                while not c.frames.empty():
                    frame = c.frames.get_nowait()
                    assert (frame.get("error") or {}).get("code") != "live.internal", frame
        await produce(server.services.db, "fair", range(1, 2))
        [event] = await healthy.events("fair", 1)
        assert event["data"] == {"n": 1}
    assert [r.getMessage() for r in error_log.records] == []


def _routes(server: RunningServer) -> list[Route]:
    app = server.server.config.loaded_app
    while hasattr(app, "app"):
        app = app.app
    routes = [r for r in getattr(app, "routes", []) if isinstance(r, Route)]
    assert routes, "the app's routes were not found"
    return routes


def _fill(route: Route, values: list[str]) -> str:
    path = route.path
    for name, value in zip(route.param_convertors, values, strict=False):
        path = re.sub(r"\{" + name + r"(:[a-z]+)?\}", quote(value, safe=""), path)
    return path


async def test_random_paths_and_forms_never_get_a_5xx(
    server: RunningServer, error_log: ErrorLog
) -> None:
    """Every route, with odd path values and random form fields, as anyone, answers below 500."""
    viewers = await _viewers(server)
    routes = _routes(server)
    assert any(r.path == "/booths/{booth_id:id}/edit" for r in routes)
    fields = _form_fields()
    forms = draw(st.dictionaries(st.sampled_from(fields), FORM_TEXT, max_size=6), 5)
    paths = draw(st.lists(PATH_VALUES, min_size=3, max_size=3), 5)
    for who, cookies in viewers.items():
        async with httpx.AsyncClient(base_url=server.base_url, cookies=cookies) as http:
            token = await form_token(http, "/login" if who == "anonymous" else "/")
            for route in routes:
                for values, form in zip(paths, forms, strict=True):
                    path = _fill(route, values)
                    for method in sorted(route.methods or {"GET"}):
                        if method == "HEAD":
                            continue
                        response = await http.request(
                            method,
                            path,
                            data={**form, "csrf": token} if method == "POST" else None,
                            headers={"origin": server.origin},
                        )
                        assert response.status_code < 500, f"{who} {method} {path} {form!r}"
    assert [r.getMessage() for r in error_log.records] == []
