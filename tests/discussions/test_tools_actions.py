"""Moderator tools on real SQLite and PostgreSQL: pinning and locking threads, moving posts,
muting, focal points and offline-group posts, slow mode; who may use them, and what they record."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from discussions import queries
from discussions.actions import people, posts, threads
from discussions.channels import discussion_channel
from discussions.inputs import (
    FocalPointInput,
    Move,
    Muting,
    Posting,
    SlowModeInput,
    StanceInput,
    ThreadLock,
    ThreadPin,
    Unmuting,
)
from discussions.models import DiscussionPerson
from discussions.rules import MuteSpan, RoundState, SlowMode, StanceKind
from fair.core.accounts.channels import user_channel
from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import anonymous
from fair.core.db import Database
from fair.core.errors import FairError
from fair.core.tables import utcnow
from fair.core.templates import format_moment
from tests.support.discussions import discussion, post, round_in
from tests.support.qa import Member, everything_logged, logged, members


def payloads(events: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(e.type, json.loads(e.data)) for e in events]


async def refused(db: Database, code: str, run: Any) -> FairError:
    """`run()` is refused with `code` and records nothing at all; the refusal."""
    before = len(await everything_logged(db))
    with pytest.raises(FairError) as caught:
        await run()
    assert caught.value.code == code
    assert len(await everything_logged(db)) == before
    return caught.value


async def kinds(db: Database, channel: str) -> list[str]:
    """The types of the discussions' events on `channel`, in order."""
    return [kind for kind, _d in payloads(await logged(db, channel)) if "discussions." in kind]


async def current(db: Database, talk: int) -> queries.RoundSection:
    page = await queries.discussion_page(db, anonymous("v"), talk)
    assert page.current is not None
    return page.current


async def test_a_pinned_thread_lists_first_for_everyone_until_unpinned(db: Database) -> None:
    """The moderator pins the second thread: it comes first, marked, and everyone following
    hears of it; unpinned, it goes back to its place."""
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    first = await post(db, amina, round_id, "The first thread")
    second = await post(db, bako, round_id, "The second thread")
    assert await threads.pin_thread(db, moderator.viewer, ThreadPin(thread_id=second))
    shown = await current(db, talk)
    assert [(t.root.id, t.pinned) for t in shown.threads] == [(second, True), (first, False)]
    await threads.pin_thread(db, moderator.viewer, ThreadPin(thread_id=second, pinned=False))
    assert [t.root.id for t in (await current(db, talk)).threads] == [first, second]
    pinned = [d for k, d in payloads(await logged(db, discussion_channel(talk))) if "pinned" in k]
    assert pinned == [
        {"discussion_id": talk, "round_id": round_id, "thread_id": second},
        {"discussion_id": talk, "round_id": round_id, "thread_id": second},
    ]
    assert (await kinds(db, discussion_channel(talk)))[-2:] == [
        "discussions.thread.pinned",
        "discussions.thread.unpinned",
    ]


async def test_pinning_a_pinned_thread_records_nothing(db: Database) -> None:
    """A second pin (two moderators at once) changes nothing and adds no event."""
    moderator, amina = await members(db, Role.PARTICIPANT, "Amina")
    talk = await discussion(db, [moderator])
    root = await post(db, amina, await round_in(db, talk), "A thread")
    await threads.pin_thread(db, moderator.viewer, ThreadPin(thread_id=root))
    before = len(await everything_logged(db))
    assert await threads.pin_thread(db, moderator.viewer, ThreadPin(thread_id=root))
    assert len(await everything_logged(db)) == before


async def test_a_reply_is_no_thread_to_pin(db: Database) -> None:
    """Pinning a reply is refused with `discussions.thread_not_found`."""
    moderator, amina = await members(db, Role.PARTICIPANT, "Amina")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    reply = await post(
        db, amina, round_id, "A reply", reply_to=await post(db, amina, round_id, "Thread")
    )
    await refused(
        db,
        "discussions.thread_not_found",
        lambda: threads.pin_thread(db, moderator.viewer, ThreadPin(thread_id=reply)),
    )


async def test_a_locked_thread_takes_replies_from_moderators_only_until_unlocked(
    db: Database,
) -> None:
    """Locked, the thread refuses a participant's reply with `discussions.thread_locked` but
    takes its moderator's; new threads are still taken; unlocked, replies come again."""
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    root = await post(db, amina, round_id, "Let us stop here")
    await threads.lock_thread(db, moderator.viewer, ThreadLock(thread_id=root))
    assert [t.locked for t in (await current(db, talk)).threads] == [True]
    await refused(
        db, "discussions.thread_locked", lambda: post(db, bako, round_id, "But", reply_to=root)
    )
    await post(db, moderator, round_id, "Closing this thread, thank you all.", reply_to=root)
    await post(db, bako, round_id, "A thread of my own")
    await threads.lock_thread(db, moderator.viewer, ThreadLock(thread_id=root, locked=False))
    await post(db, bako, round_id, "Now I may", reply_to=root)
    assert "discussions.thread.locked" in await kinds(db, discussion_channel(talk))
    assert "discussions.thread.unlocked" in await kinds(db, discussion_channel(talk))


async def test_only_the_discussions_moderators_and_organisers_pin_lock_and_move(
    db: Database,
) -> None:
    """A participant, the author, and another discussion's moderator are refused with
    `discussions.not_moderator`; an organiser may."""
    moderator, other, organiser, amina = await members(
        db, Role.PARTICIPANT, Role.MODERATOR, Role.ORGANISER, "Amina"
    )
    talk = await discussion(db, [moderator])
    await discussion(db, [other], title="Another discussion entirely")
    round_id = await round_in(db, talk)
    root = await post(db, amina, round_id, "My thread")
    second = await round_in(db, talk)
    for who in (amina, other):
        for run in (
            lambda w=who: threads.pin_thread(db, w.viewer, ThreadPin(thread_id=root)),
            lambda w=who: threads.lock_thread(db, w.viewer, ThreadLock(thread_id=root)),
            lambda w=who: threads.move_contribution(
                db, w.viewer, Move(contribution_id=root, to_round_id=second)
            ),
        ):
            await refused(db, "discussions.not_moderator", run)
    assert await threads.pin_thread(db, organiser.viewer, ThreadPin(thread_id=root))


async def test_a_reply_moved_into_another_thread_becomes_a_reply_there(db: Database) -> None:
    """The misplaced reply leaves its thread and joins the other, even in another round; the
    event names both places."""
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    now = await round_in(db, talk)
    there = await post(db, amina, now, "Funding")
    here = await post(db, amina, now, "Trust")
    reply = await post(db, bako, now, "About funding, really", reply_to=here)
    place = await threads.move_contribution(
        db, moderator.viewer, Move(contribution_id=reply, to_thread_id=there)
    )
    assert (place.round_id, place.thread_id) == (now, there)
    shown = {t.root.id: [r.id for r, _s in t.replies] for t in (await current(db, talk)).threads}
    assert shown == {there: [reply], here: []}
    [moved] = [d for k, d in payloads(await logged(db, discussion_channel(talk))) if "moved" in k]
    assert moved == {
        "discussion_id": talk,
        "contribution_id": reply,
        "source": {"round_id": now, "thread_id": here},
        "target": {"round_id": now, "thread_id": there},
        "carried": 0,
    }


async def test_a_reply_moved_to_a_round_starts_a_thread_of_its_own(db: Database) -> None:
    """Moved out to a round (its own, or another), a reply becomes a new thread there."""
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    root = await post(db, amina, round_id, "Partnerships")
    reply = await post(db, bako, round_id, "A different subject", reply_to=root)
    await threads.move_contribution(
        db, moderator.viewer, Move(contribution_id=reply, to_round_id=round_id)
    )
    assert [t.root.id for t in (await current(db, talk)).threads] == [root, reply]


async def test_a_thread_moved_to_another_round_takes_its_replies_along(db: Database) -> None:
    """The thread leaves the earlier round whole: its first post and replies, stances kept."""
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    misplaced_in, belongs_in = await round_in(db, talk), await round_in(db, talk)
    root = await post(db, amina, misplaced_in, "About the next round's question")
    replies = [await post(db, bako, misplaced_in, f"Reply {n}", reply_to=root) for n in (1, 2)]
    await posts.set_stance(
        db, bako.viewer, StanceInput(contribution_id=root, stance=StanceKind.AGREE)
    )
    await threads.move_contribution(
        db, moderator.viewer, Move(contribution_id=root, to_round_id=belongs_in)
    )
    page = await queries.discussion_page(db, anonymous("v"), talk)
    sections = {s.round.id: s for s in [*([page.current] if page.current else []), *page.later]}
    assert sections[misplaced_in].threads == []
    [moved] = sections[belongs_in].threads
    assert moved.root.id == root and moved.stances.agree == 1
    assert [r.id for r, _s in moved.replies] == replies
    assert all(r.round_id == belongs_in for r, _s in moved.replies)


async def test_a_thread_moved_into_another_thread_merges_into_it(db: Database) -> None:
    """Its first post and replies become replies of the other thread; its pin goes."""
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    kept = await post(db, amina, round_id, "Coordination costs")
    duplicate = await post(db, bako, round_id, "Who pays for coordination?")
    reply = await post(db, amina, round_id, "The town hall, here", reply_to=duplicate)
    await threads.pin_thread(db, moderator.viewer, ThreadPin(thread_id=duplicate))
    await threads.move_contribution(
        db, moderator.viewer, Move(contribution_id=duplicate, to_thread_id=kept)
    )
    [thread] = (await current(db, talk)).threads
    assert thread.root.id == kept and not thread.pinned
    assert [r.id for r, _s in thread.replies] == [duplicate, reply]


async def test_a_post_moves_only_within_its_discussion_and_to_somewhere_new(
    db: Database,
) -> None:
    """Another discussion's round (`discussions.not_moderator` there, or
    `discussions.other_discussion` for an organiser), a planned round
    (`discussions.round_not_movable`), its own place (`discussions.same_place`) and a thread
    into itself are refused."""
    moderator, organiser, amina = await members(db, Role.PARTICIPANT, Role.ORGANISER, "Amina")
    talk = await discussion(db, [moderator])
    elsewhere = await round_in(db, await discussion(db, [], title="Somewhere else entirely"))
    round_id = await round_in(db, talk)
    planned = await round_in(db, talk, RoundState.PLANNED, opens_in=timedelta(days=3))
    root = await post(db, amina, round_id, "Here")
    reply = await post(db, amina, round_id, "In here", reply_to=root)

    def move(who: Member, **to: int) -> Any:
        return lambda: threads.move_contribution(db, who.viewer, Move(contribution_id=root, **to))

    await refused(db, "discussions.not_moderator", move(moderator, to_round_id=elsewhere))
    await refused(db, "discussions.other_discussion", move(organiser, to_round_id=elsewhere))
    await refused(db, "discussions.round_not_movable", move(moderator, to_round_id=planned))
    await refused(db, "discussions.same_place", move(moderator, to_round_id=round_id))
    await refused(db, "discussions.same_place", move(moderator, to_thread_id=root))
    await refused(
        db,
        "discussions.same_place",
        lambda: threads.move_contribution(
            db, moderator.viewer, Move(contribution_id=reply, to_thread_id=root)
        ),
    )


async def test_a_muted_participant_cannot_post_reply_or_take_a_stance_and_is_told(
    db: Database,
) -> None:
    """Muted for an hour, Bako is refused posts, replies and stances with `discussions.muted`
    naming the end and the reason; he hears of it on `user:<id>`, never the public channel."""
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    root = await post(db, amina, round_id, "A thread")
    mute = await people.mute_participant(
        db,
        moderator.viewer,
        Muting(discussion_id=talk, user_id=bako.id, span=MuteSpan.HOUR, reason="Insults"),
    )
    assert mute.until is not None and mute.until - utcnow() <= timedelta(hours=1)
    error = await refused(db, "discussions.muted", lambda: post(db, bako, round_id, "Again!"))
    assert "Insults" in error.message and "UTC" in error.message
    assert error.status == 403
    await refused(db, "discussions.muted", lambda: post(db, bako, round_id, "x!", reply_to=root))
    await refused(
        db,
        "discussions.muted",
        lambda: posts.set_stance(
            db, bako.viewer, StanceInput(contribution_id=root, stance=StanceKind.DISAGREE)
        ),
    )
    [(kind, told)] = [
        (k, d) for k, d in payloads(await logged(db, user_channel(bako.id))) if "discussions" in k
    ]
    assert kind == "discussions.participant.muted"
    assert told["mute"]["reason"] == "Insults" and told["mute"]["discussion_id"] == talk
    assert "user_id" not in told
    assert "discussions.participant.muted" not in await kinds(db, discussion_channel(talk))
    await post(db, amina, round_id, "Amina is not muted")


async def test_a_mute_ends_by_itself_at_its_time(db: Database) -> None:
    """Once the mute's end has passed, the person posts again without anyone lifting it."""
    moderator, bako = await members(db, Role.PARTICIPANT, "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    await people.mute_participant(
        db,
        moderator.viewer,
        Muting(discussion_id=talk, user_id=bako.id, span=MuteSpan.DAY, reason="Cool down"),
    )
    async with db.transaction() as tx:
        await tx.session.execute(
            update(DiscussionPerson)
            .where(DiscussionPerson.user_id == bako.id)
            .values(muted_until=utcnow() - timedelta(seconds=1))
        )
    await post(db, bako, round_id, "Back again, calmer")


async def test_a_mute_until_the_discussion_ends_holds_until_lifted_early(db: Database) -> None:
    """Muted until the discussion ends, the person is refused in every round of it (and told
    so) but may post in another discussion; unmuted, they post again and are told."""
    moderator, bako = await members(db, Role.PARTICIPANT, "Bako")
    talk = await discussion(db, [moderator])
    rounds = [await round_in(db, talk), await round_in(db, talk)]
    other = await round_in(db, await discussion(db, [moderator], title="Another discussion"))
    await people.mute_participant(
        db,
        moderator.viewer,
        Muting(discussion_id=talk, user_id=bako.id, span=MuteSpan.DISCUSSION, reason="Spam"),
    )
    for round_id in rounds:
        error = await refused(db, "discussions.muted", lambda r=round_id: post(db, bako, r, "Hi"))
        assert "until it ends" in error.message
    await post(db, bako, other, "Elsewhere I may")
    await people.unmute_participant(
        db, moderator.viewer, Unmuting(discussion_id=talk, user_id=bako.id)
    )
    await post(db, bako, rounds[0], "Thank you")
    assert await kinds(db, user_channel(bako.id)) == [
        "discussions.participant.muted",
        "discussions.participant.unmuted",
    ]
    await refused(
        db,
        "discussions.not_muted",
        lambda: people.unmute_participant(
            db, moderator.viewer, Unmuting(discussion_id=talk, user_id=bako.id)
        ),
    )


async def test_only_its_moderators_mute_and_they_cannot_be_muted(db: Database) -> None:
    """A participant or another discussion's moderator may not mute (`discussions.not_moderator`);
    a moderator or organiser may not be muted (`discussions.not_mutable`); an unknown person is
    `discussions.person_not_found`."""
    moderator, other, organiser, amina = await members(
        db, Role.PARTICIPANT, Role.MODERATOR, Role.ORGANISER, "Amina"
    )
    talk = await discussion(db, [moderator])
    await discussion(db, [other], title="Other people's discussion")

    def mute(who: Member, user_id: int) -> Any:
        form = Muting(discussion_id=talk, user_id=user_id, span=MuteSpan.HOUR, reason="Because")
        return lambda: people.mute_participant(db, who.viewer, form)

    await refused(db, "discussions.not_moderator", mute(amina, moderator.id))
    await refused(db, "discussions.not_moderator", mute(other, amina.id))
    await refused(db, "discussions.not_mutable", mute(organiser, moderator.id))
    await refused(db, "discussions.not_mutable", mute(moderator, organiser.id))
    await refused(db, "discussions.person_not_found", mute(moderator, 987_654))
    await mute(organiser, amina.id)()


async def test_a_focal_point_posts_for_an_offline_group_labelled_and_counted(
    db: Database,
) -> None:
    """Marked a focal point (by e-mail), Amina posts for a village meeting of 60 and a phone
    round of 25: the posts carry the group in events and pages, and the round's counts say
    2 of 3 posts come from offline groups representing 85 people."""
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    await people.set_focal_point(
        db, moderator.viewer, FocalPointInput(discussion_id=talk, email=amina.user.email)
    )
    for group, size in (("Village meeting in Kayes", 60), ("Phone round", 25)):
        await posts.post_contribution(
            db,
            amina.viewer,
            Posting(round_id=round_id, body=f"{group} says...", group_name=group, group_size=size),
        )
    await post(db, bako, round_id, "Just me")
    posted = [
        d["contribution"]
        for k, d in payloads(await logged(db, discussion_channel(talk)))
        if k == "discussions.contribution.posted"
    ]
    assert [(p["group_name"], p["group_size"]) for p in posted] == [
        ("Village meeting in Kayes", 60),
        ("Phone round", 25),
        (None, None),
    ]
    section = await current(db, talk)
    assert (section.posts, section.offline_posts, section.offline_people) == (3, 2, 85)
    async with db.reading() as session:
        counted = await queries.offline_groups(session, round_id)
    assert counted == queries.OfflineGroups(posts=3, offline_posts=2, people=85)
    assert await kinds(db, user_channel(amina.id)) == ["discussions.focal_point.marked"]


async def test_only_focal_points_post_for_a_group(db: Database) -> None:
    """A participant not marked, or whose mark was taken away, is refused the group fields with
    `discussions.not_focal_point`."""
    moderator, amina = await members(db, Role.PARTICIPANT, "Amina")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    form = Posting(round_id=round_id, body="We met", group_name="Women's group", group_size=12)
    await refused(
        db, "discussions.not_focal_point", lambda: posts.post_contribution(db, amina.viewer, form)
    )
    marking = FocalPointInput(discussion_id=talk, user_id=amina.id)
    await people.set_focal_point(db, moderator.viewer, marking)
    await people.set_focal_point(
        db, moderator.viewer, FocalPointInput(discussion_id=talk, user_id=amina.id, focal=False)
    )
    await refused(
        db, "discussions.not_focal_point", lambda: posts.post_contribution(db, amina.viewer, form)
    )
    assert await kinds(db, user_channel(amina.id)) == [
        "discussions.focal_point.marked",
        "discussions.focal_point.unmarked",
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"group_name": "A group"},
        {"group_size": 5},
        {"group_name": "A group", "group_size": 0},
        {"group_name": "A group", "group_size": 10_001},
        {"group_name": "x" * 161, "group_size": 5},
    ],
)
def test_a_group_post_names_the_group_and_a_bounded_count(fields: dict[str, Any]) -> None:
    """Group and count come together, 1..10,000 people, a name of at most 160 characters."""
    with pytest.raises(ValueError):
        Posting.model_validate({"round_id": 1, "body": "We met", **fields})


async def test_slow_mode_refuses_a_post_too_soon_saying_how_long_to_wait(db: Database) -> None:
    """With five minutes' slow mode a participant's second post is refused (429,
    `discussions.slow_mode`, "5 minutes"); other participants and moderators are not held up;
    everyone following hears the change with its reason."""
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    view = await people.set_slow_mode(
        db,
        moderator.viewer,
        SlowModeInput(discussion_id=talk, mode=SlowMode.MINUTES_5, reason="Heated debate"),
    )
    assert (view.seconds, view.reason) == (300, "Heated debate")
    root = await post(db, amina, round_id, "First")
    error = await refused(
        db, "discussions.slow_mode", lambda: post(db, amina, round_id, "Too soon", reply_to=root)
    )
    assert error.status == 429 and "5 minutes" in error.message
    await post(db, bako, round_id, "Someone else", reply_to=root)
    await post(db, moderator, round_id, "Moderators answer at once", reply_to=root)
    await post(db, moderator, round_id, "And again", reply_to=root)
    [(_kind, data)] = [
        (k, d)
        for k, d in payloads(await logged(db, discussion_channel(talk)))
        if k == "discussions.slow_mode.set"
    ]
    assert data == {
        "discussion_id": talk,
        "slow_mode": {"mode": "5m", "seconds": 300, "reason": "Heated debate"},
    }
    await people.set_slow_mode(
        db, moderator.viewer, SlowModeInput(discussion_id=talk, mode=SlowMode.OFF)
    )
    await post(db, amina, round_id, "Off again: I may")


async def test_slow_mode_needs_a_reason_and_its_moderators(db: Database) -> None:
    """Turning slow mode on without a reason is invalid; a participant may not set it."""
    moderator, amina = await members(db, Role.PARTICIPANT, "Amina")
    talk = await discussion(db, [moderator])
    with pytest.raises(ValueError):
        SlowModeInput(discussion_id=talk, mode=SlowMode.MINUTE_1)
    form = SlowModeInput(discussion_id=talk, mode=SlowMode.MINUTE_1, reason="Calm")
    await refused(
        db, "discussions.not_moderator", lambda: people.set_slow_mode(db, amina.viewer, form)
    )


async def test_two_posts_at_once_by_one_person_do_not_both_pass_slow_mode(db: Database) -> None:
    """Sent together (two tabs), one of a participant's two posts is taken and the other refused
    with `discussions.slow_mode`: the person's standing row is locked while a post is checked."""
    moderator, amina = await members(db, Role.PARTICIPANT, "Amina")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    await people.set_slow_mode(
        db,
        moderator.viewer,
        SlowModeInput(discussion_id=talk, mode=SlowMode.MINUTES_15, reason="One at a time"),
    )
    results = await asyncio.gather(
        *(post(db, amina, round_id, f"Tab {n}") for n in (1, 2)), return_exceptions=True
    )
    taken = [r for r in results if isinstance(r, int)]
    errors = [r for r in results if isinstance(r, FairError)]
    assert len(taken) == 1 and [e.code for e in errors] == ["discussions.slow_mode"]
    assert (await current(db, talk)).posts == 1


async def test_a_muted_participant_is_told_the_end_in_their_own_zone(db: Database) -> None:
    """The refusal names the mute's end in the zone the person saved (Manila), not the fair's."""
    moderator, bako = await members(db, Role.PARTICIPANT, "Bako")
    async with db.transaction() as tx:
        await tx.session.execute(
            update(User).where(User.id == bako.id).values(time_zone="Asia/Manila")
        )
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    mute = await people.mute_participant(
        db,
        moderator.viewer,
        Muting(discussion_id=talk, user_id=bako.id, span=MuteSpan.HOUR, reason="Insults"),
    )
    assert mute.until is not None
    error = await refused(db, "discussions.muted", lambda: post(db, bako, round_id, "Again!"))
    assert format_moment(mute.until, "Asia/Manila") in error.message
    assert format_moment(mute.until, "UTC") not in error.message
