"""The Q&A websocket commands (also reachable from plain forms) and who may follow what."""

from __future__ import annotations

from typing import Any

from fair.core.accounts.viewers import Viewer
from fair.core.channels import channel_id
from fair.core.db import Database
from fair.core.errors import FairError
from fair.core.limits import Limit
from fair.core.live import viewer_command
from fair.core.services import Services
from fair.qa import actions, rules
from fair.qa.access import Purpose, access_panel
from fair.qa.channels import PROGRAMME
from fair.qa.inputs import (
    Answering,
    AnswerInput,
    Ask,
    Correction,
    Decision,
    Merge,
    Note,
    PanelStateInput,
    QuestionRef,
    Tagging,
    VoteInput,
)


async def _ask(services: Services, viewer: Viewer, data: Ask) -> dict[str, Any]:
    question = await actions.ask_question(services.db, viewer, data)
    return {"question_id": question.id, "state": question.state}


async def _vote(services: Services, viewer: Viewer, data: VoteInput) -> dict[str, Any]:
    votes = await actions.vote(services.db, viewer, data)
    return {"question_id": data.question_id, "votes": votes}


async def _decide(services: Services, viewer: Viewer, data: Decision) -> dict[str, Any]:
    await actions.decide(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _correct(services: Services, viewer: Viewer, data: Correction) -> dict[str, Any]:
    await actions.correct(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _merge(services: Services, viewer: Viewer, data: Merge) -> dict[str, Any]:
    await actions.merge(services.db, viewer, data)
    return {"question_id": data.question_id, "into_id": data.into_id}


async def _tag(services: Services, viewer: Viewer, data: Tagging) -> dict[str, Any]:
    await actions.tag(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _hide(services: Services, viewer: Viewer, data: QuestionRef) -> dict[str, Any]:
    await actions.hide(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _answering(services: Services, viewer: Viewer, data: Answering) -> dict[str, Any]:
    await actions.set_answering(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _answer(services: Services, viewer: Viewer, data: AnswerInput) -> dict[str, Any]:
    await actions.answer(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _move(services: Services, viewer: Viewer, data: PanelStateInput) -> dict[str, Any]:
    panel = await actions.change_panel_state(services.db, viewer, data)
    return {"panel_id": panel.id, "state": panel.state}


async def _note(services: Services, viewer: Viewer, data: Note) -> dict[str, Any]:
    note = await actions.leave_note(services.db, viewer, data)
    return {"note_id": note.id}


COMMANDS = [
    viewer_command("qa.question.ask", Ask, _ask, limit=Limit("qa.ask", 5, 300, per="panel_id")),
    viewer_command("qa.vote", VoteInput, _vote, limit=Limit("qa.vote", 60, 60)),
    viewer_command(
        "qa.question.decide", Decision, _decide, limit=Limit("qa.question.decide", 240, 60)
    ),
    viewer_command(
        "qa.question.correct", Correction, _correct, limit=Limit("qa.question.correct", 60, 60)
    ),
    viewer_command("qa.question.merge", Merge, _merge, limit=Limit("qa.question.merge", 60, 60)),
    viewer_command("qa.question.tag", Tagging, _tag, limit=Limit("qa.question.tag", 120, 60)),
    viewer_command(
        "qa.question.hide", QuestionRef, _hide, limit=Limit("qa.question.hide", 120, 60)
    ),
    viewer_command(
        "qa.answering.set", Answering, _answering, limit=Limit("qa.answering.set", 60, 60)
    ),
    viewer_command(
        "qa.question.answer", AnswerInput, _answer, limit=Limit("qa.question.answer", 60, 60)
    ),
    viewer_command("qa.panel.move", PanelStateInput, _move, limit=Limit("qa.panel.move", 20, 60)),
    viewer_command(
        "qa.backstage.note",
        Note,
        _note,
        limit=Limit("qa.backstage.note", 20, 60, per="panel_id"),
    ),
]


async def programme_rule(db: Database, viewer: Viewer, channel: str) -> bool:
    return channel == PROGRAMME


async def panel_rule(db: Database, viewer: Viewer, channel: str) -> bool:
    """`qa:<id>` and its viewer count: everyone. `:moderation`: its moderators.
    `:backstage`: its moderators and panelists."""
    watching = channel.startswith("presence:")
    parts = channel.removeprefix("presence:").split(":")
    target = channel_id(parts[1]) if len(parts) in (2, 3) else None
    if target is None:
        return False
    try:
        async with db.reading() as session:
            access = await access_panel(session, viewer, target, Purpose.SEE)
    except FairError:
        return False
    if len(parts) == 2:
        return True
    if watching:
        return False
    if parts[2] == "moderation":
        return rules.may_moderate(viewer, access.roles)
    if parts[2] == "backstage":
        return rules.may_go_backstage(viewer, access.roles)
    return False
