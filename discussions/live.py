"""The discussions' websocket commands (also run from plain forms) and who may follow what."""

from __future__ import annotations

from typing import Any

from discussions.access import access_discussion
from discussions.actions import moderation, posts, reactions, setup
from discussions.channels import INDEX
from discussions.inputs import (
    DiscussionCreation,
    Extension,
    Moderation,
    Posting,
    ReactionToggle,
    RoundCreation,
    RoundRef,
    StanceInput,
    ThemeCreation,
)
from fair.core.access import Purpose
from fair.core.accounts.viewers import Viewer
from fair.core.channels import access_rule, named_rule
from fair.core.contract import Services, viewer_command
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
    """Post in an open round: a new thread, or a reply (`reply_to_id`) in a post's thread,
    perhaps quoting (`quote_id`) a post of the same discussion. `#booth-<address>`,
    `#panel-<id>` and pasted addresses of booth and panel pages of this fair become card links
    (unknown or draft ones stay plain text).

    Who: anyone logged in whose role takes part, while the round is open; ten posts per five
        minutes per round (the refusal says how many seconds to wait: `retry_after`).
    Errors: account.login_required, discussions.forbidden, discussions.round_closed,
        discussions.round_not_found, discussions.contribution_not_found,
        discussions.other_round, discussions.other_discussion.
    """
    origins = frozenset(origin.lower() for origin in services.settings.origins)
    contribution = await posts.post_contribution(services.db, viewer, data, origins=origins)
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


async def _react(services: Services, viewer: Viewer, data: ReactionToggle) -> dict[str, Any]:
    """Give a reaction (useful, thanks, question) to another's post, or take it back if given.

    Who: anyone logged in whose role takes part, while the post's round is open; one of each
        kind per person.
    Errors: account.login_required, discussions.forbidden, discussions.round_closed,
        discussions.own_contribution, discussions.contribution_not_found.
    """
    toggled = await reactions.toggle_reaction(services.db, viewer, data)
    return {
        "contribution_id": data.contribution_id,
        "kind": data.kind.value,
        "pressed": toggled.pressed,
        "reactions": toggled.counts.model_dump(),
    }


async def _hide(services: Services, viewer: Viewer, data: Moderation) -> dict[str, Any]:
    """Hide a post with a reason: it goes from participants' pages, its author is told why,
    moderators still see it, marked hidden.

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator,
        discussions.contribution_not_found, discussions.already_hidden.
    """
    await moderation.hide_contribution(services.db, viewer, data)
    return {"contribution_id": data.contribution_id, "hidden": True}


async def _restore(services: Services, viewer: Viewer, data: Moderation) -> dict[str, Any]:
    """Restore a hidden post with a reason: it is back for everyone, its author is told why.

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator,
        discussions.contribution_not_found, discussions.not_hidden.
    """
    await moderation.restore_contribution(services.db, viewer, data)
    return {"contribution_id": data.contribution_id, "hidden": False}


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
        "discussions.reaction.toggle",
        ReactionToggle,
        _react,
        limit=Limit("discussions.reaction", 60, 60),
    ),
    viewer_command(
        "discussions.contribution.hide",
        Moderation,
        _hide,
        limit=Limit("discussions.hide", 120, 60),
    ),
    viewer_command(
        "discussions.contribution.restore",
        Moderation,
        _restore,
        limit=Limit("discussions.restore", 120, 60),
    ),
]


index_rule = named_rule([INDEX], doc="`discussions`, themes and discussions as set up: anyone.")

discussion_rule = access_rule(
    access_discussion,
    {"": Purpose.SEE, "moderation": Purpose.MODERATE},
    counts={"": Purpose.SEE},
    doc="`discussion:<id>` and its viewer count: everyone. `discussion:<id>:moderation`: its "
    "moderators and organisers (hidden posts, reports on its posts).",
)
