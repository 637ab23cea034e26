"""Refusals: a stable code for programs, a translated message for people, an HTTP status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, Self

from fair.core.i18n import gettext as _
from fair.core.labels import SHARED_LABELS


class Labelled(Protocol):
    """An input that names its fields for people (`fair.core.inputs.Input`)."""

    @classmethod
    def label_of(cls, name: str) -> str | None: ...


class FairError(Exception):
    """Something the person asked for was refused; nothing was changed."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        fields: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status
        self.fields = dict(fields or {})
        # Each field's human name in the person's language (its input's `labels`); the
        # wire keeps the field names as keys, pages show these.
        self.labels = dict(labels or {})

    def about(self, model: type[Labelled]) -> Self:
        """This refusal with its fields named by `model`'s labels (for an action's own
        refusal of a field of its input)."""
        for name in self.fields:
            label = model.label_of(name.split(".")[0])
            if label:
                self.labels.setdefault(name, _(label))
        return self

    def label(self, name: str) -> str:
        """The human name of a field in error (its own name when it has none)."""
        if name in self.labels:
            return self.labels[name]
        shared = SHARED_LABELS.get(name.split(".")[0])
        return _(shared) if shared else name

    def field_names(self) -> dict[str, str]:
        """Form field name -> message: `members.0.name` is the form's `members_name`,
        `themes.2` its `themes`, so a page can mark the input that holds the value."""
        found: dict[str, str] = {}
        for name, message in self.fields.items():
            found.setdefault(name.split(".")[0], message)
        return found

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        if self.labels:
            body["labels"] = self.labels
        return body


class Invalid(FairError):
    """The input does not have the required shape or values."""

    status = 422


class NotAuthenticated(FairError):
    """The action needs a logged-in person."""

    status = 401


class Forbidden(FairError):
    """The person is logged in but may not do this."""

    status = 403


class NotFound(FairError):
    """The object does not exist, or the person may not know that it does."""

    status = 404


class Conflict(FairError):
    """The action clashes with the current state (a taken e-mail, a closed panel)."""

    status = 409


class RateLimited(FairError):
    """The person did this too often; they may try again in `retry_after` seconds (when
    known), which the reply carries (`error.retry_after`, and a `Retry-After` header over
    HTTP)."""

    status = 429

    def __init__(self, code: str, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(code, message)
        self.retry_after = retry_after

    def as_dict(self) -> dict[str, object]:
        body = super().as_dict()
        if self.retry_after is not None:
            body["retry_after"] = self.retry_after
        return body


class Unavailable(FairError):
    """A service the fair depends on (the database) is away; the person may try again shortly."""

    status = 503
