"""Field types shared by every feature's inputs: cleaned lines and texts, e-mail, URL, country."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator

from fair.core.accounts.countries import is_country
from fair.core.i18n import gettext as _
from fair.core.text import clean_line, clean_text

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


def _email(value: str) -> str:
    value = value.strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise ValueError(_("Enter an e-mail address like name@example.org."))
    return value


def _optional_email(value: str) -> str:
    return _email(value) if value.strip() else ""


def _country(value: str) -> str:
    value = value.strip().upper()
    if not is_country(value):
        raise ValueError(_("Choose a country from the list."))
    return value


def _optional_country(value: str) -> str:
    return _country(value) if value.strip() else ""


def _web_address(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or "@" in parts.netloc:
        raise ValueError(_("Enter a web address starting with https://"))
    if len(value) > 300:
        raise ValueError(_("Must be at most %(n)s characters.") % {"n": 300})
    return value


Email = Annotated[str, AfterValidator(_email)]
OptionalEmail = Annotated[str, AfterValidator(_optional_email)]
Country = Annotated[str, AfterValidator(_country)]
OptionalCountry = Annotated[str, AfterValidator(_optional_country)]
WebAddress = Annotated[str, AfterValidator(_web_address)]
Line = Annotated[str, AfterValidator(clean_line)]
Text = Annotated[str, AfterValidator(clean_text)]
