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


@cache
def _codes_by_name(language: str) -> dict[str, str]:
    return {name.casefold(): code for code, name in country_names(language).items()}


def country_code(value: str, language: str = "en") -> str | None:
    """The country a person typed or picked: its code, or its name in `language` or English
    (what the country picker's list offers), in any case; None if it is no country."""
    value = value.strip()
    if value.upper() in _names("en"):
        return value.upper()
    key = value.casefold()
    return _codes_by_name(language).get(key) or _codes_by_name("en").get(key)


def countries_named(term: str, language: str | None = None) -> list[str]:
    """The codes of the countries whose code is `term`, or whose name in `language` (default:
    the active language) or English holds it, accents and case aside (`sene` finds SN)."""
    key = _sort_key(term.strip())
    if not key:
        return []
    codes = {term.strip().upper()} & set(_names("en"))
    for names in (country_names(language), _names("en")):
        codes.update(code for code, name in names.items() if key in _sort_key(name))
    return sorted(codes)
