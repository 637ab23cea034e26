"""Reports over real websockets: a scripted run where each person sees exactly the report and
queue events meant for them, and a report raised on one instance reaching the queue's
followers on the other."""

from __future__ import annotations

import pytest

from discussions.channels import discussion_channel, moderation_channel
from fair.core.accounts.channels import user_channel
from fair.core.accounts.roles import Role
from tests.reports.scenes import scene
from tests.scale.conftest import two_instances
from tests.support import discussions as talks
from tests.support.live_client import CommandRefused, live_client
from tests.support.qa import members
from tests.support.servers import RunningServer

POST = "discussions.post"


def types(frames: list[dict[str, object]]) -> list[object]:
    return [frame.get("type") for frame in frames if frame.get("kind") == "event"]


async def test_each_person_sees_exactly_the_reports_meant_for_them(server: RunningServer) -> None:
    """A participant reports a post of discussion A, a booth chat message and a Q&A question;
    A's moderator gets the post's item, B's moderator nothing, the booth's team member the
    chat's, the panel's moderator the question's; the reporter only their acknowledgements,
    and nobody may follow a queue that is not theirs."""
    db = server.services.db
    fair = await scene(db)
    a_queue = moderation_channel(fair.discussion_a)
    b_queue = moderation_channel(fair.discussion_b)
    booth_queue = f"booth:{fair.booth_id}:moderation"
    panel_queue = f"qa:{fair.panel_id}:moderation"
    mine = user_channel(fair.participant.id)
    async with (
        live_client(server.ws_url, cookies=fair.participant.cookies) as reporter,
        live_client(server.ws_url, cookies=fair.moderator_a.cookies) as moderator_a,
        live_client(server.ws_url, cookies=fair.moderator_b.cookies) as moderator_b,
        live_client(server.ws_url, cookies=fair.team_member.cookies) as team,
        live_client(server.ws_url, cookies=fair.panel_moderator.cookies) as panel,
    ):
        for channel in (a_queue, b_queue, booth_queue, panel_queue):
            with pytest.raises(CommandRefused) as refused:
                await reporter.follow(channel)
            assert refused.value.error["code"] == "live.forbidden"
        with pytest.raises(CommandRefused):
            await moderator_b.follow(a_queue)
        with pytest.raises(CommandRefused):
            await team.follow(a_queue)
        await reporter.follow(mine)
        await reporter.follow(discussion_channel(fair.discussion_a))
        await moderator_a.follow(a_queue)
        await moderator_b.follow(b_queue)
        await team.follow(booth_queue)
        await panel.follow(panel_queue)
        for kind, content_id in [
            (POST, fair.post_a),
            ("hall.chat", fair.message_id),
            ("qa.question", fair.question_id),
        ]:
            reply = await reporter.command(
                "reports.content.report",
                {"kind": kind, "content_id": content_id, "reason": "spam", "note": "An advert"},
            )
            assert reply["acknowledged"] is True
        [post_item] = await moderator_a.events(a_queue, 1)
        [chat_item] = await team.events(booth_queue, 1)
        [question_item] = await panel.events(panel_queue, 1)
        acknowledged = await reporter.events(mine, 3)
        assert await moderator_a.nothing_pending() == []
        assert await moderator_b.nothing_pending() == []
        assert await team.nothing_pending() == []
        assert await panel.nothing_pending() == []
        assert await reporter.nothing_pending() == []
    assert post_item["type"] == "reports.item.reported"
    assert post_item["data"]["item"]["content_id"] == fair.post_a
    assert post_item["data"]["item"]["reasons"] == ["spam"]
    assert chat_item["data"]["item"]["content_id"] == fair.message_id
    assert question_item["data"]["item"]["content_id"] == fair.question_id
    assert types(acknowledged) == ["reports.your_report.received"] * 3
    # No queue event names who reported.
    for frame in (post_item, chat_item, question_item):
        assert str(fair.participant.id) not in str(frame["data"]["item"].get("reporter", ""))
        assert "reporter_id" not in frame["data"]["item"]


async def test_a_hidden_post_leaves_participants_live_and_its_author_is_told_why(
    server: RunningServer,
) -> None:
    """Hidden from the queue, the post goes from the public channel with ids only; its
    moderators get it with the reason; its author is told why; the reporter hears it was
    handled; restored, it comes back for everyone."""
    db = server.services.db
    fair = await scene(db)
    public = discussion_channel(fair.discussion_a)
    queue = moderation_channel(fair.discussion_a)
    async with (
        live_client(server.ws_url, cookies=fair.participant.cookies) as reporter,
        live_client(server.ws_url, cookies=fair.author.cookies) as author,
        live_client(server.ws_url, cookies=fair.moderator_a.cookies) as moderator,
        live_client(server.ws_url) as visitor,
    ):
        await visitor.follow(public)
        await author.follow(user_channel(fair.author.id))
        await reporter.follow(user_channel(fair.participant.id))
        await moderator.follow(queue)
        item = await reporter.command(
            "reports.content.report",
            {"kind": POST, "content_id": fair.post_a, "reason": "spam"},
        )
        await moderator.events(queue, 1)
        await reporter.events(user_channel(fair.participant.id), 1)
        await moderator.command(
            "reports.items.handle",
            {"item_ids": [item["item_id"]], "action": "hide", "reason": "Advertising"},
        )
        [gone] = await visitor.events(public, 1)
        moderated, handled = await moderator.events(queue, 2)
        [told] = await author.events(user_channel(fair.author.id), 1)
        [heard] = await reporter.events(user_channel(fair.participant.id), 1)
        await moderator.command(
            "discussions.contribution.restore",
            {"contribution_id": fair.post_a, "reason": "A real offer"},
        )
        [back] = await visitor.events(public, 1)
        assert await visitor.nothing_pending() == []
    assert gone["type"] == "discussions.contribution.hidden"
    assert gone["data"] == {
        "discussion_id": fair.discussion_a,
        "contribution_id": fair.post_a,
        "thread_id": None,
    }
    assert moderated["type"] == "discussions.contribution.moderated"
    assert moderated["data"]["contribution"]["hidden"] is True
    assert moderated["data"]["contribution"]["reason"] == "Advertising"
    assert handled["type"] == "reports.item.handled"
    assert handled["data"]["item"]["state"] == "hidden"
    assert told["type"] == "discussions.your_contribution.moderated"
    assert (told["data"]["hidden"], told["data"]["reason"]) == (True, "Advertising")
    assert heard["type"] == "reports.your_report.handled"
    assert heard["data"]["outcome"] == "hidden"
    assert back["type"] == "discussions.contribution.restored"
    assert back["data"]["contribution"]["id"] == fair.post_a


async def test_a_report_on_one_instance_reaches_the_queue_on_the_other(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """Reported over a socket on instance A, the item reaches a moderator's queue on B."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        db = a.services.db
        moderator, author, reporter = await members(db, "Mona", "Aïcha", "Pat")
        talk = await talks.discussion(db, [moderator])
        round_id = await talks.round_in(db, talk)
        post_id = await talks.post(db, author, round_id, "Cheap transfers here")
        queue = moderation_channel(talk)
        async with (
            live_client(a.ws_url, cookies=reporter.cookies) as on_a,
            live_client(b.ws_url, cookies=moderator.cookies) as on_b,
        ):
            await on_b.follow(queue)
            await on_a.command(
                "reports.content.report",
                {"kind": POST, "content_id": post_id, "reason": "spam"},
            )
            [frame] = await on_b.events(queue, 1)
    assert frame["type"] == "reports.item.reported"
    assert frame["data"]["item"]["content_id"] == post_id


async def test_a_participant_cannot_hide_through_the_socket(server: RunningServer) -> None:
    """The hide command and the queue's handling refuse a participant, whatever ids they send."""
    db = server.services.db
    fair = await scene(db)
    (stranger,) = await members(db, Role.PARTICIPANT)
    async with live_client(server.ws_url, cookies=stranger.cookies) as socket:
        with pytest.raises(CommandRefused) as hide:
            await socket.command(
                "discussions.contribution.hide",
                {"contribution_id": fair.post_a, "reason": "Because"},
            )
        item = await socket.command(
            "reports.content.report", {"kind": POST, "content_id": fair.post_a, "reason": "other"}
        )
        with pytest.raises(CommandRefused) as handle:
            await socket.command(
                "reports.items.handle",
                {"item_ids": [item["item_id"]], "action": "dismiss"},
            )
        with pytest.raises(CommandRefused) as huge:
            await socket.command(
                "reports.content.report",
                {"kind": POST, "content_id": fair.post_b, "reason": "other", "note": "x" * 501},
            )
        with pytest.raises(CommandRefused) as extra:
            await socket.command(
                "reports.content.report",
                {"kind": POST, "content_id": fair.post_b, "reason": "other", "admin": True},
            )
    assert hide.value.error["code"] == "discussions.not_moderator"
    assert handle.value.error["code"] == "reports.not_yours"
    assert huge.value.error["code"] == extra.value.error["code"] == "input.invalid"


@pytest.mark.parametrize(
    ("kind", "public", "gone_type", "back_type", "told_type"),
    [
        ("hall.chat", "booth", "hall.chat.removed", "hall.chat.restored", "hall.your_chat_message"),
        ("qa.question", "qa", "qa.question.withdrawn", "qa.question.published", "qa.your_question"),
    ],
)
async def test_chat_and_questions_hidden_and_restored_from_the_queue_tell_their_author(
    server: RunningServer, kind: str, public: str, gone_type: str, back_type: str, told_type: str
) -> None:
    """Hidden from the queue, a chat message or a question goes from its public channel and its
    author is told why on their own channel; restored from the queue, it comes back to
    everyone as the feature shows new content, and the author is told that reason too."""
    db = server.services.db
    fair = await scene(db)
    content_id, place_id, moderator = (
        (fair.message_id, fair.booth_id, fair.team_member)
        if kind == "hall.chat"
        else (fair.question_id, fair.panel_id, fair.panel_moderator)
    )
    channel = f"{public}:{place_id}"
    mine = user_channel(fair.author.id)
    async with (
        live_client(server.ws_url, cookies=fair.participant.cookies) as reporter,
        live_client(server.ws_url, cookies=fair.author.cookies) as author,
        live_client(server.ws_url, cookies=moderator.cookies) as handler,
        live_client(server.ws_url) as visitor,
    ):
        await visitor.follow(channel)
        await author.follow(mine)
        item = await reporter.command(
            "reports.content.report", {"kind": kind, "content_id": content_id, "reason": "spam"}
        )
        for action, reason in [("hide", "Advertising"), ("restore", "A real question")]:
            await handler.command(
                "reports.items.handle",
                {"item_ids": [item["item_id"]], "action": action, "reason": reason},
            )
        # The Q&A also tells the panel its new counts after each move (qa.record.counted).
        frames = await visitor.events(channel, 2 if kind == "hall.chat" else 4)
        seen = [frame for frame in frames if frame["type"] != "qa.record.counted"]
        told = await author.events(mine, 2)
        assert await author.nothing_pending() == []
    assert [frame["type"] for frame in seen] == [gone_type, back_type]
    assert seen[1]["data"]["message" if kind == "hall.chat" else "question"]["id"] == content_id
    assert [frame["type"].startswith(told_type) for frame in told] == [True, True]
    reasons = [
        frame["data"].get("reason", frame["data"].get("question", {}).get("hidden_reason"))
        for frame in told
    ]
    assert reasons == ["Advertising", "A real question"]


@pytest.mark.parametrize(
    ("command", "field"), [("hall.chat.remove", "message_id"), ("qa.question.hide", "question_id")]
)
@pytest.mark.parametrize("reason", ["", " ", "x" * 301, None])
async def test_a_direct_hide_without_a_fit_reason_is_refused_and_changes_nothing(
    server: RunningServer, command: str, field: str, reason: str | None
) -> None:
    """Removing a chat message or hiding a question with no reason, a blank one or one too
    long is refused as invalid input, and followers hear of nothing."""
    db = server.services.db
    fair = await scene(db)
    content_id, channel, moderator = (
        (fair.message_id, f"booth:{fair.booth_id}", fair.team_member)
        if command == "hall.chat.remove"
        else (fair.question_id, f"qa:{fair.panel_id}", fair.panel_moderator)
    )
    data: dict[str, object] = {field: content_id}
    if reason is not None:
        data["reason"] = reason
    async with (
        live_client(server.ws_url, cookies=moderator.cookies) as handler,
        live_client(server.ws_url) as visitor,
    ):
        await visitor.follow(channel)
        with pytest.raises(CommandRefused) as refused:
            await handler.command(command, data)
        assert await visitor.nothing_pending() == []
    assert refused.value.error["code"] == "input.invalid"


async def test_a_direct_removal_at_the_booth_closes_the_report_and_tells_the_reporter(
    server: RunningServer,
) -> None:
    """The team removes a reported chat message with the booth's own command, not from the
    queue: the booth's queue followers see the item handled and the reporter hears of it."""
    db = server.services.db
    fair = await scene(db)
    queue, mine = f"booth:{fair.booth_id}:moderation", user_channel(fair.participant.id)
    async with (
        live_client(server.ws_url, cookies=fair.participant.cookies) as reporter,
        live_client(server.ws_url, cookies=fair.team_member.cookies) as team,
    ):
        await reporter.follow(mine)
        await team.follow(queue)
        await reporter.command(
            "reports.content.report",
            {"kind": "hall.chat", "content_id": fair.message_id, "reason": "spam"},
        )
        await team.events(queue, 1)
        await reporter.events(mine, 1)
        await team.command(
            "hall.chat.remove", {"message_id": fair.message_id, "reason": "Prize spam"}
        )
        [handled] = await team.events(queue, 1)
        [heard] = await reporter.events(mine, 1)
        assert await reporter.nothing_pending() == []
    assert handled["type"] == "reports.item.handled"
    assert handled["data"]["item"]["state"] == "hidden"
    assert (heard["type"], heard["data"]["outcome"]) == ("reports.your_report.handled", "hidden")
