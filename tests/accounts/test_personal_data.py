"""Download my data and delete my account, over HTTP against a fair where two people left
something in every feature: the download holds all of one and nothing of the other; a
deletion keeps the record whole and names the person nowhere afterwards."""

from __future__ import annotations

import json

from sqlalchemy import func, select, text

from discussions.models import Contribution, Reaction, Stance
from fair.core.accounts.models import Login, User
from fair.core.accounts.roles import Role
from fair.core.accounts.tombstones import FORMER_PARTICIPANT, tombstone_email
from fair.core.attendance.models import Attendance
from fair.core.connections import CLOSE_LOGGED_OUT
from fair.core.db import Database
from fair.core.log import LoggedEvent
from fair.core.mail.models import MailMessage
from fair.core.notifications.follows import Follow
from fair.core.notifications.models import Notification
from fair.core.notifications.settings import NotificationSettings
from fair.core.tables import Base
from fair.hall.models import Bookmark, ChatMessage, ContactRequest
from fair.qa.models import PanelMember, Question, Vote
from tests.accounts.fair_people import Fair, Trail, fair_with_two_people
from tests.support.factories import PASSWORD, login_cookies, person
from tests.support.forms import browser, page_and_token
from tests.support.live_client import live_client
from tests.support.servers import RunningServer


async def download(server: RunningServer, who: Trail) -> str:
    async with browser(server, who.member.cookies) as http:
        response = await http.get("/me/account/data")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    return response.text


async def check_download(server: RunningServer, fair: Fair) -> None:
    """Wanda's download has her account, logins, texts in every feature, votes, stances,
    reactions, follows, notices, attendance and mail; not Xavier's name, e-mail or texts,
    nor her password's hash."""
    body = await download(server, fair.first)
    for piece in (fair.first.name, fair.first.email, *fair.first.texts, "wanda-text-note"):
        assert piece in body
    for piece in (fair.second.name, fair.second.email, *fair.second.texts, "xavier-text-reply"):
        assert piece not in body
    assert "argon2" not in body
    parts = json.loads(body)["features"]
    assert parts["accounts"]["account"][0]["id"] == fair.first.member.id
    assert parts["accounts"]["logins"]
    assert parts["qa"]["votes"] == [
        {
            "question_id": fair.second.question_id,
            "created_at": parts["qa"]["votes"][0]["created_at"],
        }
    ]
    assert [s["post_id"] for s in parts["discussions"]["stances"]] == [fair.second.post_id]
    assert [r["post_id"] for r in parts["discussions"]["reactions"]] == [fair.second.post_id]
    assert [f["place"] for f in parts["notifications"]["follows"]] == ["booth"]
    assert len(parts["notifications"]["notifications"]) == 1
    assert parts["attendance"]["attendance"][0]["place"] == "fair"
    assert parts["hall"]["cards_given"][0]["booth"] == "Booth of remittances"
    assert parts["reports"]["reports"][0]["note"] == "wanda-report"
    assert parts["qa"]["panel_roles"][0]["role"] == "panelist"


async def _rows(db: Database, model: type[Base], *where: object) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def dangling_references(db: Database) -> list[str]:
    """Every column that refers to an account and holds an id no account has."""
    found = []
    async with db.reading() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not any(fk.column.table.name == "users" for fk in column.foreign_keys):
                    continue
                count = await session.scalar(
                    text(
                        f"SELECT count(*) FROM {table.name} WHERE {column.name} IS NOT NULL "
                        f"AND {column.name} NOT IN (SELECT id FROM users)"
                    )
                )
                if count:
                    found.append(f"{table.name}.{column.name}")
    return found


async def delete_account(server: RunningServer, who: Trail, password: str) -> int:
    async with browser(server, who.member.cookies) as http:
        _page, token = await page_and_token(http, "/me/account/delete")
        response = await http.post("/me/account/delete", data={"csrf": token, "password": password})
    return response.status_code


async def test_the_download_holds_all_of_a_person_and_deletion_leaves_none_of_them(
    each_server: RunningServer,
) -> None:
    """Wanda's download holds all the fair has of her and nothing of Xavier. After she
    deletes her account: her questions, posts, chat and votes stay under a former
    participant; her cards, bookmarks, follows, logins, settings, notices, mail, panel place
    and attendance link go; no reference dangles; no logged event and no notice of Xavier's
    holds her name or e-mail; the public pages show "former participant"; Xavier's things
    are untouched."""
    db = each_server.services.db
    fair = await fair_with_two_people(db)
    await check_download(each_server, fair)
    wanda = fair.first.member.id
    async with db.reading() as session:
        votes_before = await session.scalar(
            select(Question.votes).where(Question.id == fair.second.question_id)
        )
    assert await delete_account(each_server, fair.first, PASSWORD) == 303

    async with db.reading() as session:
        tombstone = await session.get(User, wanda)
        assert tombstone is not None
        assert (tombstone.display_name, tombstone.email) == (
            FORMER_PARTICIPANT,
            tombstone_email(wanda),
        )
        assert (tombstone.organisation, tombstone.country, tombstone.password_hash) == ("", "", "")
        question = await session.get(Question, fair.first.question_id)
        assert question is not None and question.asker_id == wanda
        assert (
            await session.scalar(
                select(Question.votes).where(Question.id == fair.second.question_id)
            )
            == votes_before
        )
    for model, column in (
        (ContactRequest, ContactRequest.sender_id),
        (Bookmark, Bookmark.user_id),
        (Follow, Follow.user_id),
        (Login, Login.user_id),
        (NotificationSettings, NotificationSettings.user_id),
        (Notification, Notification.user_id),
        (PanelMember, PanelMember.user_id),
        (Attendance, Attendance.user_id),
    ):
        assert await _rows(db, model, column == wanda) == 0, model.__name__
    assert await _rows(db, MailMessage, MailMessage.to_address == fair.first.email) == 0
    for model, column in (
        (ChatMessage, ChatMessage.author_id),
        (Contribution, Contribution.author_id),
        (Vote, Vote.user_id),
        (Stance, Stance.user_id),
        (Reaction, Reaction.user_id),
    ):
        assert await _rows(db, model, column == wanda) == 1, model.__name__
    assert await _rows(db, ContactRequest, ContactRequest.sender_id == fair.second.member.id) == 1
    assert await dangling_references(db) == []

    async with db.reading() as session:
        logged = "\n".join(await session.scalars(select(LoggedEvent.data)))
        notices = "\n".join(await session.scalars(select(Notification.params)))
    for piece in (fair.first.name, fair.first.email, "wanda-text-card"):
        assert piece not in logged
        assert piece not in notices
    assert fair.second.name in logged and "xavier-text-card" in logged
    assert FORMER_PARTICIPANT in notices

    async with browser(each_server) as http:
        for page, text_of_hers in (
            (f"/booths/{fair.booth_slug}", "wanda-text-chat"),
            (f"/panels/{fair.panel_slug}", "wanda-text-question"),
            (f"/discussions/{fair.discussion_slug}", "wanda-text-post"),
        ):
            response = await http.get(page, headers={"accept": "text/html"})
            assert response.status_code == 200, page
            assert text_of_hers in response.text and FORMER_PARTICIPANT in response.text
            assert fair.first.name not in response.text
            assert fair.second.name in response.text

    organiser = await person(db, Role.ORGANISER)
    async with browser(each_server, cookies=await login_cookies(db, organiser)) as http:
        listed = (await http.get("/people")).text
        picked = (await http.get("/people/search.json?q=former")).json()
    assert fair.second.email in listed
    assert tombstone_email(wanda) not in listed and FORMER_PARTICIPANT not in listed
    assert tombstone_email(wanda) not in str(picked)


async def test_a_deleted_persons_sockets_close_and_logins_end_at_once(
    server: RunningServer,
) -> None:
    """Deleting from one browser closes the person's socket on another (4001), and that
    browser's login no longer opens an account page."""
    db = server.services.db
    user = await person(db)
    here, there = await login_cookies(db, user), await login_cookies(db, user)
    async with live_client(server.ws_url, cookies=there) as socket:
        await socket.command("live.ping")
        async with browser(server, here) as http:
            _page, token = await page_and_token(http, "/me/account/delete")
            response = await http.post(
                "/me/account/delete", data={"csrf": token, "password": PASSWORD}
            )
            assert response.status_code == 303
            assert response.headers["location"] == "/me/account/deleted"
        assert await socket.closed == CLOSE_LOGGED_OUT
    async with browser(server, there) as http:
        response = await http.get("/me/account")
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


async def test_a_wrong_password_or_the_last_organiser_deletes_nothing(
    server: RunningServer,
) -> None:
    """A wrong password is refused; the fair's only organiser is refused even with the right
    one, until there is another; nothing changes meanwhile."""
    db = server.services.db
    organiser = await person(db, Role.ORGANISER)
    cookies = await login_cookies(db, organiser)
    async with browser(server, cookies) as http:
        _page, token = await page_and_token(http, "/me/account/delete")
        wrong = await http.post("/me/account/delete", data={"csrf": token, "password": "nope"})
        assert wrong.status_code == 403
        assert "account.wrong_password" in wrong.text
        last = await http.post("/me/account/delete", data={"csrf": token, "password": PASSWORD})
        assert last.status_code == 403
        assert "account.last_organiser" in last.text
        async with db.reading() as session:
            kept = await session.get(User, organiser.id)
        assert kept is not None and kept.email == organiser.email
        await person(db, Role.ORGANISER)
        done = await http.post("/me/account/delete", data={"csrf": token, "password": PASSWORD})
        assert done.status_code == 303
