"""Form errors tied to their fields: what a template writes on an input in error and beside it.

A refusal (`FairError.fields`, keyed by the form's field names) marks each input it names with
`{{ invalid(error, "name") }}` (`aria-invalid` and `aria-describedby="error-name"`) and shows
the field's message next to it with `{{ field_error(error, "name") }}` (`id="error-name"`), so a
screen reader reads the reason with the field and the list at the top of the form
(`_form_errors.html`) names each field by its human label.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from fair.core.errors import FairError


def error_id(name: str) -> str:
    """The id of the element that holds a field's message."""
    return f"error-{name}"


def _message(error: object, name: str) -> str | None:
    if not isinstance(error, FairError):
        return None
    if name in error.fields:
        return error.fields[name]
    # `members` stands for every `members.<n>.<field>` the input names.
    return error.field_names().get(name) if "." not in name else None


def invalid(error: object, name: str) -> Markup:
    """` aria-invalid="true" aria-describedby="error-<name>"` when `error` names the field."""
    if _message(error, name) is None:
        return Markup("")
    return Markup(' aria-invalid="true" aria-describedby="{}"').format(error_id(name))


def field_error(error: object, name: str) -> Markup:
    """The field's message in an element the field points at, or nothing."""
    message = _message(error, name)
    if message is None:
        return Markup("")
    return Markup('<span class="field-error" id="{}">{}</span>').format(
        error_id(name), escape(message)
    )
