"""The hall over real websockets: booth chat, visitor and staff counts, team channels, scale-out."""

from __future__ import annotations

from typing import Any

import pytest

from fair.core.accounts.roles import Role
from fair.hall.actions import booths, visits
from fair.hall.inputs import BoothDetails, CardInput, StateChange
from fair.hall.models import Booth
from fair.hall.rules import BoothState
from tests.scale.conftest import two_instances
from tests.support.factories import login_cookies, person
from tests.support.hall import booth, someone, viewer
from tests.support.live_client import CommandRefused, LiveClient, live_client
from tests.support.servers import RunningServer


async def next_count(client: LiveClient, channel: str) -> int:
    """The next presence count the client is sent for `channel`."""
    while True:
        frame = await client.next_frame()
        if frame.get("channel") == channel and frame.get("type") == "presence.count.changed":
            return int(frame["data"]["count"])


async def later_frames(client: LiveClient) -> list[dict[str, Any]]:
    """What reached the client before a ping's reply; what it had, if the server closed it."""
    try:
        return await client.nothing_pending()
    except ConnectionError:
        pending = []
        while not client.frames.empty():
            pending.append(client.frames.get_nowait())
        return pending


async def published_booth(server: RunningServer) -> tuple[Booth, dict[str, str]]:
    """A published booth and the login cookies of its exhibitor."""
    db = server.services.db
    exhibitor = await person(db)
    made = await booth(db, await someone(db, Role.ORGANISER), team=[exhibitor])
    return made, await login_cookies(db, exhibitor)


async def participant_cookies(server: RunningServer, name: str | None = None) -> dict[str, str]:
    return await login_cookies(server.services.db, await person(server.services.db, name=name))


async def follow_present(client: LiveClient, channel: str) -> dict[str, Any]:
    return await client.command("live.follow", {"channel": channel, "present": True})


# Chat


async def test_chat_message_reaches_everyone_following_the_booth(server: RunningServer) -> None:
    """A message posted with hall.chat.post arrives at another browser following booth:<id>."""
    made, _team = await published_booth(server)
    channel = f"booth:{made.id}"
    author = await participant_cookies(server, name="Aminata Diallo")
    async with (
        live_client(server.ws_url) as reader,
        live_client(server.ws_url, cookies=author) as writer,
    ):
        await reader.follow(channel)
        reply = await writer.command(
            "hall.chat.post", {"booth_id": made.id, "body": "Where do you work?"}
        )
        [posted] = await reader.events(channel, 1)
        assert await reader.nothing_pending() == []
    assert posted["type"] == "hall.chat.posted"
    message = posted["data"]["message"]
    assert message["id"] == reply["message_id"]
    assert (message["body"], message["author_name"], message["booth_id"]) == (
        "Where do you work?",
        "Aminata Diallo",
        made.id,
    )


async def test_chat_removal_reaches_everyone_following_the_booth(server: RunningServer) -> None:
    """The team's hall.chat.remove arrives as hall.chat.removed at every follower."""
    made, team = await published_booth(server)
    channel = f"booth:{made.id}"
    async with (
        live_client(server.ws_url) as reader,
        live_client(server.ws_url, cookies=await participant_cookies(server)) as writer,
        live_client(server.ws_url, cookies=team) as exhibitor,
    ):
        await reader.follow(channel)
        posted = await writer.command("hall.chat.post", {"booth_id": made.id, "body": "Spam!"})
        await reader.events(channel, 1)
        await exhibitor.command(
            "hall.chat.remove", {"message_id": posted["message_id"], "reason": "Spam"}
        )
        [removed] = await reader.events(channel, 1)
    assert removed["type"] == "hall.chat.removed"
    assert removed["data"] == {"booth_id": made.id, "message_id": posted["message_id"]}


async def test_participant_cannot_remove_a_chat_message_over_the_socket(
    server: RunningServer,
) -> None:
    """Another participant's hall.chat.remove is refused and followers hear of nothing."""
    made, _team = await published_booth(server)
    channel = f"booth:{made.id}"
    async with (
        live_client(server.ws_url) as reader,
        live_client(server.ws_url, cookies=await participant_cookies(server)) as writer,
        live_client(server.ws_url, cookies=await participant_cookies(server)) as other,
    ):
        await reader.follow(channel)
        posted = await writer.command("hall.chat.post", {"booth_id": made.id, "body": "Mine"})
        await reader.events(channel, 1)
        with pytest.raises(CommandRefused) as refused:
            await other.command(
                "hall.chat.remove", {"message_id": posted["message_id"], "reason": "Spam"}
            )
        assert refused.value.code == "hall.not_your_booth"
        assert await reader.nothing_pending() == []


async def test_chat_needs_a_login_and_an_open_booth(server: RunningServer) -> None:
    """A stranger's post asks for a login; a post to a draft is told there is no such booth."""
    db = server.services.db
    draft = await booth(db, await someone(db, Role.ORGANISER), published=False)
    published, _team = await published_booth(server)
    async with (
        live_client(server.ws_url) as stranger,
        live_client(server.ws_url, cookies=await participant_cookies(server)) as participant,
    ):
        with pytest.raises(CommandRefused) as anonymous:
            await stranger.command("hall.chat.post", {"booth_id": published.id, "body": "Hi"})
        with pytest.raises(CommandRefused) as to_draft:
            await participant.command("hall.chat.post", {"booth_id": draft.id, "body": "Hi"})
    assert anonymous.value.code == "account.login_required"
    assert to_draft.value.code == "hall.booth_not_found"


# Counts


async def test_visitor_count_rises_and_falls_as_visitors_come_and_go(
    server: RunningServer,
) -> None:
    """A watcher of presence:booth:<id> sees 0, 1 when a visitor is at the booth, 0 after."""
    made, _team = await published_booth(server)
    channel = f"booth:{made.id}"
    async with live_client(server.ws_url) as watcher:
        await watcher.follow(f"presence:{channel}")
        assert await next_count(watcher, f"presence:{channel}") == 0
        async with live_client(server.ws_url) as visitor:
            await follow_present(visitor, channel)
            assert await next_count(watcher, f"presence:{channel}") == 1
        assert await next_count(watcher, f"presence:{channel}") == 0


async def test_unfollowing_the_booth_leaves_it(server: RunningServer) -> None:
    """A visitor who unfollows booth:<id> without closing the socket is no longer counted."""
    made, _team = await published_booth(server)
    channel = f"booth:{made.id}"
    async with live_client(server.ws_url) as watcher, live_client(server.ws_url) as visitor:
        await watcher.follow(f"presence:{channel}")
        assert await next_count(watcher, f"presence:{channel}") == 0
        await follow_present(visitor, channel)
        assert await next_count(watcher, f"presence:{channel}") == 1
        await visitor.command("live.unfollow", {"channel": channel})
        assert await next_count(watcher, f"presence:{channel}") == 0


async def test_participant_cannot_follow_the_team_channel(server: RunningServer) -> None:
    """booth:<id>:team refuses a participant with live.forbidden and accepts the team."""
    made, team = await published_booth(server)
    channel = f"booth:{made.id}:team"
    async with (
        live_client(server.ws_url, cookies=await participant_cookies(server)) as participant,
        live_client(server.ws_url, cookies=team) as exhibitor,
    ):
        with pytest.raises(CommandRefused) as refused:
            await participant.follow(channel)
        assert refused.value.code == "live.forbidden"
        assert (await exhibitor.follow(channel))["channel"] == channel


async def count_now(server: RunningServer, channel: str) -> int:
    """The count of people at `channel` now, as a fresh watcher's follow reply gives it."""
    async with live_client(server.ws_url) as observer:
        return int((await observer.follow(f"presence:{channel}"))["count"])


async def test_only_the_team_is_counted_as_staff(server: RunningServer) -> None:
    """A participant cannot be counted at booth:<id>:staff; a team member can, and all see it."""
    made, team = await published_booth(server)
    staff = f"booth:{made.id}:staff"
    async with (
        live_client(server.ws_url, cookies=await participant_cookies(server)) as participant,
        live_client(server.ws_url, cookies=team) as exhibitor,
    ):
        await participant.follow(f"presence:{staff}")
        assert await next_count(participant, f"presence:{staff}") == 0
        with pytest.raises(CommandRefused) as refused:
            await follow_present(participant, staff)
        assert refused.value.code == "live.forbidden"
        assert await count_now(server, staff) == 0
        await follow_present(exhibitor, staff)
        assert await next_count(participant, f"presence:{staff}") == 1
        assert await count_now(server, staff) == 1


async def test_draft_booth_refuses_participants_over_the_socket(server: RunningServer) -> None:
    """Following a draft's booth:<id> or its count is live.forbidden for a participant."""
    db = server.services.db
    draft = await booth(db, await someone(db, Role.ORGANISER), published=False)
    async with live_client(server.ws_url, cookies=await participant_cookies(server)) as client:
        for channel in (f"booth:{draft.id}", f"presence:booth:{draft.id}"):
            with pytest.raises(CommandRefused) as refused:
                await client.follow(channel)
            assert refused.value.code == "live.forbidden"


# Losing access while following


async def test_booth_taken_back_to_draft_stops_reaching_participants(
    server: RunningServer,
) -> None:
    """After a booth goes back to draft, a participant who followed it gets none of its edits."""
    db = server.services.db
    organiser = await someone(db, Role.ORGANISER)
    team_user = await person(db)
    made = await booth(db, organiser, team=[team_user])
    channel = f"booth:{made.id}"
    async with live_client(server.ws_url, cookies=await participant_cookies(server)) as client:
        await client.follow(channel)
        await booths.change_state(db, organiser, made.id, StateChange(state=BoothState.DRAFT))
        await booths.edit_booth(
            db, await viewer(db, team_user), made.id, BoothDetails(title="Unannounced plans")
        )
        seen = await later_frames(client)
    assert [f for f in seen if "Unannounced plans" in str(f.get("data"))] == []


async def test_member_taken_off_the_team_stops_receiving_its_cards(
    server: RunningServer,
) -> None:
    """Once removed from a booth's team, a former member's socket gets none of its new cards."""
    db = server.services.db
    organiser = await someone(db, Role.ORGANISER)
    former = await person(db)
    made = await booth(db, organiser, team=[former, await person(db)])
    channel = f"booth:{made.id}:team"
    sender = await viewer(db, await person(db, name="Private Person"))
    async with live_client(server.ws_url, cookies=await login_cookies(db, former)) as client:
        await client.follow(channel)
        await booths.remove_team_member(db, organiser, made.id, former.id)
        await visits.leave_card(
            db, sender, made.id, CardInput(message="My number is...", share_details=True)
        )
        seen = await later_frames(client)
    assert [f for f in seen if f.get("type") == "hall.card.left"] == []


# Two instances sharing PostgreSQL and Redis


@pytest.mark.scale
async def test_visitor_count_is_shared_between_instances(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """A visitor at the booth on B is counted for a watcher on A, and uncounted when they leave."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        made, _team = await published_booth(a)
        watched = f"presence:booth:{made.id}"
        async with live_client(a.ws_url) as watcher:
            await watcher.follow(watched)
            assert await next_count(watcher, watched) == 0
            async with live_client(b.ws_url) as visitor:
                await follow_present(visitor, f"booth:{made.id}")
                assert await next_count(watcher, watched) == 1
            assert await next_count(watcher, watched) == 0


@pytest.mark.scale
async def test_chat_messages_cross_instances(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """A message posted through A and its removal through B reach a reader on each instance."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        made, team = await published_booth(a)
        channel = f"booth:{made.id}"
        async with (
            live_client(a.ws_url) as on_a,
            live_client(b.ws_url) as on_b,
            live_client(a.ws_url, cookies=await participant_cookies(a)) as writer,
            live_client(b.ws_url, cookies=team) as exhibitor,
        ):
            await on_a.follow(channel)
            await on_b.follow(channel)
            posted = await writer.command(
                "hall.chat.post", {"booth_id": made.id, "body": "Hello from A"}
            )
            await exhibitor.command(
                "hall.chat.remove", {"message_id": posted["message_id"], "reason": "Spam"}
            )
            seen_a = await on_a.events(channel, 2)
            seen_b = await on_b.events(channel, 2)
            assert await on_b.nothing_pending() == []
    assert [f["type"] for f in seen_b] == ["hall.chat.posted", "hall.chat.removed"]
    assert seen_b[0]["data"]["message"]["body"] == "Hello from A"
    assert seen_a == seen_b


@pytest.mark.scale
async def test_chat_posted_while_away_is_delivered_on_resume(
    clean_postgres_url: str, redis_url: str, namespace: str
) -> None:
    """A reader who left after seq n and follows again with since=n gets what was said meanwhile."""
    async with two_instances(clean_postgres_url, redis_url, namespace) as (a, b):
        made, _team = await published_booth(a)
        channel = f"booth:{made.id}"
        author = await participant_cookies(a)
        async with live_client(a.ws_url, cookies=author) as writer:
            async with live_client(b.ws_url) as reader:
                await reader.follow(channel)
                await writer.command("hall.chat.post", {"booth_id": made.id, "body": "First"})
                [first] = await reader.events(channel, 1)
            for body in ("Second", "Third"):
                await writer.command("hall.chat.post", {"booth_id": made.id, "body": body})
            async with live_client(b.ws_url) as reader:
                reply = await reader.follow(channel, since=first["seq"])
                missed = await reader.events(channel, 2)
                assert await reader.nothing_pending() == []
    assert reply["head"] == first["seq"] + 2
    assert [f["seq"] for f in missed] == [first["seq"] + 1, first["seq"] + 2]
    assert [f["data"]["message"]["body"] for f in missed] == ["Second", "Third"]
