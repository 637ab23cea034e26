"""One way to validate input: strict models that reject unknown fields, with stable error codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from fair.core.errors import Invalid
from fair.core.i18n import gettext as _


class Input(BaseModel):
    """A command, form or JSON body: unknown fields are refused, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


InputT = TypeVar("InputT", bound=Input)


def parse(model: type[InputT], data: Any, *, code: str = "input.invalid") -> InputT:
    """Parse `data` into `model` or raise `Invalid` naming each wrong field."""
    if not isinstance(data, Mapping):
        raise Invalid(code, _("Expected an object with named fields."))
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for error in exc.errors(include_url=False, include_input=False):
            name = ".".join(str(part) for part in error["loc"]) or "_"
            fields.setdefault(name, _describe(error))
        raise Invalid(code, _("Some fields are missing or not valid."), fields=fields) from None


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
    if kind.startswith("int") or kind.startswith("float"):
        return _("Must be a number in the allowed range.")
    if kind == "value_error":
        return str(context.get("error", _("Not a valid value.")))
    return _("Not a valid value.")
