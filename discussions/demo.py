"""Loads the demo discussions from config/demo/discussions/discussions.toml: one theme, two
discussions, the first in three rounds (synthesised with citations; open with a Q&A
carry-over, posts and stances; planned). Round times are set around the moment the demo is
loaded."""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from discussions.actions import carry_over, posts, setup, synthesis
from discussions.inputs import (
    CarryOver,
    DiscussionCreation,
    Posting,
    RoundCreation,
    RoundRef,
    StanceInput,
    SynthesisDraft,
    ThemeCreation,
)
from discussions.models import Theme
from discussions.rules import RoundState, StanceKind
from fair.core.accounts.demo import demo_viewer
from fair.core.accounts.viewers import SYSTEM
from fair.core.db import Database
from fair.core.settings import Settings
from fair.core.tables import utcnow
from fair.qa import public as qa


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
    if "carry_over" in entry:
        await _carry_over(db, round_.id, entry["carry_over"])
    posted: list[int] = []
    for post in entry.get("posts", []):
        root = await _post(db, round_.id, post, None)
        posted.append(root)
        for reply in post.get("replies", []):
            posted.append(await _post(db, round_.id, reply, root))
    if target is RoundState.CLOSED:
        await setup.close_round(db, SYSTEM, RoundRef(round_id=round_.id))
        if "synthesis" in entry:
            await _synthesise(db, round_.id, entry["synthesis"], posted)


async def _synthesise(
    db: Database, round_id: int, entry: dict[str, Any], posted: list[int]
) -> None:
    """The round's moderator writes and publishes its synthesis; `[[post:N]]` in the demo's
    text cites the round's N-th post."""
    author = await demo_viewer(db, entry["author"])
    body = re.sub(
        r"\[\[post:(\d+)\]\]", lambda m: f"[[{posted[int(m.group(1)) - 1]}]]", entry["body"]
    )
    cited = [posted[n - 1] for n in entry.get("cite", [])]
    await synthesis.save_synthesis(
        db, author, SynthesisDraft(round_id=round_id, body=body, cited_ids=cited)
    )
    await synthesis.publish_synthesis(db, author, RoundRef(round_id=round_id))


async def _carry_over(db: Database, round_id: int, entry: dict[str, Any]) -> None:
    """The round's moderator carries the top unanswered questions of a closed demo panel."""
    async with db.reading() as session:
        panel = (await qa.panels_by_slug(session, [entry["panel"]])).get(entry["panel"])
        questions = (
            []
            if panel is None
            else await qa.unanswered_questions(session, panel.id, limit=entry["top"])
        )
    if panel is None or not questions:
        return
    await carry_over.carry_over(
        db,
        await demo_viewer(db, entry["by"]),
        CarryOver(round_id=round_id, panel_id=panel.id, question_ids=[q.id for q in questions]),
    )


async def _post(db: Database, round_id: int, entry: dict[str, Any], reply_to: int | None) -> int:
    author = await demo_viewer(db, entry["author"])
    posted = await posts.post_contribution(
        db, author, Posting(round_id=round_id, body=entry["body"], reply_to_id=reply_to)
    )
    for email, stance in entry.get("stances", []):
        await posts.set_stance(
            db,
            await demo_viewer(db, email),
            StanceInput(contribution_id=posted.id, stance=StanceKind(stance)),
        )
    return posted.id
