"""Loads the demo panels from config/demo/qa/panels.toml: one live now, one upcoming, one
archived with answered questions. Times are set around the moment the demo is loaded."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fair.core.accounts.demo import demo_viewer
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.settings import Settings
from fair.core.tables import utcnow
from fair.qa import actions
from fair.qa.inputs import AnswerInput, Ask, Decision, PanelCreation, PanelStateInput, VoteInput
from fair.qa.models import Panel
from fair.qa.rules import PanelState
from fair.qa.setup import create_panel

OFFSETS = {"now": timedelta(minutes=-20), "upcoming": timedelta(days=1), "past": timedelta(days=-1)}


async def load_demo(db: Database, demo_dir: Path, settings: Settings) -> list[str]:
    data = tomllib.loads((demo_dir / "qa" / "panels.toml").read_text(encoding="utf-8"))
    organiser = await demo_viewer(db, "organiser@demo.fair")
    async with db.reading() as session:
        existing = set(await session.scalars(select(Panel.slug)))
    created = 0
    for entry in data["panels"]:
        if entry["slug"] not in existing:
            await _load_panel(db, organiser, entry)
            created += 1
    return [f"Q&A: {len(data['panels'])} demo panels ({created} new)"]


async def _load_panel(db: Database, organiser: Viewer, entry: dict[str, Any]) -> None:
    starts = utcnow().replace(second=0, microsecond=0) + OFFSETS[entry["when"]]
    panel = await create_panel(
        db,
        organiser,
        PanelCreation(
            title=entry["title"],
            slug=entry["slug"],
            description=entry.get("description", ""),
            starts_at=starts,
            ends_at=starts + timedelta(minutes=int(entry.get("minutes", 60))),
            moderation=entry.get("moderation", "pre"),
            panelists=entry.get("panelists", []),
            moderators=entry.get("moderators", []),
            booths=entry.get("booths", []),
            interview_from=entry.get("interview", ""),
        ),
        demo=True,
    )
    moderator = await demo_viewer(db, entry["moderators"][0])
    panelist = await demo_viewer(db, entry["panelists"][0])
    target = PanelState(entry.get("state", "open"))
    first = PanelState.OPEN if target == PanelState.OPEN else PanelState.LIVE
    if target != PanelState.SCHEDULED:
        await actions.change_panel_state(
            db, moderator, PanelStateInput(panel_id=panel.id, state=first)
        )
    for item in entry.get("questions", []):
        asker = await demo_viewer(db, item["asker"])
        question = await actions.ask_question(
            db,
            asker,
            Ask(panel_id=panel.id, text=item["text"], anonymous=item.get("anonymous", False)),
        )
        if "approve" in item:
            await actions.decide(
                db,
                moderator,
                Decision(
                    question_id=question.id, approve=item["approve"], reason=item.get("reason")
                ),
            )
        for email in item.get("votes", []):
            await actions.vote(db, await demo_viewer(db, email), VoteInput(question_id=question.id))
        if "answer" in item:
            await actions.answer(
                db,
                panelist,
                AnswerInput(
                    question_id=question.id, text=item["answer"], live=item.get("live", True)
                ),
            )
    if target in {PanelState.CLOSED, PanelState.ARCHIVED}:
        await actions.change_panel_state(
            db, moderator, PanelStateInput(panel_id=panel.id, state=PanelState.CLOSED)
        )
    if target == PanelState.ARCHIVED:
        await actions.change_panel_state(
            db, moderator, PanelStateInput(panel_id=panel.id, state=target)
        )
