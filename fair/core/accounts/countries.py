"""Countries by ISO 3166 alpha-2 code, named in the viewer's language (from Babel's CLDR data)."""

from __future__ import annotations

from functools import cache

from babel import Locale


@cache
def country_names(language: str = "en") -> dict[str, str]:
    territories = Locale.parse(language).territories
    names = {code: name for code, name in territories.items() if len(code) == 2 and code.isalpha()}
    for placeholder in ("ZZ", "XA", "XB", "QO", "EU", "EZ", "UN"):
        names.pop(placeholder, None)
    return dict(sorted(names.items(), key=lambda item: item[1]))


def is_country(code: str) -> bool:
    return code in country_names()


@cache
def _codes_by_name(language: str) -> dict[str, str]:
    return {name.casefold(): code for code, name in country_names(language).items()}


def country_code(value: str, language: str = "en") -> str | None:
    """The country a person typed or picked: its code, or its name in `language` or English
    (what the country picker's list offers), in any case; None if it is no country."""
    value = value.strip()
    if value.upper() in country_names():
        return value.upper()
    key = value.casefold()
    return _codes_by_name(language).get(key) or _codes_by_name("en").get(key)
