"""Which part of the world a country is in, for the attendance breakdown (from CLDR's zones)."""

from __future__ import annotations

from functools import cache

from babel.core import get_global

from fair.core.i18n import N_

REGIONS = {
    "Africa": N_("Africa"),
    "Americas": N_("Americas"),
    "Asia": N_("Asia"),
    "Europe": N_("Europe"),
    "Oceania": N_("Oceania"),
    "Other": N_("Elsewhere"),
}
"""Each region's key and its label (a message id, translated when shown)."""
_BY_ZONE_AREA = {
    "Africa": "Africa",
    "America": "Americas",
    "Asia": "Asia",
    "Europe": "Europe",
    "Pacific": "Oceania",
    "Australia": "Oceania",
}
_ISLANDS = {
    "Indian/Mauritius": "Africa",
    "Indian/Mahe": "Africa",
    "Indian/Reunion": "Africa",
    "Indian/Mayotte": "Africa",
    "Indian/Comoro": "Africa",
    "Indian/Antananarivo": "Africa",
    "Indian/Maldives": "Asia",
    "Indian/Chagos": "Asia",
    "Indian/Christmas": "Asia",
    "Indian/Cocos": "Asia",
    "Atlantic/Cape_Verde": "Africa",
    "Atlantic/St_Helena": "Africa",
    "Atlantic/Reykjavik": "Europe",
    "Atlantic/Faroe": "Europe",
    "Atlantic/Bermuda": "Americas",
    "Atlantic/Stanley": "Americas",
    "Atlantic/South_Georgia": "Americas",
}
"""Ocean zones, whose name does not say the continent."""


@cache
def region_of(country: str) -> str:
    """The region key of an ISO 3166 country code; "Other" when CLDR has no zone for it."""
    zones = get_global("territory_zones").get(country.upper()) or []
    if not zones:
        return "Other"
    first = zones[0]
    return _ISLANDS.get(first) or _BY_ZONE_AREA.get(first.split("/")[0], "Other")
