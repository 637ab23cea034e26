"""Moderator tools over real sockets and plain forms: a pin, a move and slow mode reach every
follower, a mute reaches only the muted person, the same write refused alike on the socket and
the form, and the pages' controls and notices without JavaScript."""

from __future__ import annotations

from discussions import queries
from discussions.actions import people, threads
from discussions.channels import discussion_channel
from discussions.inputs import SlowModeInput, ThreadLock
from discussions.rules import SlowMode
from fair.cli import load_demo
from fair.core.accounts.channels import user_channel
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import anonymous
from tests.support.discussions import discussion, post, round_in
from tests.support.forms import browser, page_and_token
from tests.support.live_client import live_client
from tests.support.qa import everything_logged, logged, members
from tests.support.servers import RunningServer


async def test_a_pin_and_a_move_over_the_socket_reach_every_follower(
    server: RunningServer,
) -> None:
    """The moderator pins a thread and moves a reply out to a thread of its own; a visitor gets
    both events, the move naming where the post was and where it is now."""
    db = server.services.db
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    root = await post(db, amina, round_id, "About trust")
    reply = await post(db, bako, round_id, "About money instead", reply_to=root)
    channel = discussion_channel(talk)
    async with (
        live_client(server.ws_url, cookies=moderator.cookies) as socket,
        live_client(server.ws_url) as visitor,
    ):
        await visitor.follow(channel)
        assert await socket.command("discussions.thread.pin", {"thread_id": root}) == {
            "thread_id": root,
            "pinned": True,
        }
        moved = await socket.command(
            "discussions.contribution.move", {"contribution_id": reply, "to_round_id": round_id}
        )
        pinned, move = await visitor.events(channel, 2)
    assert moved == {"contribution_id": reply, "round_id": round_id, "thread_id": None}
    assert pinned["type"] == "discussions.thread.pinned"
    assert pinned["data"]["thread_id"] == root
    assert move["type"] == "discussions.contribution.moved"
    assert move["data"]["source"] == {"round_id": round_id, "thread_id": root}
    assert move["data"]["target"] == {"round_id": round_id, "thread_id": None}


async def test_a_mute_reaches_the_muted_person_alone_and_stops_their_posts(
    server: RunningServer,
) -> None:
    """Bako, following his own channel, hears he is muted and why; a visitor on the discussion
    hears nothing; his next post over the socket is refused with `discussions.muted`."""
    db = server.services.db
    moderator, bako = await members(db, Role.MODERATOR, "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    async with (
        live_client(server.ws_url, cookies=moderator.cookies) as socket,
        live_client(server.ws_url, cookies=bako.cookies) as muted,
        live_client(server.ws_url) as visitor,
    ):
        await muted.follow(user_channel(bako.id))
        await visitor.follow(discussion_channel(talk))
        await socket.command(
            "discussions.participant.mute",
            {"discussion_id": talk, "user_id": bako.id, "span": "24h", "reason": "Shouting"},
        )
        [told] = await muted.events(user_channel(bako.id), 1)
        assert told["type"] == "discussions.participant.muted"
        assert told["data"]["mute"]["reason"] == "Shouting"
        assert await visitor.nothing_pending() == []
        reply = await muted.request(
            "discussions.contribution.post", {"round_id": round_id, "body": "Let me speak"}
        )
    assert reply["ok"] is False and reply["error"]["code"] == "discussions.muted"
    assert "Shouting" in reply["error"]["message"]


async def test_slow_mode_refuses_the_same_post_on_the_socket_and_the_form(
    server: RunningServer,
) -> None:
    """With slow mode on, Amina posts over her socket, then her plain-form post is refused with
    429 `discussions.slow_mode`, and over the socket again too; nothing more is recorded."""
    db = server.services.db
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    await people.set_slow_mode(
        db,
        moderator.viewer,
        SlowModeInput(discussion_id=talk, mode=SlowMode.MINUTE_1, reason="Let everyone read"),
    )
    slug = (await queries.discussion_page(db, anonymous("v"), talk)).slug
    page = f"/discussions/{slug}"
    async with (
        live_client(server.ws_url, cookies=amina.cookies) as socket,
        browser(server, amina.cookies) as http,
    ):
        await socket.command(
            "discussions.contribution.post", {"round_id": round_id, "body": "My first post"}
        )
        before = len(await everything_logged(db))
        html, token = await page_and_token(http, page)
        assert "Slow mode: each participant may post once every 1 minute." in html
        assert "Let everyone read" in html
        response = await http.post(
            "/discussions/act",
            data={
                "csrf": token,
                "type": "discussions.contribution.post",
                "back": page,
                "round_id": str(round_id),
                "body": "Again from the form",
            },
            headers={"accept": "application/json"},
        )
        assert response.status_code == 429
        assert "discussions.slow_mode" in response.text
        again = await socket.request(
            "discussions.contribution.post", {"round_id": round_id, "body": "Again, socket"}
        )
        assert again["ok"] is False and again["error"]["code"] == "discussions.slow_mode"
    assert len(await everything_logged(db)) == before


async def test_the_moderators_page_has_the_tools_and_a_participants_page_none(
    server: RunningServer,
) -> None:
    """The moderator's page has pin, lock and move controls in closed `<details>`, the people
    panel and the slow-mode form; a participant's page has none, and a locked thread shows a
    note instead of its reply form."""
    db = server.services.db
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    root = await post(db, amina, round_id, "A heated thread")
    await threads.lock_thread(db, moderator.viewer, ThreadLock(thread_id=root))
    slug = (await queries.discussion_page(db, anonymous("v"), talk)).slug
    async with browser(server, moderator.cookies) as http:
        mine, _token = await page_and_token(http, f"/discussions/{slug}")
    async with browser(server, bako.cookies) as http:
        theirs, _token = await page_and_token(http, f"/discussions/{slug}")
    for command in (
        "discussions.thread.pin",
        "discussions.thread.lock",
        "discussions.contribution.move",
        "discussions.participant.mute",
        "discussions.focal_point.set",
        "discussions.slow_mode.set",
    ):
        assert f'value="{command}"' in mine
        assert f'value="{command}"' not in theirs
    assert '<details class="moderate">' in mine
    assert "Unlock the thread" in mine and 'id="reply-' in mine
    assert "it takes no new replies" in theirs
    assert f'id="reply-{root}"' not in theirs
    assert "Locked" in theirs


async def test_plain_forms_mute_mark_a_focal_point_and_post_for_a_group(
    server: RunningServer,
) -> None:
    """Without JavaScript the moderator marks Amina a focal point by e-mail and mutes Bako;
    Amina posts for a village meeting of 60 (labelled, counted, escaped); Bako's page says he
    is muted until when (a local time) and why, and has no post forms."""
    db = server.services.db
    moderator, amina, bako = await members(db, Role.MODERATOR, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    await post(db, bako, round_id, "Something rude")
    slug = (await queries.discussion_page(db, anonymous("v"), talk)).slug
    page = f"/discussions/{slug}"
    async with browser(server, moderator.cookies) as http:
        _html, token = await page_and_token(http, page)
        for fields in (
            {"type": "discussions.focal_point.set", "email": amina.user.email, "focal": "1"},
            {"type": "discussions.participant.mute", "user_id": str(bako.id), "span": "7d"}
            | {"reason": "Rude words"},
        ):
            response = await http.post(
                "/discussions/act",
                data={"csrf": token, "back": page, "discussion_id": str(talk), **fields},
            )
            assert response.status_code == 303, response.text
    async with browser(server, amina.cookies) as http:
        html, token = await page_and_token(http, page)
        assert "You are a focal point of this discussion" in html
        assert 'name="group_name"' in html
        response = await http.post(
            "/discussions/act",
            data={
                "csrf": token,
                "back": page,
                "type": "discussions.contribution.post",
                "round_id": str(round_id),
                "group_name": "Village <b>meeting</b>",
                "group_size": "60",
                "body": "We want a shared plan.",
            },
        )
        assert response.status_code == 303, response.text
    async with browser(server, bako.cookies) as http:
        html, _token = await page_and_token(http, page)
    assert "On behalf of: Village &lt;b&gt;meeting&lt;/b&gt;, 60 people" in html
    assert "(1 from an offline group, representing 60 people)" in html
    assert "A moderator muted you in this discussion until" in html
    assert "data-muted" in html and "Rude words" in html
    assert 'value="discussions.contribution.post"' not in html
    assert 'value="discussions.stance.set"' not in html
    async with db.reading() as session:
        counted = await queries.offline_groups(session, round_id)
    assert (counted.posts, counted.offline_posts, counted.people) == (2, 1, 60)


async def test_a_participant_cannot_use_the_tools_from_a_form(server: RunningServer) -> None:
    """A participant's forged slow-mode, mute or focal-point form is refused (403
    `discussions.not_moderator`) and changes nothing."""
    db = server.services.db
    moderator, amina = await members(db, Role.MODERATOR, "Amina")
    talk = await discussion(db, [moderator])
    await round_in(db, talk)
    slug = (await queries.discussion_page(db, anonymous("v"), talk)).slug
    before = len(await everything_logged(db))
    async with browser(server, amina.cookies) as http:
        _html, token = await page_and_token(http, f"/discussions/{slug}")
        for fields in (
            {"type": "discussions.slow_mode.set", "mode": "off"},
            {"type": "discussions.focal_point.set", "user_id": str(amina.id), "focal": "1"},
            {"type": "discussions.participant.mute", "user_id": str(moderator.id)}
            | {"span": "1h", "reason": "Revenge"},
        ):
            response = await http.post(
                "/discussions/act",
                data={"csrf": token, "back": "/", "discussion_id": str(talk), **fields},
                headers={"accept": "application/json"},
            )
            assert response.status_code == 403, response.text
            assert "discussions.not_moderator" in response.text
    assert len(await everything_logged(db)) == before


async def test_the_demo_has_a_focal_points_group_post_and_a_pinned_thread(
    server: RunningServer,
) -> None:
    """The demo's open round has its first thread pinned and a focal point's post for a village
    meeting of 40, labelled on the page; slow mode is off; loading again adds nothing."""
    await load_demo(server.services.settings)
    db = server.services.db
    talk = await queries.discussion_id_for(db, "partnerships-for-development")
    page = await queries.discussion_page(db, anonymous("v"), talk)
    assert page.current is not None
    pinned = [t.pinned for t in page.current.threads]
    assert pinned[0] and not any(pinned[1:])
    assert (page.current.offline_posts, page.current.offline_people) == (1, 40)
    tools = await queries.tools(db, anonymous("v"), talk, moderates=False)
    assert tools.slow_mode.mode == "off"
    async with browser(server) as http:
        html = (await http.get(f"/discussions/{page.slug}")).text
    assert "On behalf of: Women&#39;s association of Kayes (village meeting), 40 people" in html
    assert "Pinned" in html and "Slow mode" not in html
    before = len(await logged(db, discussion_channel(talk)))
    await load_demo(server.services.settings)
    assert len(await logged(db, discussion_channel(talk))) == before
