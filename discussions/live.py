"""The discussions' websocket commands (also run from plain forms) and who may follow what."""

from __future__ import annotations

from typing import Any

from discussions.access import access_discussion
from discussions.actions import (
    carry_over,
    handbook,
    moderation,
    people,
    posts,
    reactions,
    setup,
    synthesis,
    threads,
)
from discussions.actions.following import set_following
from discussions.channels import HANDBOOKS, INDEX
from discussions.inputs import (
    CarryOver,
    DiscussionCreation,
    Extension,
    FocalPointInput,
    FollowingInput,
    HandbookRequest,
    Moderation,
    Move,
    Muting,
    Posting,
    ReactionToggle,
    RoundCreation,
    RoundRef,
    SlowModeInput,
    StanceInput,
    SynthesisDraft,
    ThemeCreation,
    ThreadLock,
    ThreadPin,
    Unmuting,
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
    """Post in an open round: a new thread, or a reply (`reply_to_id`) in a post's thread,
    perhaps quoting (`quote_id`) a post of the same discussion. `#booth-<address>`,
    `#panel-<id>` and pasted addresses of booth and panel pages of this fair become card links
    (unknown or draft ones stay plain text).

    With `group_name` and `group_size` (1..10,000), a focal point posts on behalf of a group
    met offline.

    Who: anyone logged in whose role takes part, while the round is open and they are not
        muted there; replies in a locked thread only from its moderators; ten posts per five
        minutes per round (the refusal says how many seconds to wait: `retry_after`), and no
        sooner than the discussion's slow mode allows.
    Errors: account.login_required, discussions.forbidden, discussions.round_closed,
        discussions.round_not_found, discussions.contribution_not_found,
        discussions.other_round, discussions.other_discussion, discussions.muted,
        discussions.thread_locked, discussions.not_focal_point, discussions.slow_mode.
    """
    origins = frozenset(origin.lower() for origin in services.settings.origins)
    contribution = await posts.post_contribution(services.db, viewer, data, origins=origins)
    return {"contribution_id": contribution.id, "thread_id": contribution.thread_id}


async def _stance(services: Services, viewer: Viewer, data: StanceInput) -> dict[str, Any]:
    """Take a stance on another's post (agree, nuance, disagree), change it, or take it back.

    Who: anyone logged in whose role takes part, while the post's round is open and they are
        not muted there.
    Errors: account.login_required, discussions.forbidden, discussions.round_closed,
        discussions.own_contribution, discussions.contribution_not_found, discussions.muted.
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


async def _pin(services: Services, viewer: Viewer, data: ThreadPin) -> dict[str, Any]:
    """Pin a thread (listed first in its round, marked, for everyone), or unpin it
    (`pinned: false`).

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, discussions.thread_not_found.
    """
    pinned = await threads.pin_thread(services.db, viewer, data)
    return {"thread_id": data.thread_id, "pinned": pinned}


async def _lock(services: Services, viewer: Viewer, data: ThreadLock) -> dict[str, Any]:
    """Lock a thread against new replies (its moderators may still reply), or unlock it
    (`locked: false`).

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, discussions.thread_not_found.
    """
    locked = await threads.lock_thread(services.db, viewer, data)
    return {"thread_id": data.thread_id, "locked": locked}


async def _move(services: Services, viewer: Viewer, data: Move) -> dict[str, Any]:
    """Move a misplaced post into another thread (`to_thread_id`: it becomes a reply there),
    or into a round of the discussion (`to_round_id`: it starts a thread there); a thread's
    first post takes its replies along. Only between open or closed rounds.

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, input.invalid,
        discussions.contribution_not_found, discussions.thread_not_found,
        discussions.round_not_found, discussions.other_discussion,
        discussions.round_not_movable, discussions.same_place.
    """
    place = await threads.move_contribution(services.db, viewer, data)
    return {
        "contribution_id": data.contribution_id,
        "round_id": place.round_id,
        "thread_id": place.thread_id,
    }


async def _mute(services: Services, viewer: Viewer, data: Muting) -> dict[str, Any]:
    """Mute a participant in the discussion for `span` (`1h`, `24h`, `7d` or `discussion`:
    until it ends), with a reason they are told: no posts, replies, stances or reactions
    there meanwhile.

    Who: the discussion's moderators and organisers; its moderators and organisers are not
        muted.
    Errors: account.login_required, discussions.not_moderator, discussions.not_found,
        discussions.person_not_found, discussions.not_mutable.
    """
    mute = await people.mute_participant(services.db, viewer, data)
    return {
        "user_id": data.user_id,
        "until": None if mute.until is None else mute.until.isoformat(),
    }


async def _unmute(services: Services, viewer: Viewer, data: Unmuting) -> dict[str, Any]:
    """Lift a participant's mute in the discussion before it ends.

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, discussions.not_found,
        discussions.person_not_found, discussions.not_muted.
    """
    await people.unmute_participant(services.db, viewer, data)
    return {"user_id": data.user_id}


async def _focal_point(services: Services, viewer: Viewer, data: FocalPointInput) -> dict[str, Any]:
    """Mark a participant (`user_id`, or `email`) as a focal point of the discussion, who may
    post on behalf of groups met offline, or take the mark away (`focal: false`).

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, discussions.not_found,
        discussions.person_not_found, input.invalid.
    """
    focal = await people.set_focal_point(services.db, viewer, data)
    return {"discussion_id": data.discussion_id, "focal": focal}


async def _slow_mode(services: Services, viewer: Viewer, data: SlowModeInput) -> dict[str, Any]:
    """Set the discussion's slow mode (`off`, `30s`, `1m`, `5m`, `15m`, `1h`): the least time
    between one participant's posts, with a reason shown to participants.

    Who: the discussion's moderators and organisers.
    Errors: account.login_required, discussions.not_moderator, discussions.not_found,
        input.invalid.
    """
    view = await people.set_slow_mode(services.db, viewer, data)
    return {"discussion_id": data.discussion_id, "slow_mode": view.model_dump()}


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


async def _follow(services: Services, viewer: Viewer, data: FollowingInput) -> dict[str, Any]:
    """Follow a discussion, or stop (`follow`: false): followers are told when its rounds
    open and close.

    Who: anyone logged in.
    Errors: account.login_required, discussions.not_found.
    """
    following = await set_following(services.db, viewer, data)
    return {"discussion_id": data.discussion_id, "following": following}


COMMANDS = [
    viewer_command(
        "discussions.discussion.follow",
        FollowingInput,
        _follow,
        limit=Limit("discussions.follow", 30, 60),
    ),
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
    viewer_command(
        "discussions.thread.pin", ThreadPin, _pin, limit=Limit("discussions.thread.pin", 30, 60)
    ),
    viewer_command(
        "discussions.thread.lock",
        ThreadLock,
        _lock,
        limit=Limit("discussions.thread.lock", 30, 60),
    ),
    viewer_command(
        "discussions.contribution.move",
        Move,
        _move,
        limit=Limit("discussions.contribution.move", 30, 60),
    ),
    viewer_command(
        "discussions.participant.mute",
        Muting,
        _mute,
        limit=Limit("discussions.participant.mute", 20, 60),
    ),
    viewer_command(
        "discussions.participant.unmute",
        Unmuting,
        _unmute,
        limit=Limit("discussions.participant.unmute", 20, 60),
    ),
    viewer_command(
        "discussions.focal_point.set",
        FocalPointInput,
        _focal_point,
        limit=Limit("discussions.focal_point.set", 20, 60),
    ),
    viewer_command(
        "discussions.slow_mode.set",
        SlowModeInput,
        _slow_mode,
        limit=Limit("discussions.slow_mode.set", 20, 60),
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
    {"": Purpose.SEE, "moderation": Purpose.MODERATE},
    counts={"": Purpose.SEE},
    doc="`discussion:<id>` and its viewer count: everyone. `discussion:<id>:moderation`: its "
    "moderators and organisers (hidden posts, reports on its posts).",
)


async def handbook_rule(db: Database, viewer: Viewer, channel: ChannelName) -> bool:
    """`handbook:fair:staff`, handbook exports as they progress: organisers."""
    return channel.text == HANDBOOKS and not channel.presence and viewer.can(Capability.EDIT_FAIR)
