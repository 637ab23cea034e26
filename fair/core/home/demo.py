"""Loads the demo fair's details, themes and countries from config/demo/fair.toml."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from fair.core.accounts.viewers import SYSTEM
from fair.core.db import Database
from fair.core.home.actions import set_countries, set_fair_details, set_themes
from fair.core.home.inputs import Countries, FairDetails, Themes
from fair.core.settings import Settings
from fair.core.tables import utcnow


async def load_demo(db: Database, demo_dir: Path, settings: Settings) -> list[str]:
    data = tomllib.loads((demo_dir / "fair.toml").read_text(encoding="utf-8"))
    details = dict(data["fair"])
    if "days" in details:
        # Dated around the moment the demo loads (in the fair's zone), like its panels.
        first = utcnow().astimezone(ZoneInfo(details["timezone"])).date() - timedelta(days=1)
        days = int(details.pop("days"))
        details["starts_on"], details["ends_on"] = first, first + timedelta(days=days - 1)
    view = await set_fair_details(db, SYSTEM, FairDetails(**details))
    themes = await set_themes(db, SYSTEM, Themes(themes=data.get("themes", [])))
    countries = await set_countries(db, SYSTEM, Countries(countries=data.get("countries", [])))
    return [
        f"Fair: {view.name} ({view.starts_on} to {view.ends_on}), "
        f"{len(themes)} themes, {len(countries)} countries in play"
    ]
