"""Syntheses, carry-overs and the handbook over real HTTP and websockets: plain forms write
and publish a synthesis and carry questions over (the same commands as the socket); the
organisers' handbook page queues an export that the job builds while they follow its
progress on `handbook:fair:staff`; downloads and the channel are for organisers only."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from discussions import queries
from discussions.actions import setup
from discussions.actions.handbook import request_handbook
from discussions.channels import HANDBOOKS, discussion_channel
from discussions.handbook import export_state
from discussions.inputs import HandbookRequest, RoundRef
from discussions.rules import ExportState, RoundState
from discussions.settings import DiscussionsSettings
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import SYSTEM, anonymous
from tests.conftest import make_settings
from tests.support.discussions import closed_panel_with_questions, discussion, post, round_in
from tests.support.forms import browser, page_and_token
from tests.support.jobs import until
from tests.support.live_client import CommandRefused, live_client
from tests.support.qa import members
from tests.support.servers import RunningServer, serve


@pytest.fixture
async def server(sqlite_url: str, tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A real server whose job runner polls quickly and writes handbooks under `tmp_path`."""
    settings = make_settings(
        sqlite_url,
        job_poll_seconds=0.2,
        job_lease_seconds=2.0,
        job_intervals=("discussions.handbook_exports=0.2",),
    ).with_section(DiscussionsSettings, handbook_dir=str(tmp_path))
    async with serve(settings) as running:
        yield running


async def test_a_plain_form_saves_and_publishes_a_synthesis_citing_checked_posts(
    server: RunningServer,
) -> None:
    """Without JavaScript the moderator ticks two posts, saves the draft, publishes it; the
    page then shows the synthesis and "Cited in the synthesis" on both posts."""
    db = server.services.db
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    first = await post(db, amina, round_id, "Committees meet quarterly.")
    second = await post(db, bako, round_id, "Money is not enough.")
    await setup.close_round(db, SYSTEM, RoundRef(round_id=round_id))
    page = f"/discussions/{(await queries.discussion_page(db, anonymous('v'), talk)).slug}"
    async with browser(server, moderator.cookies) as http:
        html, token = await page_and_token(http, page)
        assert f'name="cited_ids" value="{first}"' in html
        response = await http.post(
            "/discussions/act",
            data={
                "csrf": token,
                "type": "discussions.synthesis.save",
                "back": page,
                "round_id": str(round_id),
                "body": f"Committees [[{first}]] matter.",
                "cited_ids": [str(second)],
            },
        )
        assert response.status_code == 303
        html, token = await page_and_token(http, page)
        assert "Synthesis (draft: only moderators see it)" in html
        response = await http.post(
            "/discussions/act",
            data={
                "csrf": token,
                "type": "discussions.synthesis.publish",
                "back": page,
                "round_id": str(round_id),
            },
        )
        assert response.status_code == 303
    async with browser(server, amina.cookies) as http:
        html = (await http.get(page)).text
    assert (
        f'<a href="#post-{first}">[1]</a>' in html and f'<a href="#post-{second}">[2]</a>' in html
    )
    assert html.count("Cited in the synthesis") == 2
    assert "chip state-synthesised" in html


async def test_a_synthesis_over_the_socket_reaches_a_follower_live(server: RunningServer) -> None:
    """The moderator saves and publishes over the socket; a participant following the
    discussion gets the published synthesis, and a cited author gets their notice."""
    db = server.services.db
    moderator, amina = await members(db, Role.PARTICIPANT, "Amina")
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    cited = await post(db, amina, round_id, "Joint committees.")
    await setup.close_round(db, SYSTEM, RoundRef(round_id=round_id))
    channel = discussion_channel(talk)
    async with (
        live_client(server.ws_url, cookies=moderator.cookies) as writer,
        live_client(server.ws_url, cookies=amina.cookies) as reader,
    ):
        await reader.follow(channel)
        await reader.follow(f"user:{amina.id}")
        with pytest.raises(CommandRefused) as caught:
            await reader.command(
                "discussions.synthesis.save", {"round_id": round_id, "body": "Mine."}
            )
        assert caught.value.code == "discussions.not_moderator"
        saved = await writer.command(
            "discussions.synthesis.save", {"round_id": round_id, "body": f"Yes [[{cited}]]."}
        )
        assert saved == {"round_id": round_id, "cited_ids": [cited]}
        await writer.command("discussions.synthesis.publish", {"round_id": round_id})
        [published] = await reader.events(channel, 1)
        [notice] = await reader.events(f"user:{amina.id}", 1)
    assert published["type"] == "discussions.synthesis.published"
    assert published["data"]["synthesis"]["citations"][0]["contribution_id"] == cited
    assert notice["type"] == "discussions.contribution.cited"


async def test_a_plain_form_carries_ticked_questions_over(server: RunningServer) -> None:
    """The moderator's page lists the closed panel's unanswered questions under each round
    that may be seeded; ticking one and sending the form seeds the round with it, and it is
    offered no more for that round, though still for the next one."""
    db = server.services.db
    made, (question_id, other) = await closed_panel_with_questions(
        db, "Who pays the fees?", "Are briefings enough?"
    )
    (moderator,) = await members(db, Role.PARTICIPANT)
    talk = await discussion(db, [moderator])
    round_id = await round_in(db, talk)
    later = await round_in(db, talk, RoundState.PLANNED)
    page = f"/discussions/{(await queries.discussion_page(db, anonymous('v'), talk)).slug}"
    async with browser(server, moderator.cookies) as http:
        html, token = await page_and_token(http, page)
        assert f'id="carry-{round_id}-{question_id}"' in html
        assert f'id="carry-{later}-{question_id}"' in html
        response = await http.post(
            "/discussions/act",
            data={
                "csrf": token,
                "type": "discussions.questions.carry_over",
                "back": page,
                "round_id": str(round_id),
                "panel_id": str(made.panel_id),
                "question_ids": [str(question_id)],
            },
        )
        assert response.status_code == 303
        html = (await http.get(page)).text
    assert "Who pays the fees?" in html and "Asked by Asker 1 at the panel" in html
    assert f'id="carry-{round_id}-{question_id}"' not in html
    assert f'id="carry-{round_id}-{other}"' in html
    assert f'id="carry-{later}-{question_id}"' in html


async def test_the_organiser_follows_an_export_to_the_end_and_downloads_it(
    server: RunningServer,
) -> None:
    """A plain form queues the export; the organiser sees it queued, running with rising
    progress, then done; the page then links the three files, which download."""
    db = server.services.db
    (organiser,) = await members(db, Role.ORGANISER)
    async with (
        browser(server, organiser.cookies) as http,
        live_client(server.ws_url, cookies=organiser.cookies) as watcher,
    ):
        await watcher.follow(HANDBOOKS)
        html, token = await page_and_token(http, "/discussions/handbook")
        assert "No handbook has been built yet." in html
        response = await http.post(
            "/discussions/act",
            data={
                "csrf": token,
                "type": "discussions.handbook.request",
                "back": "/discussions/handbook",
                "theme_id": "",
            },
        )
        assert response.status_code == 303
        moves = []
        while not moves or moves[-1][0] not in {"done", "failed"}:
            [event] = await watcher.events(HANDBOOKS, 1)
            moves.append((event["data"]["export"]["state"], event["data"]["export"]["progress"]))
        assert moves[0] == ("queued", 0) and moves[-1] == ("done", 100)
        progress = [p for _s, p in moves]
        assert progress == sorted(progress) and len(moves) >= 4
        html = (await http.get("/discussions/handbook")).text
        export_id = int(re.findall(r"/discussions/handbook/(\d+)/handbook.md", html)[0])
        files = {
            name: await http.get(f"/discussions/handbook/{export_id}/{name}")
            for name in ("handbook.html", "handbook.md", "handbook.pdf")
        }
    assert all(r.status_code == 200 for r in files.values())
    assert files["handbook.html"].headers["content-type"].startswith("text/html")
    assert "A handbook of good practice" in files["handbook.html"].text
    assert files["handbook.md"].text.startswith("# A handbook of good practice")
    assert "attachment" in files["handbook.md"].headers["content-disposition"]
    assert files["handbook.pdf"].content.startswith(b"%PDF-")


async def test_the_handbook_is_for_organisers_only(server: RunningServer) -> None:
    """A participant and a moderator get no handbook page, no files, no progress channel, and
    cannot ask for an export; a file name that is not one of the three is absent."""
    db = server.services.db
    organiser, moderator, amina = await members(db, Role.ORGANISER, Role.MODERATOR, "Amina")
    async with live_client(server.ws_url, cookies=organiser.cookies) as owner:
        asked = await owner.command("discussions.handbook.request", {})
    export_id = asked["export_id"]
    for member in (moderator, amina):
        async with browser(server, member.cookies) as http:
            assert (await http.get("/discussions/handbook")).status_code == 403
            response = await http.get(f"/discussions/handbook/{export_id}/handbook.md")
            assert response.status_code == 403
        async with live_client(server.ws_url, cookies=member.cookies) as client:
            with pytest.raises(CommandRefused) as caught:
                await client.follow(HANDBOOKS)
            assert caught.value.code == "live.forbidden"
            with pytest.raises(CommandRefused) as caught:
                await client.command("discussions.handbook.request", {})
            assert caught.value.code == "account.forbidden"
    async with browser(server, organiser.cookies) as http:
        assert (await http.get(f"/discussions/handbook/{export_id}/secrets.txt")).status_code == 404
        assert (await http.get(f"/discussions/handbook/{export_id}/..%2Fx")).status_code == 404


async def test_an_expired_export_says_so_on_the_page_and_at_its_links(
    server: RunningServer,
) -> None:
    """After a fourth export of the whole fair the page says only the newest three are kept,
    the oldest shows as expired, and its download link says to export again (not a 404)."""
    db = server.services.db
    (organiser,) = await members(db, Role.ORGANISER)

    def reaches(export_id: int, state: ExportState) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return await export_state(db, export_id) == state

        return check

    asked: list[int] = []
    for _ in range(4):
        asked.append((await request_handbook(db, organiser.viewer, HandbookRequest())).id)
        # One at a time: the oldest is then the first asked, whatever the job's pace.
        await until(reaches(asked[-1], ExportState.DONE))
    await until(reaches(asked[0], ExportState.EXPIRED))
    async with browser(server, organiser.cookies) as http:
        html = (await http.get("/discussions/handbook")).text
        expired = await http.get(f"/discussions/handbook/{asked[0]}/handbook.pdf")
        kept = await http.get(f"/discussions/handbook/{asked[1]}/handbook.pdf")
    assert "Only the newest 3 exports of each scope" in html
    assert re.search(rf'data-export-id="{asked[0]}" data-state="expired"', html)
    assert f"/discussions/handbook/{asked[0]}/handbook.pdf" not in html
    assert "export again" in html
    assert expired.status_code == 410 and "Export again" in expired.text
    assert kept.status_code == 200 and kept.content.startswith(b"%PDF-")
