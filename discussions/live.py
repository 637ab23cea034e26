"""The discussions' websocket commands (also run from plain forms) and who may follow what."""

from __future__ import annotations

from typing import Any

from discussions.access import access_discussion
from discussions.actions import carry_over, handbook, posts, setup, synthesis
from discussions.channels import HANDBOOKS, INDEX
from discussions.inputs import (
    CarryOver,
    DiscussionCreation,
    Extension,
    HandbookRequest,
    Posting,
    RoundCreation,
    RoundRef,
    StanceInput,
    SynthesisDraft,
    ThemeCreation,
)
from fair.core.access import Purpose
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.channels import access_rule, named_rule
from fair.core.contract import ChannelName, Services, viewer_command
from fair.core.db import Database
from fair.core.limits import Limit


async def _create_theme(services: Services, viewer: Viewer, data: ThemeCreation) -> dict[str, Any]:
    """Set up a theme to hold discussions.

    Who: organisers.
    Errors: account.login_required, account.forbidden.
    """
    theme = await setup.create_theme(services.db, viewer, data)
    return {"theme_id": theme.id, "slug": theme.slug}


async def _create_discussion(
    services: Services, viewer: Viewer, data: DiscussionCreation
) -> dict[str, Any]:
    """Set up a discussion in a theme, naming its moderators by e-mail.

    Who: organisers.
    Errors: account.login_required, account.forbidden, discussions.theme_not_found,
        input.invalid.
    """
    discussion = await setup.create_discussion(services.db, viewer, data)
    return {"discussion_id": discussion.id, "slug": discussion.slug}


async def _add_round(services: Services, viewer: Viewer, data: RoundCreation) -> dict[str, Any]:
    """Plan the next round of a discussion: its guiding question, opening and closing times.

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, discussions.not_found.
    """
    round_ = await setup.add_round(services.db, viewer, data)
    return {"round_id": round_.id, "position": round_.position}


async def _open_round(services: Services, viewer: Viewer, data: RoundRef) -> dict[str, Any]:
    """Open a planned round now, or re-open a closed one.

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, discussions.bad_transition,
        discussions.round_not_found.
    """
    round_ = await setup.open_round(services.db, viewer, data)
    return {"round_id": round_.id, "state": round_.state}


async def _close_round(services: Services, viewer: Viewer, data: RoundRef) -> dict[str, Any]:
    """Close an open round now.

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, discussions.bad_transition,
        discussions.round_not_found.
    """
    round_ = await setup.close_round(services.db, viewer, data)
    return {"round_id": round_.id, "state": round_.state}


async def _extend_round(services: Services, viewer: Viewer, data: Extension) -> dict[str, Any]:
    """Move a planned or open round's deadline later.

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, discussions.bad_deadline,
        discussions.round_not_found.
    """
    round_ = await setup.extend_round(services.db, viewer, data)
    return {"round_id": round_.id, "closes_at": round_.closes_at.isoformat()}


async def _post(services: Services, viewer: Viewer, data: Posting) -> dict[str, Any]:
    """Post in an open round: a new thread, or a reply (`reply_to_id`) in a post's thread.

    Who: anyone logged in whose role takes part, while the round is open; ten posts per five
        minutes per round.
    Errors: account.login_required, discussions.forbidden, discussions.round_closed,
        discussions.round_not_found, discussions.contribution_not_found,
        discussions.other_round.
    """
    contribution = await posts.post_contribution(services.db, viewer, data)
    return {"contribution_id": contribution.id, "thread_id": contribution.thread_id}


async def _stance(services: Services, viewer: Viewer, data: StanceInput) -> dict[str, Any]:
    """Take a stance on another's post (agree, nuance, disagree), change it, or take it back.

    Who: anyone logged in whose role takes part, while the post's round is open.
    Errors: account.login_required, discussions.forbidden, discussions.round_closed,
        discussions.own_contribution, discussions.contribution_not_found.
    """
    counts = await posts.set_stance(services.db, viewer, data)
    return {
        "contribution_id": data.contribution_id,
        "stance": None if data.stance is None else data.stance.value,
        "stances": counts.model_dump(),
    }


async def _save_synthesis(
    services: Services, viewer: Viewer, data: SynthesisDraft
) -> dict[str, Any]:
    """Write or rewrite a closed round's synthesis as a draft (moderators see it): Markdown,
    citing the round's posts inline as `[[<post id>]]` and/or picked in `cited_ids`.

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, discussions.round_not_found,
        discussions.not_closed, discussions.bad_citation, input.invalid.
    """
    cited = await synthesis.save_synthesis(services.db, viewer, data)
    return {"round_id": data.round_id, "cited_ids": cited}


async def _publish_synthesis(services: Services, viewer: Viewer, data: RoundRef) -> dict[str, Any]:
    """Publish a closed round's saved synthesis: the round becomes synthesised, followers see
    it and each cited author is told.

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, discussions.round_not_found,
        discussions.no_draft, discussions.bad_transition, discussions.bad_citation.
    """
    published = await synthesis.publish_synthesis(services.db, viewer, data)
    return {"round_id": published.round_id, "state": "synthesised"}


async def _carry_over(services: Services, viewer: Viewer, data: CarryOver) -> dict[str, Any]:
    """Carry published, unanswered questions of a closed panel into a planned or open round
    as seed posts crediting their askers (who are told); each question once only.

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, discussions.round_not_found,
        discussions.round_closed, discussions.panel_not_found, discussions.already_carried,
        discussions.not_carriable.
    """
    posted = await carry_over.carry_over(services.db, viewer, data)
    return {"round_id": data.round_id, "contribution_ids": posted}


async def _request_handbook(
    services: Services, viewer: Viewer, data: HandbookRequest
) -> dict[str, Any]:
    """Ask for a handbook export of a theme (or of the whole fair, with no `theme_id`); it is
    built in the background, its progress on `handbook:fair:staff`.

    Who: organisers.
    Errors: account.login_required, account.forbidden, discussions.theme_not_found.
    """
    export = await handbook.request_handbook(services.db, viewer, data)
    return {"export_id": export.id, "state": export.state}


COMMANDS = [
    viewer_command(
        "discussions.theme.create",
        ThemeCreation,
        _create_theme,
        limit=Limit("discussions.theme.create", 20, 60),
    ),
    viewer_command(
        "discussions.discussion.create",
        DiscussionCreation,
        _create_discussion,
        limit=Limit("discussions.discussion.create", 20, 60),
    ),
    viewer_command(
        "discussions.round.add",
        RoundCreation,
        _add_round,
        limit=Limit("discussions.round.add", 20, 60),
    ),
    viewer_command(
        "discussions.round.open",
        RoundRef,
        _open_round,
        limit=Limit("discussions.round.open", 20, 60),
    ),
    viewer_command(
        "discussions.round.close",
        RoundRef,
        _close_round,
        limit=Limit("discussions.round.close", 20, 60),
    ),
    viewer_command(
        "discussions.round.extend",
        Extension,
        _extend_round,
        limit=Limit("discussions.round.extend", 20, 60),
    ),
    viewer_command(
        "discussions.contribution.post",
        Posting,
        _post,
        limit=Limit("discussions.post", 10, 300, per="round_id"),
    ),
    viewer_command(
        "discussions.stance.set",
        StanceInput,
        _stance,
        limit=Limit("discussions.stance", 60, 60),
    ),
    viewer_command(
        "discussions.synthesis.save",
        SynthesisDraft,
        _save_synthesis,
        limit=Limit("discussions.synthesis.save", 30, 300),
    ),
    viewer_command(
        "discussions.synthesis.publish",
        RoundRef,
        _publish_synthesis,
        limit=Limit("discussions.synthesis.publish", 10, 60),
    ),
    viewer_command(
        "discussions.questions.carry_over",
        CarryOver,
        _carry_over,
        limit=Limit("discussions.carry_over", 10, 60),
    ),
    viewer_command(
        "discussions.handbook.request",
        HandbookRequest,
        _request_handbook,
        limit=Limit("discussions.handbook.request", 5, 60),
    ),
]


index_rule = named_rule([INDEX], doc="`discussions`, themes and discussions as set up: anyone.")

discussion_rule = access_rule(
    access_discussion,
    {"": Purpose.SEE},
    counts={"": Purpose.SEE},
    doc="`discussion:<id>` and its viewer count: everyone.",
)


async def handbook_rule(db: Database, viewer: Viewer, channel: ChannelName) -> bool:
    """`handbook:fair:staff`, handbook exports as they progress: organisers."""
    return channel.text == HANDBOOKS and not channel.presence and viewer.can(Capability.EDIT_FAIR)
