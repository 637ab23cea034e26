"""What account mail with a signed link needs: the secret to sign with, the fair's address,
the templates to write with, and the language to fall back on; and checking such a link when
it comes back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from jinja2 import Environment

from fair.core.errors import FairError
from fair.core.signing import BadToken, ExpiredToken, unsign, unverified_value

if TYPE_CHECKING:
    from fair.core.contract import Services


@dataclass(frozen=True)
class AccountMail:
    secret: str
    base_url: str
    env: Environment
    default_language: str = "en"

    def link(self, path: str, token: str) -> str:
        """The absolute address of `path` on this fair, carrying `token`."""
        return f"{self.base_url.rstrip('/')}{path}?token={quote(token)}"

    @classmethod
    def of(cls, services: Services, language: str) -> AccountMail:
        settings = services.settings
        return cls(settings.secret_key, settings.base_url, services.templates.env, language)


def account_named_by(token: str, refused: FairError) -> int:
    """The account id a link's token claims, NOT yet checked (to load what it is bound to);
    `refused` when the token cannot even say."""
    try:
        return int(unverified_value(token))
    except (BadToken, ValueError):
        raise refused from None


def check_link(
    secret: str,
    purpose: str,
    token: str,
    *,
    max_age: float,
    bind: str = "",
    refused: FairError,
    expired: FairError,
) -> None:
    """A mailed link's token, checked for `purpose` and `bind`: `expired` when too old,
    `refused` for anything else wrong."""
    try:
        unsign(secret, purpose, token, max_age=max_age, bind=bind)
    except ExpiredToken:
        raise expired from None
    except BadToken:
        raise refused from None
