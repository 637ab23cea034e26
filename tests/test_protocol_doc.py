"""docs/protocol.md is generated from the registries, and stays true: a new command, event or
channel rule without its docstring, or a page not regenerated, fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fair.core.contract import Command, Feature
from fair.core.events import Event
from fair.core.features import BUILT_IN, load_features
from fair.core.protocol import PAGE, protocol_page, split_doc
from fair.core.services import collect_commands
from fair.core.settings import PROJECT_ROOT, load_settings

SETTINGS = load_settings(environ={})
FEATURES: list[Feature] = load_features(SETTINGS.features)
COMMANDS: list[Command] = list(collect_commands(FEATURES).values())
PACKAGES = [name.rsplit(".", 1)[0] for name in (*BUILT_IN, *SETTINGS.features)]
EVENTS = [
    kind
    for kind in Event.registry.values()
    if any(kind.__module__.startswith(f"{package}.") for package in PACKAGES)
]
SOURCES = "\n".join(
    path.read_text(encoding="utf-8")
    for package in ("fair", "discussions")
    for path in (PROJECT_ROOT / package).rglob("*.py")
)


def test_the_protocol_page_is_up_to_date() -> None:
    """docs/protocol.md is what `fair docs protocol` writes for the default features."""
    page = PROJECT_ROOT / PAGE
    assert page.read_text(encoding="utf-8") == protocol_page(SETTINGS.features), (
        "docs/protocol.md is stale: run `.venv/bin/fair docs protocol`"
    )


def test_the_page_lists_every_command_event_and_channel_prefix() -> None:
    """Each registered command, event type and channel prefix has its own entry."""
    page = protocol_page(SETTINGS.features)
    for command in COMMANDS:
        assert f"### `{command.name}`" in page
    for event in EVENTS:
        assert f"### `{event.type}`" in page
    for feature in FEATURES:
        for prefix in feature.channel_rules:
            assert f"- `{prefix}` ({feature.name})" in page
    assert len(COMMANDS) > 15 and len(EVENTS) > 30


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_every_command_says_what_it_does_who_may_run_it_and_its_errors(command: Command) -> None:
    """The handler's docstring has a description, a `Who:` line and an `Errors:` line."""
    what, who, errors = split_doc(command.doc)
    assert what and who and errors, f"{command.name}: its handler needs What / Who: / Errors:"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_every_documented_error_code_exists_in_the_code(command: Command) -> None:
    """A code named under `Errors:` is a code the fair really raises (spelled in its source)."""
    _what, _who, errors = split_doc(command.doc)
    codes = re.findall(r"\b[a-z_]+\.[a-z_]+\b", errors)
    missing = [code for code in codes if f'"{code}"' not in SOURCES]
    assert missing == []


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.type)
def test_every_event_class_has_its_own_docstring(event: type[Event]) -> None:
    """What happened and who sees it, on the class itself (not inherited from Event)."""
    assert (event.__dict__.get("__doc__") or "").strip()


def test_every_channel_rule_describes_who_may_follow() -> None:
    """Each rule carries a description (named_rule / access_rule take one)."""
    undescribed = [
        f"{feature.name}: {prefix}"
        for feature in FEATURES
        for prefix, rule in feature.channel_rules.items()
        if not (rule.__doc__ or "").strip()
    ]
    assert undescribed == []


def test_a_docstring_without_who_or_errors_is_caught() -> None:
    """The docstring check finds a handler that only says what it does."""
    assert split_doc("Post a message.") == ("Post a message.", "", "")
    assert split_doc("Post.\n\n    Who: anyone.\n    Errors: hall.chat_closed.") == (
        "Post.",
        "anyone.",
        "hall.chat_closed",
    )


def test_the_page_is_the_committed_file() -> None:
    """The generated page lives where README and ARCHITECTURE point to."""
    assert PAGE == "docs/protocol.md"
    assert Path(PROJECT_ROOT / PAGE).exists()
