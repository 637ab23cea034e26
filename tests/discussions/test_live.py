"""Discussions over real websockets: a post reaches every follower, a follower resumes after
a reconnect, and stances and round changes travel as events; two instances over Redis too."""

from __future__ import annotations

import pytest

from discussions.channels import discussion_channel
from discussions.rules import RoundState
from fair.core.accounts.roles import Role
from tests.scale.conftest import two_instances
from tests.support.discussions import discussion, post, round_in
from tests.support.live_client import live_client
from tests.support.qa import members
from tests.support.servers import RunningServer


async def test_a_post_over_the_socket_reaches_another_follower(server: RunningServer) -> None:
    """Amina posts over her socket; a visitor following the discussion gets the post and then
    the reply, with the thread's reply count."""
    db = server.services.db
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    channel = discussion_channel(talk)
    async with (
        live_client(server.ws_url, cookies=amina.cookies) as poster,
        live_client(server.ws_url, cookies=bako.cookies) as replier,
        live_client(server.ws_url) as visitor,
    ):
        await visitor.follow(channel)
        sent = await poster.command(
            "discussions.contribution.post", {"round_id": round_id, "body": "Trust takes time."}
        )
        await replier.command(
            "discussions.contribution.post",
            {
                "round_id": round_id,
                "body": "So does money.",
                "reply_to_id": sent["contribution_id"],
            },
        )
        first, second = await visitor.events(channel, 2)
    assert first["type"] == second["type"] == "discussions.contribution.posted"
    assert first["data"]["contribution"]["id"] == sent["contribution_id"]
    assert first["data"]["contribution"]["body_html"] == "<p>Trust takes time.</p>\n"
    assert second["data"]["contribution"]["thread_id"] == sent["contribution_id"]
    assert second["data"]["contribution"]["replies"] == 1


async def test_a_follower_resumes_after_a_reconnect_with_what_it_missed(
    server: RunningServer,
) -> None:
    """A follower that reconnects with `since` gets exactly the posts, stances and round change
    made while it was away, in order, and nothing it had already."""
    db = server.services.db
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    channel = discussion_channel(talk)
    async with live_client(server.ws_url) as away:
        await away.follow(channel)
        seen = await post(db, amina, round_id, "Before the drop")
        [before] = await away.events(channel, 1)
    missed = await post(db, bako, round_id, "While you were away", reply_to=seen)
    async with live_client(server.ws_url, cookies=bako.cookies) as socket:
        await socket.command(
            "discussions.stance.set", {"contribution_id": seen, "stance": "nuance"}
        )
    async with live_client(server.ws_url, cookies=moderator.cookies) as socket:
        await socket.command("discussions.round.close", {"round_id": round_id})
    async with live_client(server.ws_url) as back:
        await back.follow(channel, since=before["seq"])
        frames = await back.events(channel, 3)
        assert await back.nothing_pending() == []
    assert [f["type"] for f in frames] == [
        "discussions.contribution.posted",
        "discussions.stances.counted",
        "discussions.round.closed",
    ]
    assert [f["seq"] for f in frames] == [before["seq"] + n for n in (1, 2, 3)]
    assert frames[0]["data"]["contribution"]["id"] == missed
    assert frames[1]["data"]["stances"] == {"agree": 0, "nuance": 1, "disagree": 0}
    assert frames[2]["data"]["round"]["state"] == RoundState.CLOSED.value


async def test_a_participant_cannot_run_a_round_over_the_socket(server: RunningServer) -> None:
    """Opening a round is refused to a participant with `discussions.not_moderator`, and no
    event reaches the followers."""
    db = server.services.db
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk, RoundState.CLOSED)
    async with (
        live_client(server.ws_url, cookies=amina.cookies) as socket,
        live_client(server.ws_url) as visitor,
    ):
        await visitor.follow(discussion_channel(talk))
        reply = await socket.request("discussions.round.open", {"round_id": round_id})
        assert reply["ok"] is False
        assert reply["error"]["code"] == "discussions.not_moderator"
        assert await visitor.nothing_pending() == []


@pytest.mark.scale
async def test_a_post_on_one_instance_reaches_a_follower_on_the_other(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """Posted over a socket on instance A, the post reaches a follower on instance B."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        db = a.services.db
        moderator, amina = await members(db, Role.MODERATOR, "Amina")
        talk = await discussion(db, [moderator])
        round_id = await round_in(db, talk)
        channel = discussion_channel(talk)
        async with (
            live_client(a.ws_url, cookies=amina.cookies) as poster,
            live_client(b.ws_url) as follower,
        ):
            await follower.follow(channel)
            sent = await poster.command(
                "discussions.contribution.post", {"round_id": round_id, "body": "Across workers"}
            )
            [frame] = await follower.events(channel, 1)
        assert frame["data"]["contribution"]["id"] == sent["contribution_id"]


async def test_a_reaction_and_a_quote_reach_followers_and_resume_after_a_reconnect(
    server: RunningServer,
) -> None:
    """Bako's reaction (counts only) and his quoting post reach a visitor live; a follower
    that was away gets both after reconnecting with `since`, in order; his own post takes no
    reaction from him."""
    db = server.services.db
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    channel = discussion_channel(talk)
    root = await post(db, amina, round_id, "Savings groups need a ledger.")
    async with live_client(server.ws_url) as away:
        start = (await away.follow(channel))["head"]
    async with (
        live_client(server.ws_url, cookies=bako.cookies) as socket,
        live_client(server.ws_url) as visitor,
    ):
        await visitor.follow(channel)
        reacted = await socket.command(
            "discussions.reaction.toggle", {"contribution_id": root, "kind": "useful"}
        )
        quoting = await socket.command(
            "discussions.contribution.post",
            {"round_id": round_id, "body": "A ledger, yes.", "quote_id": root},
        )
        refused = await socket.request(
            "discussions.reaction.toggle",
            {"contribution_id": quoting["contribution_id"], "kind": "thanks"},
        )
        live = await visitor.events(channel, 2)
        assert await visitor.nothing_pending() == []
    assert reacted["pressed"] is True and reacted["reactions"]["useful"] == 1
    assert refused["ok"] is False
    assert refused["error"]["code"] == "discussions.own_contribution"
    async with live_client(server.ws_url) as back:
        await back.follow(channel, since=start)
        resumed = await back.events(channel, 2)
        assert await back.nothing_pending() == []
    for frames in (live, resumed):
        assert [f["type"] for f in frames] == [
            "discussions.reactions.counted",
            "discussions.contribution.posted",
        ]
        assert frames[0]["data"]["reactions"] == {"useful": 1, "thanks": 0, "question": 0}
        assert frames[1]["data"]["contribution"]["quote"] == {
            "id": root,
            "author_name": "Amina",
            "excerpt": "Savings groups need a ledger.",
        }


@pytest.mark.scale
async def test_a_reaction_and_a_quote_on_one_instance_reach_a_follower_on_the_other(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """A reaction and a quoting post made over a socket on instance A reach a follower on B."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        db = a.services.db
        moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
        talk = await discussion(db, [moderator])
        round_id = await round_in(db, talk)
        channel = discussion_channel(talk)
        root = await post(db, amina, round_id, "Across workers")
        async with (
            live_client(a.ws_url, cookies=bako.cookies) as socket,
            live_client(b.ws_url) as follower,
        ):
            await follower.follow(channel)
            await socket.command(
                "discussions.reaction.toggle", {"contribution_id": root, "kind": "question"}
            )
            await socket.command(
                "discussions.contribution.post",
                {"round_id": round_id, "body": "Quoted across", "quote_id": root},
            )
            reaction, quoting = await follower.events(channel, 2)
        assert reaction["data"]["reactions"]["question"] == 1
        assert quoting["data"]["contribution"]["quote"]["id"] == root
