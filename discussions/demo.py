"""Loads the demo discussions from config/demo/discussions/discussions.toml: one theme, two
discussions, the first in three rounds (closed, open with posts and stances, planned), with a
focal point's offline-group post and a pinned thread. Round times are set around the moment
the demo is loaded."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from discussions.actions import people, posts, setup, threads
from discussions.inputs import (
    DiscussionCreation,
    FocalPointInput,
    Posting,
    RoundCreation,
    RoundRef,
    StanceInput,
    ThemeCreation,
    ThreadPin,
)
from discussions.models import Theme
from discussions.rules import RoundState, StanceKind
from fair.core.accounts.demo import demo_viewer
from fair.core.accounts.viewers import SYSTEM
from fair.core.db import Database
from fair.core.settings import Settings
from fair.core.tables import utcnow


async def load_demo(db: Database, demo_dir: Path, settings: Settings) -> list[str]:
    path = demo_dir / "discussions" / "discussions.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    async with db.reading() as session:
        existing = set(await session.scalars(select(Theme.slug)))
    created = 0
    for entry in data["themes"]:
        if entry["slug"] not in existing:
            await _load_theme(db, entry)
            created += 1
    return [f"Discussions: {len(data['themes'])} demo themes ({created} new)"]


async def _load_theme(db: Database, entry: dict[str, Any]) -> None:
    theme = await setup.create_theme(
        db,
        SYSTEM,
        ThemeCreation(name=entry["name"], slug=entry["slug"], introduction=entry["introduction"]),
    )
    for item in entry.get("discussions", []):
        discussion = await setup.create_discussion(
            db,
            SYSTEM,
            DiscussionCreation(
                theme_id=theme.id,
                title=item["title"],
                slug=item["slug"],
                introduction=item.get("introduction", ""),
                moderators=item.get("moderators", []),
            ),
        )
        for email in item.get("focal_points", []):
            await people.set_focal_point(
                db, SYSTEM, FocalPointInput(discussion_id=discussion.id, email=email)
            )
        for round_entry in item.get("rounds", []):
            await _load_round(db, discussion.id, round_entry)


async def _load_round(db: Database, discussion_id: int, entry: dict[str, Any]) -> None:
    today = utcnow().replace(minute=0, second=0, microsecond=0)
    round_ = await setup.add_round(
        db,
        SYSTEM,
        RoundCreation(
            discussion_id=discussion_id,
            question=entry["question"],
            opens_at=today + timedelta(days=entry["opens_days"]),
            closes_at=today + timedelta(days=entry["closes_days"]),
        ),
    )
    target = RoundState(entry["state"])
    if target is RoundState.PLANNED:
        return
    await setup.open_round(db, SYSTEM, RoundRef(round_id=round_.id))
    for post in entry.get("posts", []):
        root = await _post(db, round_.id, post, None)
        for reply in post.get("replies", []):
            await _post(db, round_.id, reply, root)
    if target is RoundState.CLOSED:
        await setup.close_round(db, SYSTEM, RoundRef(round_id=round_.id))


async def _post(db: Database, round_id: int, entry: dict[str, Any], reply_to: int | None) -> int:
    author = await demo_viewer(db, entry["author"])
    posted = await posts.post_contribution(
        db,
        author,
        Posting(
            round_id=round_id,
            body=entry["body"],
            reply_to_id=reply_to,
            group_name=entry.get("group"),
            group_size=entry.get("group_size"),
        ),
    )
    if entry.get("pinned"):
        await threads.pin_thread(db, SYSTEM, ThreadPin(thread_id=posted.id))
    for email, stance in entry.get("stances", []):
        await posts.set_stance(
            db,
            await demo_viewer(db, email),
            StanceInput(contribution_id=posted.id, stance=StanceKind(stance)),
        )
    return posted.id
