"""Shared field types: one id type, canonical spellings, cleaned text in every input."""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest
from pydantic.functional_validators import AfterValidator

from fair.core.accounts.account_inputs import AccountDeletion, PasswordChange
from fair.core.accounts.inputs import Credentials, NewPassword, Registration
from fair.core.accounts.invitations.inputs import Acceptance
from fair.core.errors import Invalid
from fair.core.features import load_features
from fair.core.fields import CLEANERS, MAX_ID, id_from_text, page_from_text
from fair.core.inputs import MAX_JSON_DEPTH, Input, ids_from_form, load_json, parse
from fair.core.live import CommandFrame, FollowInput, UnfollowInput
from fair.core.paths import IdConvertor
from fair.core.settings import load_settings
from fair.qa.inputs import Ask, Tagging

# Protocol names, checked against the channel pattern or the command registry, never shown; a
# command's data, whose values its own input parses; passwords, kept exactly as typed.
NOT_TEXT = {
    (CommandFrame, "data"),
    (Registration, "password"),
    (Credentials, "password"),
    (NewPassword, "password"),
    (PasswordChange, "current"),
    (PasswordChange, "password"),
    (PasswordChange, "again"),
    (AccountDeletion, "password"),
    (Acceptance, "password"),
    (CommandFrame, "ref"),
    (CommandFrame, "type"),
    (CommandFrame, "key"),
    (FollowInput, "channel"),
    (UnfollowInput, "channel"),
}


def _all_inputs() -> list[type[Input]]:
    load_features(load_settings(environ={}).features)
    found: list[type[Input]] = []
    pending = list(Input.__subclasses__())
    while pending:
        model = pending.pop()
        if model.__module__.startswith("fair.") and model not in found:
            found.append(model)
        pending.extend(model.__subclasses__())
    return found


def _str_parts(annotation: Any) -> list[list[Any]]:
    """The metadata of every `str` inside `annotation` (through lists, unions, Annotated)."""
    if annotation is str:
        return [[]]
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        return [metadata + rest for rest in _str_parts(inner)]
    return [part for arg in typing.get_args(annotation) for part in _str_parts(arg)]


def _cleaned(metadata: list[Any]) -> bool:
    return any(isinstance(m, AfterValidator) and m.func in CLEANERS for m in metadata)


def test_every_text_field_of_every_input_is_cleaned() -> None:
    """Each str field of every Input runs a text cleaner, except passwords and protocol names."""
    unclean = []
    for model in _all_inputs():
        for name, field in model.model_fields.items():
            if (model, name) in NOT_TEXT:
                continue
            annotation = field.rebuild_annotation()
            for metadata in _str_parts(annotation):
                if not _cleaned(metadata):
                    unclean.append(f"{model.__name__}.{name}")
    assert len(_all_inputs()) > 30
    assert unclean == []


def test_every_id_field_of_every_input_is_a_bounded_id() -> None:
    """Each `*_id` field of every Input (and every `since`) uses the shared `Id` or `Cursor`."""
    loose = []
    for model in _all_inputs():
        for name, field in model.model_fields.items():
            if not (name.endswith("_id") or name.endswith("_ids") or name == "since"):
                continue
            bounds = [m for m in field.metadata if getattr(m, "le", None) is not None]
            if not any(m.le == MAX_ID for m in bounds) and not _bounded_inside(
                field.rebuild_annotation()
            ):
                loose.append(f"{model.__name__}.{name}")
    assert loose == []


def _bounded_inside(annotation: Any) -> bool:
    """Whether an `int` inside `annotation` carries the `Id`/`Cursor` upper bound."""
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        # Field(...) inside Annotated arrives as a FieldInfo holding its own metadata.
        flat = [part for m in metadata for part in [m, *getattr(m, "metadata", [])]]
        if any(getattr(m, "le", None) == MAX_ID for m in flat):
            return True
        return _bounded_inside(inner)
    return any(_bounded_inside(arg) for arg in typing.get_args(annotation))


def test_question_tags_lose_control_and_bidi_characters() -> None:
    """Q&A tags keep neither NUL, ESC nor a right-to-left override."""
    tagging = parse(Tagging, {"question_id": 1, "tags": ["a\x00b", "\x1b[31mred", "x\u202ey"]})
    assert tagging.tags == ["ab", "[31mred", "xy"]


@pytest.mark.parametrize("value", [True, "7", 2**63, 0, -1, 1.0, 18446744073709551616])
def test_an_id_is_a_json_integer_in_the_database_range(value: object) -> None:
    """Bools, strings, floats and numbers outside 1..2**63-1 are refused as ids."""
    with pytest.raises(Invalid) as refused:
        parse(Ask, {"panel_id": value, "text": "A fine question"})
    assert refused.value.code == "input.invalid"
    assert set(refused.value.fields) == {"panel_id"}


@pytest.mark.parametrize("value", [True, "7", -1, 2**63, 1.5])
def test_a_cursor_is_a_non_negative_json_integer(value: object) -> None:
    """`since: true` and `since: "7"` are refused rather than read as 1 and 7."""
    with pytest.raises(Invalid) as refused:
        parse(FollowInput, {"channel": "fair", "since": value})
    assert set(refused.value.fields) == {"since"}


def test_the_largest_id_is_accepted() -> None:
    """2**63-1 is still an id (it just names no row)."""
    assert parse(Ask, {"panel_id": MAX_ID, "text": "A fine question"}).panel_id == MAX_ID


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("42", 42),
        (str(MAX_ID), MAX_ID),
        ("0", None),
        ("01", None),
        ("+1", None),
        (str(MAX_ID + 1), None),
        ("1" * 5000, None),
        ("", None),
        ("٣", None),
        (" 1", None),
    ],
)
def test_ids_have_one_spelling_in_text(text: str, expected: int | None) -> None:
    """Paths, forms and channel names spell an id one way: digits, no leading zero, in range."""
    assert id_from_text(text) == expected


def test_the_path_convertor_matches_exactly_the_ids() -> None:
    """The `id` convertor's pattern matches the same texts as `id_from_text` accepts."""
    import re

    pattern = re.compile(f"{IdConvertor.regex}\\Z")
    samples = [
        "1",
        "9",
        "10",
        "0",
        "007",
        str(MAX_ID),
        str(MAX_ID - 1),
        str(MAX_ID + 1),
        "9" * 19,
        "1" + "0" * 18,
        "1" * 20,
        str(2**64),
    ]
    for sample in samples:
        assert bool(pattern.match(sample)) == (id_from_text(sample) is not None), sample


def test_page_numbers_are_bounded() -> None:
    """A huge or odd page number becomes a page the database can offset to."""
    assert [page_from_text(t) for t in ["3", "x", "0", "9" * 8, "9" * 30]] == [3, 1, 1, 100_000, 1]


def test_form_ids_become_ids_only_when_canonical() -> None:
    """A form's `question_id=7` is the id 7; `07` or a huge number stays text and is refused."""
    assert ids_from_form({"question_id": "7", "text": "12"}) == {"question_id": 7, "text": "12"}
    assert ids_from_form({"panel_id": "07"}) == {"panel_id": "07"}
    assert ids_from_form({"panel_id": "9" * 30}) == {"panel_id": "9" * 30}


def test_deep_json_is_refused_before_parsing() -> None:
    """Ten thousand nested arrays are refused with the caller's code, not a RecursionError."""
    with pytest.raises(Invalid) as refused:
        load_json("[" * 10_000 + "]" * 10_000, code="live.malformed")
    assert refused.value.code == "live.malformed"
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert load_json(nested) is not None
    assert load_json(json.dumps({"a": "[" * 55})) == {"a": "[" * 55}
