"""Loads the demo hall from config/demo/hall/booths.toml and the small files beside it.

Every demo booth is marked as demo content. Actions run as the demo organiser, so the demo
is built the way an organiser and a team would build it. Booths already there are skipped.
"""

from __future__ import annotations

import tomllib
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.home.models import FairInfo
from fair.core.settings import Settings
from fair.hall.actions import booths, media
from fair.hall.inputs import (
    BoothCreation,
    BoothDetails,
    Consortium,
    MediaDetails,
    OfficeHourInput,
    StateChange,
    TeamInvitation,
)
from fair.hall.models import Booth
from fair.hall.rules import BoothState, MediaKind
from fair.hall.settings import HallSettings
from fair.hall.uploads import Storage

DEMO_ORGANISER = "organiser@demo.fair"


async def _organiser(db: Database) -> Viewer:
    async with db.reading() as session:
        user = await session.scalar(select(User).where(User.email == DEMO_ORGANISER))
    if user is None:
        raise RuntimeError(
            "load the demo accounts first (the accounts feature comes before the hall)"
        )
    return Viewer(
        user_id=user.id,
        role=Role.ORGANISER,
        display_name=user.display_name,
        login_id=None,
        visitor="demo",
    )


async def load_demo(db: Database, demo_dir: Path, settings: Settings) -> list[str]:
    source = demo_dir / "hall"
    data = tomllib.loads((source / "booths.toml").read_text(encoding="utf-8"))
    organiser = await _organiser(db)
    storage = Storage(settings.section(HallSettings).upload_path)
    async with db.reading() as session:
        existing = set(await session.scalars(select(Booth.slug)))
        first_day = await session.scalar(select(FairInfo.starts_on).order_by(FairInfo.id).limit(1))
    created = 0
    for entry in data["booths"]:
        if entry["slug"] in existing:
            continue
        await _load_booth(db, organiser, storage, source, entry, first_day)
        created += 1
    return [f"Hall: {len(data['booths'])} demo booths ({created} new)"]


async def _load_booth(
    db: Database,
    organiser: Viewer,
    storage: Storage,
    source: Path,
    entry: dict[str, Any],
    first_day: Any,
) -> None:
    booth = await booths.create_booth(
        db,
        organiser,
        BoothCreation(
            title=entry["title"],
            slug=entry["slug"],
            theme=entry.get("theme", ""),
            tagline=entry.get("tagline", ""),
        ),
        demo=True,
    )
    details = {key: entry[key] for key in BoothDetails.model_fields if key in entry}
    await booths.edit_booth(db, organiser, booth.id, BoothDetails(**details))
    await booths.set_consortium(
        db, organiser, booth.id, Consortium(members=entry.get("organisations", []))
    )
    for email in entry.get("team", []):
        await booths.add_team_member(db, organiser, booth.id, TeamInvitation(email=email))
    for item in entry.get("media", []):
        kind = MediaKind(item["kind"])
        stored = None
        if "file" in item:
            with (source / "media" / item["file"]).open("rb") as file:
                stored = await storage.save(kind, file, item["file"])
        details_in = MediaDetails(
            kind=kind,
            title=item["title"],
            transcript=item.get("transcript", ""),
            external_url=item.get("external_url", ""),
        )
        await media.add_media(db, organiser, booth.id, details_in, stored, storage)
    if first_day is not None:
        for hour in entry.get("hours", []):
            day = first_day + timedelta(days=int(hour.get("day", 0)))
            await booths.add_office_hour(
                db,
                organiser,
                booth.id,
                OfficeHourInput(
                    starts_at=datetime.combine(day, time.fromisoformat(hour["start"])),
                    ends_at=datetime.combine(day, time.fromisoformat(hour["end"])),
                    note=hour.get("note", ""),
                ),
            )
    state = BoothState(entry.get("state", "published"))
    if state != BoothState.DRAFT:
        await booths.change_state(db, organiser, booth.id, StateChange(state=BoothState.PUBLISHED))
    if state == BoothState.ARCHIVED:
        await booths.change_state(db, organiser, booth.id, StateChange(state=state))
