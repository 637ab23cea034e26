"""Loads the demo fair's details from config/demo/fair.toml."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from fair.core.db import Database
from fair.core.home.actions import set_fair_details


async def load_demo(db: Database, demo_dir: Path, options: dict[str, Any]) -> list[str]:
    data = tomllib.loads((demo_dir / "fair.toml").read_text(encoding="utf-8"))["fair"]
    view = await set_fair_details(
        db,
        name=data["name"],
        tagline=data.get("tagline", ""),
        starts_on=date.fromisoformat(str(data["starts_on"])),
        ends_on=date.fromisoformat(str(data["ends_on"])),
        timezone=data.get("timezone", "UTC"),
        description=data.get("description", ""),
    )
    return [f"Fair: {view.name} ({view.starts_on} to {view.ends_on})"]
