"""Refusals: a stable code for programs, a translated message for people, an HTTP status."""

from __future__ import annotations

from collections.abc import Mapping


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
    ) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status
        self.fields = dict(fields or {})

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
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
