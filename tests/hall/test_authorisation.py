"""Who may do what at a booth, through the real actions and queries, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import Viewer, anonymous
from fair.core.channels import parse_channel
from fair.core.contract import ChannelName
from fair.core.db import Database
from fair.core.errors import FairError
from fair.hall import dashboard, queries
from fair.hall.actions import booths, media, visits
from fair.hall.channels import booth_channel, team_channel
from fair.hall.inputs import (
    BoothDetails,
    CardInput,
    ChatPost,
    ChatRemoval,
    Consortium,
    ConsortiumMemberInput,
    MediaDetails,
    OfficeHourInput,
    StateChange,
    TeamInvitation,
)
from fair.hall.live import booth_rule
from fair.hall.models import (
    Booth,
    BoothCountry,
    ChatMessage,
    ConsortiumMember,
    ContactRequest,
    Media,
    OfficeHour,
    TeamMember,
)
from fair.hall.queries import HallFilters
from fair.hall.rules import BoothState, MediaKind, OrganisationKind
from fair.hall.uploads import Storage
from tests.support.factories import person
from tests.support.hall import booth, event_count, logged_events, someone, viewer

Write = Callable[[Database, Viewer, int], Awaitable[Any]]


def writes(storage: Storage, intruder: User) -> dict[str, Write]:
    """Every way of changing a booth, as `intruder` would try it (adding themselves to the team)."""
    start = datetime(2030, 5, 4, 10, 0)
    return {
        "details": lambda db, v, b: booths.edit_booth(
            db, v, b, BoothDetails(title="Taken over", origin_countries=["FR"])
        ),
        "consortium": lambda db, v, b: booths.set_consortium(
            db,
            v,
            b,
            Consortium(
                members=[ConsortiumMemberInput(name="Intruders Ltd", kind=OrganisationKind.NGO)]
            ),
        ),
        "office hour": lambda db, v, b: booths.add_office_hour(
            db, v, b, OfficeHourInput(starts_at=start, ends_at=start + timedelta(hours=1))
        ),
        "media": lambda db, v, b: media.add_media(
            db,
            v,
            b,
            MediaDetails(
                kind=MediaKind.INTERVIEW, title="Fake", external_url="https://example.org/v"
            ),
            None,
            storage,
        ),
        "state": lambda db, v, b: booths.change_state(
            db, v, b, StateChange(state=BoothState.ARCHIVED)
        ),
        "team": lambda db, v, b: booths.add_team_member(
            db, v, b, TeamInvitation(email=intruder.email)
        ),
    }


async def outcome(write: Awaitable[Any]) -> str:
    """The refusal code of a write, or "done" if it went through."""
    try:
        await write
    except FairError as refusal:
        return refusal.code
    return "done"


async def snapshot(db: Database, booth_id: int) -> dict[str, Any]:
    """The booth's row, the rows hanging off it, and the size of the event log."""
    async with db.reading() as session:
        row = await session.get(Booth, booth_id)
        assert row is not None
        columns = {c.name: getattr(row, c.name) for c in Booth.__table__.columns}
        related = {
            model.__name__: await session.scalar(
                select(func.count()).select_from(model).where(model.booth_id == booth_id)
            )
            for model in (BoothCountry, ConsortiumMember, TeamMember, Media, OfficeHour)
        }
    return {"booth": columns, "related": related, "events": await event_count(db)}


async def refused_everything(
    db: Database, actor: Viewer, booth_id: int, storage: Storage, intruder: User
) -> dict[str, str]:
    return {
        name: await outcome(write(db, actor, booth_id))
        for name, write in writes(storage, intruder).items()
    }


ORGANISER_ONLY = {"state", "team"}


def codes(run_code: str, organiser_code: str) -> dict[str, str]:
    return {
        name: organiser_code if name in ORGANISER_ONLY else run_code
        for name in ("details", "consortium", "office hour", "media", "state", "team")
    }


# Editing


async def test_participant_cannot_change_a_booth(db: Database, tmp_path: Path) -> None:
    """Every write a participant tries on a published booth is refused and changes nothing."""
    organiser = await someone(db, Role.ORGANISER)
    participant_user = await person(db)
    participant = await viewer(db, participant_user)
    made = await booth(db, organiser, team=[await person(db)])
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    before = await snapshot(db, made.id)
    outcomes = await refused_everything(
        db, participant, made.id, Storage(uploads), participant_user
    )
    assert outcomes == codes("hall.not_your_booth", "account.forbidden")
    assert await snapshot(db, made.id) == before
    assert list(uploads.iterdir()) == []


async def test_visitor_without_login_cannot_change_a_booth(db: Database, tmp_path: Path) -> None:
    """Someone not logged in is asked to log in for every write, and nothing changes."""
    organiser = await someone(db, Role.ORGANISER)
    made = await booth(db, organiser)
    intruder = await person(db)
    before = await snapshot(db, made.id)
    outcomes = await refused_everything(
        db, anonymous("a-browser"), made.id, Storage(tmp_path), intruder
    )
    assert outcomes == codes("account.login_required", "account.login_required")
    assert await snapshot(db, made.id) == before


async def test_exhibitor_cannot_change_another_teams_booth(db: Database, tmp_path: Path) -> None:
    """An exhibitor's writes to a booth whose team they are not on are refused; nothing changes."""
    organiser = await someone(db, Role.ORGANISER)
    exhibitor_user = await person(db)
    await booth(db, organiser, team=[exhibitor_user])
    other = await booth(db, organiser, team=[await person(db)])
    exhibitor = await viewer(db, exhibitor_user)
    assert exhibitor.role == Role.EXHIBITOR
    before = await snapshot(db, other.id)
    outcomes = await refused_everything(db, exhibitor, other.id, Storage(tmp_path), exhibitor_user)
    assert outcomes == codes("hall.not_your_booth", "account.forbidden")
    assert await snapshot(db, other.id) == before


async def test_moderator_cannot_change_a_booth(db: Database, tmp_path: Path) -> None:
    """A moderator may look after the chat but not edit a booth; every write is refused."""
    organiser = await someone(db, Role.ORGANISER)
    made = await booth(db, organiser)
    moderator_user = await person(db, Role.MODERATOR)
    moderator = await viewer(db, moderator_user)
    before = await snapshot(db, made.id)
    outcomes = await refused_everything(db, moderator, made.id, Storage(tmp_path), moderator_user)
    assert outcomes == codes("hall.not_your_booth", "account.forbidden")
    assert await snapshot(db, made.id) == before


async def test_participant_writing_to_a_draft_is_told_it_does_not_exist(
    db: Database, tmp_path: Path
) -> None:
    """A draft looks absent to a participant: their edits get hall.booth_not_found, not 403."""
    organiser = await someone(db, Role.ORGANISER)
    made = await booth(db, organiser, published=False)
    participant_user = await person(db)
    participant = await viewer(db, participant_user)
    before = await snapshot(db, made.id)
    outcomes = await refused_everything(
        db, participant, made.id, Storage(tmp_path), participant_user
    )
    assert outcomes == codes("hall.booth_not_found", "account.forbidden")
    assert await snapshot(db, made.id) == before


async def test_exhibitor_edits_their_own_booth(db: Database) -> None:
    """The team's exhibitor changes the details; the row changes and booth:<id> hears of it."""
    organiser = await someone(db, Role.ORGANISER)
    exhibitor_user = await person(db)
    made = await booth(db, organiser, team=[exhibitor_user])
    exhibitor = await viewer(db, exhibitor_user)
    await booths.edit_booth(
        db, exhibitor, made.id, BoothDetails(title="Our own title", origin_countries=["SN"])
    )
    async with db.reading() as session:
        row = await session.get(Booth, made.id)
    assert row is not None and row.title == "Our own title"
    [changed] = [
        e for e in await logged_events(db, booth_channel(made.id)) if e.type == "hall.booth.changed"
    ]
    assert changed.actor_id == exhibitor.user_id
    data = json.loads(changed.data)["booth"]
    assert (data["title"], data["origin_countries"]) == ("Our own title", ["SN"])


async def test_exhibitor_cannot_publish_or_staff_their_own_booth(db: Database) -> None:
    """State and team are the organisers' to change, even for the booth's own exhibitor."""
    organiser = await someone(db, Role.ORGANISER)
    exhibitor_user = await person(db)
    made = await booth(db, organiser, published=False, team=[exhibitor_user])
    exhibitor = await viewer(db, exhibitor_user)
    friend = await person(db)
    before = await snapshot(db, made.id)
    published = booths.change_state(db, exhibitor, made.id, StateChange(state=BoothState.PUBLISHED))
    assert await outcome(published) == "account.forbidden"
    invited = booths.add_team_member(db, exhibitor, made.id, TeamInvitation(email=friend.email))
    assert await outcome(invited) == "account.forbidden"
    assert await snapshot(db, made.id) == before


async def test_organiser_edits_any_booth(db: Database) -> None:
    """An organiser who is on no team edits a booth's details and its consortium."""
    organiser = await someone(db, Role.ORGANISER)
    made = await booth(db, organiser, team=[await person(db)])
    await booths.edit_booth(db, organiser, made.id, BoothDetails(title="Set by the organisers"))
    members = Consortium(
        members=[ConsortiumMemberInput(name="City of Dakar", kind=OrganisationKind.LOCAL_AUTHORITY)]
    )
    await booths.set_consortium(db, organiser, made.id, members)
    async with db.reading() as session:
        row = await session.get(Booth, made.id)
        names = list(
            await session.scalars(
                select(ConsortiumMember.name).where(ConsortiumMember.booth_id == made.id)
            )
        )
    assert row is not None and row.title == "Set by the organisers"
    assert names == ["City of Dakar"]


async def test_refused_state_change_changes_nothing(db: Database) -> None:
    """An organiser archiving a draft gets hall.bad_transition; the state and the log stay."""
    organiser = await someone(db, Role.ORGANISER)
    made = await booth(db, organiser, published=False)
    before = await snapshot(db, made.id)
    archived = booths.change_state(db, organiser, made.id, StateChange(state=BoothState.ARCHIVED))
    assert await outcome(archived) == "hall.bad_transition"
    assert await snapshot(db, made.id) == before


# Seeing drafts


async def test_draft_booths_are_not_in_the_hall(db: Database) -> None:
    """The hall lists published booths only, whoever asks, organisers and the team included."""
    organiser = await someone(db, Role.ORGANISER)
    team_user = await person(db)
    shown = await booth(db, organiser, title="Published booth")
    await booth(db, organiser, title="Draft booth", published=False, team=[team_user])
    for asking in (
        anonymous("a-browser"),
        await someone(db),
        await viewer(db, team_user),
        organiser,
    ):
        page = await queries.hall_page(db, asking, HallFilters())
        assert [b.id for b in page.booths] == [shown.id]
        assert page.total == 1


async def test_draft_booth_page_is_not_found_for_participants(db: Database) -> None:
    """A participant, an exhibitor of another booth and a stranger get not found for a draft."""
    organiser = await someone(db, Role.ORGANISER)
    other_exhibitor = await person(db)
    await booth(db, organiser, team=[other_exhibitor])
    draft = await booth(db, organiser, published=False, team=[await person(db)])
    for asking in (anonymous("a-browser"), await someone(db), await viewer(db, other_exhibitor)):
        assert await outcome(queries.booth_page(db, asking, draft.id)) == "hall.booth_not_found"
        history = queries.chat_history(db, asking, draft.id, None)
        assert await outcome(history) == "hall.booth_not_found"


async def test_draft_booth_page_is_shown_to_its_team_and_the_staff(db: Database) -> None:
    """The draft's team, an organiser and a moderator read its page; the team finds it theirs."""
    organiser = await someone(db, Role.ORGANISER)
    team_user = await person(db)
    draft = await booth(db, organiser, title="Still a draft", published=False, team=[team_user])
    team = await viewer(db, team_user)
    for asking in (team, organiser, await someone(db, Role.MODERATOR)):
        page = await queries.booth_page(db, asking, draft.id)
        assert (page.summary.title, page.summary.state) == ("Still a draft", "draft")
        assert page.on_team is (asking is team)
    assert [b.id for b in await queries.my_booths(db, team)] == [draft.id]


def named(text: str) -> ChannelName:
    channel = parse_channel(text)
    assert channel is not None, text
    return channel


async def test_participants_cannot_follow_a_draft_booth(db: Database) -> None:
    """booth:<id> and its count refuse participants and strangers while the booth is a draft."""
    organiser = await someone(db, Role.ORGANISER)
    draft = await booth(db, organiser, published=False)
    for asking in (anonymous("a-browser"), await someone(db)):
        for channel in (f"booth:{draft.id}", f"presence:booth:{draft.id}"):
            assert await booth_rule(db, asking, named(channel)) is False, channel


async def test_team_and_organisers_follow_a_draft_booth(db: Database) -> None:
    """The draft's team and an organiser may follow booth:<id> and its count."""
    organiser = await someone(db, Role.ORGANISER)
    team_user = await person(db)
    draft = await booth(db, organiser, published=False, team=[team_user])
    for asking in (await viewer(db, team_user), organiser):
        for channel in (f"booth:{draft.id}", f"presence:booth:{draft.id}"):
            assert await booth_rule(db, asking, named(channel)) is True, channel


async def test_publishing_lets_participants_follow_the_booth(db: Database) -> None:
    """The same participant refused a draft's channel may follow it once it is published."""
    organiser = await someone(db, Role.ORGANISER)
    draft = await booth(db, organiser, published=False)
    participant = await someone(db)
    assert await booth_rule(db, participant, named(f"booth:{draft.id}")) is False
    await booths.change_state(db, organiser, draft.id, StateChange(state=BoothState.PUBLISHED))
    assert await booth_rule(db, participant, named(f"booth:{draft.id}")) is True


# Chat


async def chat_row(db: Database, message_id: int) -> dict[str, Any]:
    async with db.reading() as session:
        row = await session.get(ChatMessage, message_id)
        assert row is not None
        return {c.name: getattr(row, c.name) for c in ChatMessage.__table__.columns}


async def test_participant_cannot_remove_someone_elses_chat_message(db: Database) -> None:
    """A participant, or another booth's exhibitor, removing a message is refused; it stays."""
    organiser = await someone(db, Role.ORGANISER)
    other_exhibitor = await person(db)
    await booth(db, organiser, team=[other_exhibitor])
    made = await booth(db, organiser, team=[await person(db)])
    author = await someone(db)
    message = await visits.post_chat_message(
        db, author, ChatPost(booth_id=made.id, body="Hello booth")
    )
    removers = [await someone(db), await viewer(db, other_exhibitor)]
    before, events = await chat_row(db, message.id), await event_count(db)
    for remover in removers:
        removal = visits.remove_chat_message(
            db, remover, ChatRemoval(message_id=message.id, reason="Spam")
        )
        assert await outcome(removal) == "hall.not_your_booth"
    assert await chat_row(db, message.id) == before
    assert await event_count(db) == events
    page = await queries.booth_page(db, author, made.id)
    assert [m.body for m in page.chat] == ["Hello booth"]


@pytest.mark.parametrize("remover_kind", ["team", "moderator", "organiser"])
async def test_team_and_staff_remove_a_chat_message(db: Database, remover_kind: str) -> None:
    """The booth's exhibitor, a moderator or an organiser removes a message for everyone."""
    organiser = await someone(db, Role.ORGANISER)
    team_user = await person(db)
    made = await booth(db, organiser, team=[team_user])
    remover = {
        "team": await viewer(db, team_user),
        "moderator": await someone(db, Role.MODERATOR),
        "organiser": organiser,
    }[remover_kind]
    author = await someone(db)
    message = await visits.post_chat_message(
        db, author, ChatPost(booth_id=made.id, body="Buy my stuff")
    )
    await visits.remove_chat_message(
        db, remover, ChatRemoval(message_id=message.id, reason="Advertising")
    )
    row = await chat_row(db, message.id)
    assert row["removed_at"] is not None and row["removed_by"] == remover.user_id
    assert (await queries.booth_page(db, author, made.id)).chat == []
    removed = (await logged_events(db, booth_channel(made.id)))[-1]
    assert removed.type == "hall.chat.removed"
    assert json.loads(removed.data) == {"booth_id": made.id, "message_id": message.id}


# Cards


async def card_count(db: Database) -> int:
    async with db.reading() as session:
        return await session.scalar(select(func.count(ContactRequest.id))) or 0


async def test_team_member_cannot_leave_a_card_at_their_own_booth(db: Database) -> None:
    """The booth's own exhibitor leaving a card there is refused, storing and sending nothing."""
    organiser = await someone(db, Role.ORGANISER)
    team_user = await person(db)
    made = await booth(db, organiser, team=[team_user])
    team = await viewer(db, team_user)
    events = await event_count(db)
    left = visits.leave_card(db, team, made.id, CardInput(message="Me!"))
    assert await outcome(left) == "hall.card_not_possible"
    assert await card_count(db) == 0
    assert await event_count(db) == events


async def test_cards_cannot_be_left_at_drafts_or_without_a_login(db: Database) -> None:
    """A draft looks absent to a card's sender; a stranger is asked to log in; nothing is kept."""
    organiser = await someone(db, Role.ORGANISER)
    draft = await booth(db, organiser, published=False)
    published = await booth(db, organiser)
    participant = await someone(db)
    events = await event_count(db)
    at_draft = visits.leave_card(db, participant, draft.id, CardInput(message="Hi"))
    assert await outcome(at_draft) == "hall.booth_not_found"
    stranger = visits.leave_card(db, anonymous("b"), published.id, CardInput(message="Hi"))
    assert await outcome(stranger) == "account.login_required"
    assert await card_count(db) == 0
    assert await event_count(db) == events


def hidden_sender(country: str) -> dict[str, Any]:
    return {
        "shared": False,
        "display_name": "",
        "country": country,
        "organisation": "",
        "email": "",
    }


async def test_card_sender_is_hidden_from_the_team_unless_shared(db: Database) -> None:
    """Without share_details the team's event and dashboard show the message but not who sent it."""
    organiser = await someone(db, Role.ORGANISER)
    team_user = await person(db)
    made = await booth(db, organiser, team=[team_user])
    sender_user = await person(db, name="Secret Sender")
    sender = await viewer(db, sender_user)
    await visits.leave_card(db, sender, made.id, CardInput(message="Call me maybe"))
    left = (await logged_events(db, team_channel(made.id)))[-1]
    assert left.type == "hall.card.left"
    card = json.loads(left.data)["card"]
    assert card["message"] == "Call me maybe"
    assert card["sender"] == hidden_sender("SN")
    assert "Secret Sender" not in left.data and sender_user.email not in left.data
    board = await dashboard.dashboard(db, await viewer(db, team_user), made.id)
    [shown] = board.cards
    assert shown.sender.model_dump() == hidden_sender("SN")
    assert shown.message == "Call me maybe"


async def test_card_sender_who_shares_details_is_named_to_the_team(db: Database) -> None:
    """With share_details the team's event and dashboard name the sender with e-mail and org."""
    organiser = await someone(db, Role.ORGANISER)
    team_user = await person(db)
    made = await booth(db, organiser, team=[team_user])
    sender_user = await person(db, name="Open Sender")
    await visits.leave_card(
        db, await viewer(db, sender_user), made.id, CardInput(message="Hi", share_details=True)
    )
    left = (await logged_events(db, team_channel(made.id)))[-1]
    shared = {
        "shared": True,
        "display_name": "Open Sender",
        "country": "SN",
        "organisation": "Test org",
        "email": sender_user.email,
    }
    assert json.loads(left.data)["card"]["sender"] == shared
    board = await dashboard.dashboard(db, await viewer(db, team_user), made.id)
    assert [c.sender.model_dump() for c in board.cards] == [shared]


async def test_participant_cannot_read_a_booths_dashboard(db: Database) -> None:
    """Cards and figures are the team's: a participant and a moderator are refused the dashboard."""
    organiser = await someone(db, Role.ORGANISER)
    made = await booth(db, organiser, team=[await person(db)])
    for asking in (await someone(db), await someone(db, Role.MODERATOR)):
        board = dashboard.dashboard(db, asking, made.id)
        assert await outcome(board) == "hall.not_your_booth"
