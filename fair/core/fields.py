"""Field types shared by every feature's inputs: ids, cursors, cleaned lines and texts, e-mail,
URL, country. Every text field of an `Input` is cleaned through one of these (a test checks)."""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from pydantic import AfterValidator, Field

from fair.core.accounts.countries import country_code
from fair.core.i18n import current_language
from fair.core.i18n import gettext as _
from fair.core.text import clean_line, clean_text

MAX_ID = 2**63 - 1
"""The largest id a database row can have (a signed 64-bit integer)."""

_CANONICAL_ID = re.compile(r"[1-9][0-9]{0,18}")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


def _email(value: str) -> str:
    value = value.strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise ValueError(_("Enter an e-mail address like name@example.org."))
    return value


def _optional_email(value: str) -> str:
    return _email(value) if value.strip() else ""


def _country(value: str) -> str:
    code = country_code(value, current_language())
    if code is None:
        raise ValueError(_("Choose a country from the list."))
    return code


def _optional_country(value: str) -> str:
    return _country(value) if value.strip() else ""


@cache
def zone_names() -> frozenset[str]:
    """Every IANA time zone this system knows (`Asia/Manila`)."""
    return frozenset(available_timezones())


def _optional_zone(value: str) -> str:
    if value and value not in zone_names():
        raise ValueError(_("Choose a time zone like Europe/Brussels or Africa/Dakar."))
    return value


def _zone(value: str) -> str:
    if not value:
        raise ValueError(_("Choose a time zone like Europe/Brussels or Africa/Dakar."))
    return _optional_zone(value)


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


def id_from_text(text: str) -> int | None:
    """The id a path segment or a form field spells, in its one canonical spelling, or None."""
    if not _CANONICAL_ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


MAX_PAGE = 100_000
"""The last page number a listing accepts; beyond it, the listing shows this page."""


def page_from_text(text: str) -> int:
    """A listing's page number from a query string: 1 unless it is a canonical number."""
    value = id_from_text(text)
    return 1 if value is None else min(value, MAX_PAGE)


CLEANERS = (clean_line, clean_text)
"""The functions that clean user text; every str field of an `Input` runs one of them."""

Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
"""A row's id: a JSON integer (no bool, no string) in the database's range."""
Cursor = Annotated[int, Field(strict=True, ge=0, le=MAX_ID)]
"""A position in a channel's log (`since`): a non-negative JSON integer."""
Line = Annotated[str, AfterValidator(clean_line)]
Text = Annotated[str, AfterValidator(clean_text)]
Email = Annotated[str, AfterValidator(clean_line), AfterValidator(_email)]
OptionalEmail = Annotated[str, AfterValidator(clean_line), AfterValidator(_optional_email)]
Country = Annotated[str, AfterValidator(clean_line), AfterValidator(_country)]
OptionalCountry = Annotated[str, AfterValidator(clean_line), AfterValidator(_optional_country)]
CountryList = Annotated[
    list[OptionalCountry],
    AfterValidator(lambda codes: list(dict.fromkeys(code for code in codes if code))),
]
"""Countries typed into a row of pickers: blank rows dropped, each country once."""
WebAddress = Annotated[str, AfterValidator(clean_line), AfterValidator(_web_address)]
Zone = Annotated[str, AfterValidator(clean_line), Field(max_length=64), AfterValidator(_zone)]
"""An IANA time zone name (`America/Mexico_City`)."""
OptionalZone = Annotated[
    str, AfterValidator(clean_line), Field(max_length=64), AfterValidator(_optional_zone)
]
"""An IANA time zone name, or empty: the fair's."""
Secret = Annotated[str, Field(strict=True)]
"""A password: kept exactly as typed (cleaning would change it), never shown back."""
