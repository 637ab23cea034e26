"""Moderators see each other's actions live, over real sockets: a mute, an unmute, a focal
point and a saved synthesis draft reach the discussion's other moderators on
`discussion:<id>:moderation` (and again on resuming), never its public channel."""

from __future__ import annotations

from discussions.channels import discussion_channel, moderation_channel
from discussions.rules import RoundState
from fair.core.accounts.roles import Role
from tests.support.discussions import discussion, round_in
from tests.support.live_client import live_client
from tests.support.qa import members
from tests.support.servers import RunningServer


async def test_another_moderator_sees_mutes_focal_points_and_drafts_live(
    server: RunningServer,
) -> None:
    """Ama mutes Bako, lifts it, marks him a focal point and saves a draft; Kofi, following
    the moderation channel, gets each as it happens; Bako on the public channel gets none."""
    db = server.services.db
    ama, kofi, bako = await members(db, Role.PARTICIPANT, Role.PARTICIPANT, "Bako")
    talk = await discussion(db, [ama, kofi])
    closed = await round_in(db, talk, RoundState.CLOSED)
    channel = moderation_channel(talk)
    async with (
        live_client(server.ws_url, cookies=ama.cookies) as writer,
        live_client(server.ws_url, cookies=kofi.cookies) as other,
        live_client(server.ws_url, cookies=bako.cookies) as participant,
    ):
        await other.follow(channel)
        await participant.follow(discussion_channel(talk))
        person = {"discussion_id": talk, "user_id": bako.id}
        await writer.command(
            "discussions.participant.mute", {**person, "span": "24h", "reason": "Shouting"}
        )
        [muted] = await other.events(channel, 1)
        await writer.command("discussions.participant.unmute", person)
        [unmuted] = await other.events(channel, 1)
        await writer.command("discussions.focal_point.set", {**person, "focal": True})
        [marked] = await other.events(channel, 1)
        await writer.command(
            "discussions.synthesis.save", {"round_id": closed, "body": "Trust came first."}
        )
        [draft] = await other.events(channel, 1)
        assert await participant.nothing_pending() == []
    assert [e["type"] for e in (muted, unmuted, marked)] == ["discussions.standing.changed"] * 3
    assert muted["data"]["standing"]["muted"] is True
    assert muted["data"]["standing"]["mute_reason"] == "Shouting"
    assert muted["data"]["standing"]["display_name"] == "Bako"
    assert unmuted["data"]["standing"]["muted"] is False
    assert marked["data"]["standing"]["focal_point"] is True
    assert draft["type"] == "discussions.synthesis.draft_saved"
    assert draft["data"]["draft"]["body"] == "Trust came first."
    assert draft["data"]["draft"]["round_id"] == closed


async def test_a_moderator_resuming_gets_what_another_did_meanwhile(
    server: RunningServer,
) -> None:
    """Kofi was away while Ama muted Bako: following again from the page's head replays it."""
    db = server.services.db
    ama, kofi, bako = await members(db, Role.PARTICIPANT, Role.PARTICIPANT, "Bako")
    talk = await discussion(db, [ama, kofi])
    await round_in(db, talk)
    channel = moderation_channel(talk)
    async with live_client(server.ws_url, cookies=ama.cookies) as writer:
        await writer.command(
            "discussions.participant.mute",
            {"discussion_id": talk, "user_id": bako.id, "span": "24h", "reason": "Off topic"},
        )
    async with live_client(server.ws_url, cookies=kofi.cookies) as other:
        await other.follow(channel, since=0)
        [replayed] = await other.events(channel, 1)
    assert replayed["type"] == "discussions.standing.changed"
    assert replayed["data"]["standing"]["mute_reason"] == "Off topic"
