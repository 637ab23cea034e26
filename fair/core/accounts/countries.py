"""Countries by ISO 3166 alpha-2 code, named in the viewer's language (from Babel's CLDR data)."""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale

from fair.core.i18n import current_language


def _sort_key(name: str) -> str:
    """Accents aside, as a reader expects a list sorted (Égypte between Égalité and Espagne)."""
    plain = unicodedata.normalize("NFKD", name)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


@cache
def _names(language: str) -> dict[str, str]:
    territories = Locale.parse(language).territories
    names = {code: name for code, name in territories.items() if len(code) == 2 and code.isalpha()}
    for placeholder in ("ZZ", "XA", "XB", "QO", "EU", "EZ", "UN"):
        names.pop(placeholder, None)
    return dict(sorted(names.items(), key=lambda item: _sort_key(item[1])))


def country_names(language: str | None = None) -> dict[str, str]:
    """Code -> name in `language` (default: the active language), sorted by name."""
    return _names(language or current_language())


def is_country(code: str) -> bool:
    return code in _names("en")
