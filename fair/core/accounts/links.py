"""What account mail with a signed link needs: the secret to sign with, the fair's address,
the templates to write with, and the language to fall back on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from jinja2 import Environment

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
