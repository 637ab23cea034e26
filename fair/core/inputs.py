"""One way to validate input: strict models that reject unknown fields, with stable error codes."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from fair.core.errors import Invalid
from fair.core.fields import id_from_text
from fair.core.i18n import gettext as _
from fair.core.labels import SHARED_LABELS


class Input(BaseModel):
    """A command, form or JSON body: unknown fields are refused, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    labels: ClassVar[Mapping[str, str]] = {}
    """Each field's name as a person reads it (an `N_` message id), shown in form errors;
    fields of `SHARED_LABELS` may be left out."""

    checked_on: ClassVar[str | None] = None
    """The field a check of the whole input (a `model_validator`: an end before its start)
    reports on, so the message sits beside that field rather than nowhere."""

    @classmethod
    def label_of(cls, name: str) -> str | None:
        """The message id of the field's human name, if it has one."""
        for model in cls.__mro__:
            found = vars(model).get("labels", {}).get(name)
            if found:
                return str(found)
        return SHARED_LABELS.get(name)


InputT = TypeVar("InputT", bound=Input)

MAX_JSON_DEPTH = 32
"""No command, body or import nests objects and lists deeper than this."""

_JSON_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKETS = re.compile(r"[\[\]{}]")


def _too_deep(text: str, limit: int) -> bool:
    depth = 0
    for bracket in _JSON_BRACKETS.finditer(_JSON_STRINGS.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def load_json(text: str, *, code: str = "input.invalid", message: str | None = None) -> Any:
    """Decode JSON text, refusing with `code` what is not JSON or nests beyond MAX_JSON_DEPTH.

    The depth is checked before decoding, so a deep document never reaches the recursive parser.
    """
    if _too_deep(text, MAX_JSON_DEPTH):
        raise Invalid(
            code, _("The data is nested more than %(n)s levels deep.") % {"n": MAX_JSON_DEPTH}
        )
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise Invalid(code, message or _("The data is not valid JSON.")) from None


def parse(model: type[InputT], data: Any, *, code: str = "input.invalid") -> InputT:
    """Parse `data` into `model` or raise `Invalid` naming each wrong field."""
    if not isinstance(data, Mapping):
        raise Invalid(code, _("Expected an object with named fields."))
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        fields: dict[str, str] = {}
        labels: dict[str, str] = {}
        for error in exc.errors(include_url=False, include_input=False):
            name = ".".join(str(part) for part in error["loc"]) or model.checked_on or "_"
            fields.setdefault(name, _describe(error))
            label = model.label_of(name.split(".")[0])
            if label:
                labels.setdefault(name, _(label))
        raise Invalid(
            code, _("Some fields are missing or not valid."), fields=fields, labels=labels
        ) from None


def ids_from_form(data: Mapping[str, Any]) -> dict[str, Any]:
    """A form's fields with each `*_id` spelled as a canonical number turned into that id.

    Forms send only strings, where commands send JSON numbers; anything else is left as it
    is, for the model to refuse."""
    converted = dict(data)
    for name, value in data.items():
        if name.endswith("_id") and isinstance(value, str):
            found = id_from_text(value)
            converted[name] = found if found is not None else value
    return converted


def _describe(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _("This field is not accepted.")
    if kind == "missing":
        return _("This field is required.")
    if kind in {"string_too_short", "too_short"}:
        return _("Must be at least %(n)s characters.") % {"n": context.get("min_length")}
    if kind in {"string_too_long", "too_long"}:
        return _("Must be at most %(n)s characters.") % {"n": context.get("max_length")}
    if kind in {"literal_error", "enum"}:
        return _("Not one of the allowed values.")
    if kind.startswith(("int", "float", "greater_than", "less_than")):
        return _("Must be a number in the allowed range.")
    if kind == "value_error":
        return str(context.get("error", _("Not a valid value.")))
    return _("Not a valid value.")
