"""The Q&A websocket commands (also reachable from plain forms) and who may follow what."""

from __future__ import annotations

from typing import Any

from fair.core.access import Purpose
from fair.core.accounts.viewers import Viewer
from fair.core.channels import access_rule, named_rule
from fair.core.contract import Services, viewer_command
from fair.core.limits import Limit
from fair.qa import actions
from fair.qa.access import access_panel
from fair.qa.channels import PROGRAMME
from fair.qa.following import set_following
from fair.qa.inputs import (
    Answering,
    AnswerInput,
    Ask,
    Correction,
    Decision,
    Merge,
    Note,
    PanelFollowing,
    PanelStateInput,
    QuestionHiding,
    QuestionRestoring,
    Tagging,
    VoteInput,
)


async def _ask(services: Services, viewer: Viewer, data: Ask) -> dict[str, Any]:
    """Ask a question at a panel; under pre-moderation it waits for a moderator.

    Who: anyone logged in whose role takes part, while the panel is open or live; five questions per
        five minutes per panel.
    Errors: account.login_required, qa.forbidden, qa.closed, qa.panel_not_found.
    """
    question = await actions.ask_question(services.db, viewer, data)
    return {"question_id": question.id, "state": question.state}


async def _vote(services: Services, viewer: Viewer, data: VoteInput) -> dict[str, Any]:
    """Vote for a published question, or take the vote back (`up: false`).

    Who: anyone logged in, not for their own question, while the panel takes votes.
    Errors: account.login_required, account.forbidden, qa.own_question, qa.closed,
        qa.question_not_found.
    """
    votes = await actions.vote(services.db, viewer, data)
    return {"question_id": data.question_id, "votes": votes}


async def _decide(services: Services, viewer: Viewer, data: Decision) -> dict[str, Any]:
    """Approve or reject a question (with a reason).

    Who: the panel's moderators and organisers.
    Errors: account.login_required, qa.not_moderator, qa.bad_transition, qa.question_not_found.
    """
    await actions.decide(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _correct(services: Services, viewer: Viewer, data: Correction) -> dict[str, Any]:
    """Correct a question's wording; the edit is kept for the record.

    Who: the panel's moderators and organisers.
    Errors: account.login_required, qa.not_moderator, qa.question_not_found.
    """
    await actions.correct(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _merge(services: Services, viewer: Viewer, data: Merge) -> dict[str, Any]:
    """Merge a duplicate question into another of the same panel; votes combine.

    Who: the panel's moderators and organisers.
    Errors: account.login_required, qa.not_moderator, qa.merge_self, qa.merge_other_panel,
        qa.bad_transition, qa.question_not_found.
    """
    await actions.merge(services.db, viewer, data)
    return {"question_id": data.question_id, "into_id": data.into_id}


async def _tag(services: Services, viewer: Viewer, data: Tagging) -> dict[str, Any]:
    """Set a question's tags.

    Who: the panel's moderators and organisers.
    Errors: account.login_required, qa.not_moderator, qa.question_not_found.
    """
    await actions.tag(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _hide(services: Services, viewer: Viewer, data: QuestionHiding) -> dict[str, Any]:
    """Hide a published or answered question, saying why: its asker is told, and its report
    in the review queue, if any, is handled.

    Who: the panel's moderators and organisers.
    Errors: account.login_required, input.invalid, qa.not_moderator, qa.bad_transition,
        qa.question_not_found.
    """
    await actions.hide(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _restore(services: Services, viewer: Viewer, data: QuestionRestoring) -> dict[str, Any]:
    """Restore a hidden question, saying why: it is back as it was before (published or
    answered), its asker is told, and its report in the review queue, if any, is handled.

    Who: the panel's moderators and organisers.
    Errors: account.login_required, input.invalid, qa.not_moderator, qa.not_hidden,
        qa.question_not_found.
    """
    await actions.restore(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _answering(services: Services, viewer: Viewer, data: Answering) -> dict[str, Any]:
    """Say which question the panel is answering now (or none).

    Who: the panel's panelists, moderators and organisers, while it is live.
    Errors: account.login_required, qa.not_panelist, qa.not_live, qa.question_not_found.
    """
    await actions.set_answering(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _answer(services: Services, viewer: Viewer, data: AnswerInput) -> dict[str, Any]:
    """Mark a question answered, live or with a written answer.

    Who: the panel's panelists, moderators and organisers, while it is live or closed.
    Errors: account.login_required, qa.not_panelist, qa.not_answering, qa.bad_transition,
        input.invalid, qa.question_not_found.
    """
    await actions.answer(services.db, viewer, data)
    return {"question_id": data.question_id}


async def _move(services: Services, viewer: Viewer, data: PanelStateInput) -> dict[str, Any]:
    """Move a panel to another state (open, live, closed, archived).

    Who: the panel's moderators and organisers.
    Errors: account.login_required, qa.not_moderator, qa.bad_transition, qa.panel_not_found.
    """
    panel = await actions.change_panel_state(services.db, viewer, data)
    return {"panel_id": panel.id, "state": panel.state}


async def _note(services: Services, viewer: Viewer, data: Note) -> dict[str, Any]:
    """Leave a short note backstage for the panel's panelists and moderators.

    Who: the panel's panelists, moderators and organisers; twenty a minute per panel.
    Errors: account.login_required, qa.not_backstage, qa.panel_not_found.
    """
    note = await actions.leave_note(services.db, viewer, data)
    return {"note_id": note.id}


async def _follow(services: Services, viewer: Viewer, data: PanelFollowing) -> dict[str, Any]:
    """Follow a panel, or stop (`follow`: false): followers are told 15 minutes before it
    starts.

    Who: anyone logged in.
    Errors: account.login_required, qa.panel_not_found.
    """
    following = await set_following(services.db, viewer, data)
    return {"panel_id": data.panel_id, "following": following}


COMMANDS = [
    viewer_command("qa.question.ask", Ask, _ask, limit=Limit("qa.ask", 5, 300, per="panel_id")),
    viewer_command("qa.panel.follow", PanelFollowing, _follow, limit=Limit("qa.follow", 30, 60)),
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
        "qa.question.hide", QuestionHiding, _hide, limit=Limit("qa.question.hide", 120, 60)
    ),
    viewer_command(
        "qa.question.restore",
        QuestionRestoring,
        _restore,
        limit=Limit("qa.question.restore", 120, 60),
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


programme_rule = named_rule([PROGRAMME], doc="`programme`, the panels to come: anyone.")

panel_rule = access_rule(
    access_panel,
    {"": Purpose.SEE, "moderation": Purpose.MODERATE, "backstage": Purpose.BACKSTAGE},
    counts={"": Purpose.SEE},
    doc="`qa:<id>` and its viewer count: everyone. `qa:<id>:moderation`: its moderators and "
    "organisers. `qa:<id>:backstage`: its moderators, panelists and organisers.",
)
