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
