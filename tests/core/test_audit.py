"""The audit log: one row per audited action of every feature, none for a refused or rolled-back
one, and rows that no UPDATE or DELETE can change, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from discussions.actions import carry_over, handbook, moderation, synthesis
from discussions.actions import people as discussion_people
from discussions.actions import setup as discussions
from discussions.actions import threads as discussion_threads
from discussions.inputs import (
    CarryOver,
    DiscussionCreation,
    Extension,
    FocalPointInput,
    HandbookRequest,
    Moderation,
    Move,
    Muting,
    RoundCreation,
    RoundRef,
    SlowModeInput,
    SynthesisDraft,
    ThemeCreation,
    ThreadLock,
    ThreadPin,
    Unmuting,
)
from discussions.models import Round
from discussions.rules import MuteSpan, RoundState, SlowMode
from fair.core.accounts import actions as accounts
from fair.core.accounts.inputs import RoleChange
from fair.core.accounts.invitations import actions as invitations
from fair.core.accounts.invitations.inputs import Invitations, Invitee
from fair.core.accounts.links import AccountMail
from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import SYSTEM, Viewer
from fair.core.audit import SYSTEM_ROLE, AuditEntry, audited, audited_actions
from fair.core.db import Database, create_engine
from fair.core.errors import Conflict, Forbidden
from fair.core.features import load_features
from fair.core.home import actions as home
from fair.core.home.inputs import Countries, FairDetails, ThemeInput, Themes
from fair.core.mail import actions as mail_actions
from fair.core.mail.models import MailMessage, MailState
from fair.core.mail.outbox import queue_mail
from fair.core.reports import actions as report_actions
from fair.core.reports.inputs import HandlingInput
from fair.core.reports.rules import Handling
from fair.core.settings import load_settings
from fair.core.tables import utcnow
from fair.core.templates import create_templates
from fair.hall.actions import booths, visits
from fair.hall.inputs import (
    BoothDetails,
    ChatPost,
    ChatRemoval,
    ChatRestoring,
    Consortium,
    StateChange,
    TeamInvitation,
)
from fair.hall.models import ChatMessage
from fair.hall.rules import BoothState
from fair.qa import actions as qa
from fair.qa.inputs import (
    Answering,
    AnswerInput,
    Correction,
    Decision,
    Merge,
    PanelCreation,
    PanelEdit,
    PanelStateInput,
    QuestionHiding,
    QuestionRestoring,
    Tagging,
)
from fair.qa.rules import PanelState
from fair.qa.setup import create_panel, edit_panel
from tests.support import discussions as talks
from tests.support import hall
from tests.support.databases import configured_features
from tests.support.factories import person
from tests.support.qa import Member, ask, cast, members
from tests.support.reports import report as report_content
from tests.support.reports import reportables

load_features(configured_features())


async def audit_rows(db: Database) -> list[AuditEntry]:
    async with db.reading() as session:
        return list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


async def audit_ids(db: Database) -> list[int]:
    return [row.id for row in await audit_rows(db)]


@dataclass(frozen=True)
class Staged:
    """An audited action ready to run once: who does it, to what, and the call."""

    actor: Viewer
    target_id: int | str
    run: Callable[[], Awaitable[object]]


Stage = Callable[[Database], Awaitable[Staged]]
STAGES: dict[str, Stage] = {}


def stage(name: str) -> Callable[[Stage], Stage]:
    def register(function: Stage) -> Stage:
        STAGES[name] = function
        return function

    return register


async def _question(db: Database, *, approved: bool = True) -> tuple[Member, Member, int, int]:
    """A live panel's moderator and panelist, and a question there (approved unless told)."""
    made = await cast(db, "Amina", panelist=True)
    question_id = await ask(db, made.participants[0], made.panel_id, "How do remittances help?")
    if approved:
        await qa.decide(db, made.moderator.viewer, Decision(question_id=question_id, approve=True))
    return made.moderator, made.panelist, made.panel_id, question_id


@stage("qa.question.decided")
async def _decide(db: Database) -> Staged:
    moderator, _panelist, _panel, question_id = await _question(db, approved=False)
    form = Decision(question_id=question_id, approve=True)
    return Staged(moderator.viewer, question_id, lambda: qa.decide(db, moderator.viewer, form))


@stage("qa.question.corrected")
async def _correct(db: Database) -> Staged:
    moderator, _panelist, _panel, question_id = await _question(db)
    form = Correction(question_id=question_id, text="How do remittances help, really?")
    return Staged(moderator.viewer, question_id, lambda: qa.correct(db, moderator.viewer, form))


@stage("qa.question.merged")
async def _merge(db: Database) -> Staged:
    moderator, _panelist, panel_id, kept = await _question(db)
    asker = (await members(db, "Bakary"))[0]
    duplicate = await ask(db, asker, panel_id, "Do remittances help at all?")
    form = Merge(question_id=duplicate, into_id=kept)
    return Staged(moderator.viewer, duplicate, lambda: qa.merge(db, moderator.viewer, form))


@stage("qa.question.tagged")
async def _tag(db: Database) -> Staged:
    moderator, _panelist, _panel, question_id = await _question(db)
    form = Tagging(question_id=question_id, tags=["finance"])
    return Staged(moderator.viewer, question_id, lambda: qa.tag(db, moderator.viewer, form))


@stage("qa.question.hidden")
async def _hide(db: Database) -> Staged:
    moderator, _panelist, _panel, question_id = await _question(db)
    form = QuestionHiding(question_id=question_id, reason="Off topic")
    return Staged(moderator.viewer, question_id, lambda: qa.hide(db, moderator.viewer, form))


@stage("qa.question.restored")
async def _restore_question(db: Database) -> Staged:
    moderator, _panelist, _panel, question_id = await _question(db)
    hiding = QuestionHiding(question_id=question_id, reason="Off topic")
    await qa.hide(db, moderator.viewer, hiding)
    form = QuestionRestoring(question_id=question_id, reason="On topic after all")
    return Staged(moderator.viewer, question_id, lambda: qa.restore(db, moderator.viewer, form))


@stage("qa.question.answered")
async def _answer(db: Database) -> Staged:
    _moderator, panelist, _panel, question_id = await _question(db)
    form = AnswerInput(question_id=question_id, text="They pay for school fees.")
    return Staged(panelist.viewer, question_id, lambda: qa.answer(db, panelist.viewer, form))


@stage("qa.panel.answering_set")
async def _set_answering(db: Database) -> Staged:
    _moderator, panelist, panel_id, question_id = await _question(db)
    form = Answering(panel_id=panel_id, question_id=question_id)
    return Staged(panelist.viewer, panel_id, lambda: qa.set_answering(db, panelist.viewer, form))


@stage("qa.panel.state_changed")
async def _change_panel_state(db: Database) -> Staged:
    made = await cast(db, state=PanelState.LIVE)
    form = PanelStateInput(panel_id=made.panel_id, state=PanelState.CLOSED)
    viewer = made.moderator.viewer
    return Staged(viewer, made.panel_id, lambda: qa.change_panel_state(db, viewer, form))


@stage("qa.panel.created")
async def _create_panel(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    starts = utcnow() + timedelta(days=1)
    form = PanelCreation(
        title="Diaspora bonds", slug="bonds", starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    return Staged(organiser, "next", lambda: create_panel(db, organiser, form))


@stage("qa.panel.edited")
async def _edit_panel(db: Database) -> Staged:
    made = await cast(db, state=PanelState.OPEN)
    starts = made.panel.starts_at + timedelta(hours=2)
    form = PanelEdit(
        title="Diaspora bonds, an hour later",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        moderators=[made.moderator.user.email],
    )
    organiser = made.organiser.viewer
    return Staged(organiser, made.panel_id, lambda: edit_panel(db, organiser, made.panel_id, form))


@stage("discussions.theme.created")
async def _create_discussion_theme(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    form = ThemeCreation(name="Building partnership")
    return Staged(organiser, "next", lambda: discussions.create_theme(db, organiser, form))


@stage("discussions.discussion.created")
async def _create_discussion(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    theme = await discussions.create_theme(db, SYSTEM, ThemeCreation(name="Partnership"))
    form = DiscussionCreation(theme_id=theme.id, title="Partnerships that last")
    return Staged(organiser, "next", lambda: discussions.create_discussion(db, organiser, form))


async def _moderated_round(db: Database, state: RoundState) -> tuple[Member, int, int]:
    """A discussion's moderator, the discussion, and a round of it in `state`."""
    (moderator,) = await members(db, Role.PARTICIPANT)
    talk = await talks.discussion(db, [moderator])
    opens_in = timedelta(days=1) if state is RoundState.PLANNED else timedelta(days=-1)
    return moderator, talk, await talks.round_in(db, talk, state, opens_in=opens_in)


@stage("discussions.round.added")
async def _add_round(db: Database) -> Staged:
    moderator, talk, _round = await _moderated_round(db, RoundState.PLANNED)
    starts = utcnow() + timedelta(days=3)
    form = RoundCreation(
        discussion_id=talk,
        question="What next?",
        opens_at=starts,
        closes_at=starts + timedelta(days=7),
    )
    viewer = moderator.viewer
    return Staged(viewer, "next", lambda: discussions.add_round(db, viewer, form))


@stage("discussions.round.opened")
async def _open_round(db: Database) -> Staged:
    moderator, _talk, round_id = await _moderated_round(db, RoundState.PLANNED)
    viewer = moderator.viewer
    return Staged(
        viewer, round_id, lambda: discussions.open_round(db, viewer, RoundRef(round_id=round_id))
    )


@stage("discussions.round.closed")
async def _close_round(db: Database) -> Staged:
    moderator, _talk, round_id = await _moderated_round(db, RoundState.OPEN)
    viewer = moderator.viewer
    return Staged(
        viewer, round_id, lambda: discussions.close_round(db, viewer, RoundRef(round_id=round_id))
    )


@stage("discussions.round.extended")
async def _extend_round(db: Database) -> Staged:
    moderator, _talk, round_id = await _moderated_round(db, RoundState.OPEN)
    form = Extension(round_id=round_id, closes_at=utcnow() + timedelta(days=60))
    viewer = moderator.viewer
    return Staged(viewer, round_id, lambda: discussions.extend_round(db, viewer, form))


async def _moderated_thread(db: Database, **marks: bool) -> tuple[Member, Member, int, int]:
    """A discussion's moderator, a participant, the open round and a thread the participant
    started there (pinned or locked if asked)."""
    moderator, _talk, round_id = await _moderated_round(db, RoundState.OPEN)
    (author,) = await members(db, "Amina")
    thread_id = await talks.post(db, author, round_id, "A thread to moderate")
    if marks.get("pinned"):
        await discussion_threads.pin_thread(db, SYSTEM, ThreadPin(thread_id=thread_id))
    if marks.get("locked"):
        await discussion_threads.lock_thread(db, SYSTEM, ThreadLock(thread_id=thread_id))
    return moderator, author, round_id, thread_id


@stage("discussions.thread.pinned")
async def _pin_thread(db: Database) -> Staged:
    moderator, _author, _round, thread_id = await _moderated_thread(db)
    form, viewer = ThreadPin(thread_id=thread_id), moderator.viewer
    return Staged(viewer, thread_id, lambda: discussion_threads.pin_thread(db, viewer, form))


@stage("discussions.thread.unpinned")
async def _unpin_thread(db: Database) -> Staged:
    moderator, _author, _round, thread_id = await _moderated_thread(db, pinned=True)
    form, viewer = ThreadPin(thread_id=thread_id, pinned=False), moderator.viewer
    return Staged(viewer, thread_id, lambda: discussion_threads.pin_thread(db, viewer, form))


@stage("discussions.thread.locked")
async def _lock_thread(db: Database) -> Staged:
    moderator, _author, _round, thread_id = await _moderated_thread(db)
    form, viewer = ThreadLock(thread_id=thread_id), moderator.viewer
    return Staged(viewer, thread_id, lambda: discussion_threads.lock_thread(db, viewer, form))


@stage("discussions.thread.unlocked")
async def _unlock_thread(db: Database) -> Staged:
    moderator, _author, _round, thread_id = await _moderated_thread(db, locked=True)
    form, viewer = ThreadLock(thread_id=thread_id, locked=False), moderator.viewer
    return Staged(viewer, thread_id, lambda: discussion_threads.lock_thread(db, viewer, form))


@stage("discussions.contribution.moved")
async def _move_contribution(db: Database) -> Staged:
    moderator, author, round_id, thread_id = await _moderated_thread(db)
    reply = await talks.post(db, author, round_id, "A misplaced reply", reply_to=thread_id)
    form, viewer = Move(contribution_id=reply, to_round_id=round_id), moderator.viewer
    return Staged(viewer, reply, lambda: discussion_threads.move_contribution(db, viewer, form))


@stage("discussions.participant.muted")
async def _mute_participant(db: Database) -> Staged:
    moderator, author, round_id, _thread = await _moderated_thread(db)
    talk = await _discussion_of(db, round_id)
    form = Muting(discussion_id=talk, user_id=author.id, span=MuteSpan.DAY, reason="Insults")
    viewer = moderator.viewer
    return Staged(viewer, author.id, lambda: discussion_people.mute_participant(db, viewer, form))


@stage("discussions.participant.unmuted")
async def _unmute_participant(db: Database) -> Staged:
    moderator, author, round_id, _thread = await _moderated_thread(db)
    talk = await _discussion_of(db, round_id)
    muting = Muting(discussion_id=talk, user_id=author.id, span=MuteSpan.HOUR, reason="Calm")
    await discussion_people.mute_participant(db, SYSTEM, muting)
    form, viewer = Unmuting(discussion_id=talk, user_id=author.id), moderator.viewer
    return Staged(viewer, author.id, lambda: discussion_people.unmute_participant(db, viewer, form))


@stage("discussions.focal_point.marked")
async def _mark_focal_point(db: Database) -> Staged:
    moderator, author, round_id, _thread = await _moderated_thread(db)
    form = FocalPointInput(discussion_id=await _discussion_of(db, round_id), user_id=author.id)
    viewer = moderator.viewer
    return Staged(viewer, author.id, lambda: discussion_people.set_focal_point(db, viewer, form))


@stage("discussions.focal_point.unmarked")
async def _unmark_focal_point(db: Database) -> Staged:
    moderator, author, round_id, _thread = await _moderated_thread(db)
    talk = await _discussion_of(db, round_id)
    marking = FocalPointInput(discussion_id=talk, user_id=author.id)
    await discussion_people.set_focal_point(db, SYSTEM, marking)
    form = FocalPointInput(discussion_id=talk, user_id=author.id, focal=False)
    viewer = moderator.viewer
    return Staged(viewer, author.id, lambda: discussion_people.set_focal_point(db, viewer, form))


@stage("discussions.slow_mode.set")
async def _set_slow_mode(db: Database) -> Staged:
    moderator, talk, _round = await _moderated_round(db, RoundState.OPEN)
    form = SlowModeInput(discussion_id=talk, mode=SlowMode.MINUTE_1, reason="Heated")
    viewer = moderator.viewer
    return Staged(viewer, talk, lambda: discussion_people.set_slow_mode(db, viewer, form))


async def _discussion_of(db: Database, round_id: int) -> int:
    async with db.reading() as session:
        found = await session.get(Round, round_id)
    assert found is not None
    return found.discussion_id


async def _closed_round_with_posts(db: Database) -> tuple[Member, int, list[int]]:
    """A discussion's moderator, a closed round of it and two posts made in it."""
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await talks.discussion(db, [moderator])
    round_id = await talks.round_in(db, talk)
    posted = [
        await talks.post(db, amina, round_id, "Joint committees work."),
        await talks.post(db, bako, round_id, "Money alone does not."),
    ]
    await discussions.close_round(db, SYSTEM, RoundRef(round_id=round_id))
    return moderator, round_id, posted


@stage("discussions.synthesis.saved")
async def _save_synthesis(db: Database) -> Staged:
    moderator, round_id, posted = await _closed_round_with_posts(db)
    form = SynthesisDraft(round_id=round_id, body=f"Committees [[{posted[0]}]].")
    viewer = moderator.viewer
    return Staged(viewer, round_id, lambda: synthesis.save_synthesis(db, viewer, form))


@stage("discussions.synthesis.published")
async def _publish_synthesis(db: Database) -> Staged:
    moderator, round_id, posted = await _closed_round_with_posts(db)
    viewer = moderator.viewer
    draft = SynthesisDraft(round_id=round_id, body="Committees.", cited_ids=posted)
    await synthesis.save_synthesis(db, viewer, draft)
    form = RoundRef(round_id=round_id)
    return Staged(viewer, round_id, lambda: synthesis.publish_synthesis(db, viewer, form))


@stage("discussions.questions.carried_over")
async def _carry_over(db: Database) -> Staged:
    _made, questions = await talks.closed_panel_with_questions(db, "Who pays the fees?")
    moderator, _talk, round_id = await _moderated_round(db, RoundState.OPEN)
    form = CarryOver(round_id=round_id, panel_id=_made.panel_id, question_ids=questions)
    viewer = moderator.viewer
    return Staged(viewer, round_id, lambda: carry_over.carry_over(db, viewer, form))


@stage("discussions.handbook.requested")
async def _request_handbook(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    form = HandbookRequest()
    return Staged(organiser, "next", lambda: handbook.request_handbook(db, organiser, form))


async def _organiser_and_booth(db: Database, *, published: bool = True) -> tuple[Viewer, int]:
    organiser = await hall.someone(db, Role.ORGANISER)
    made = await hall.booth(db, organiser, published=published)
    return organiser, made.id


@stage("hall.booth.created")
async def _create_booth(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    form = booths.BoothCreation(title="Remittance corridors", slug="corridors")
    return Staged(organiser, "next", lambda: booths.create_booth(db, organiser, form))


@stage("hall.booth.edited")
async def _edit_booth(db: Database) -> Staged:
    organiser, booth_id = await _organiser_and_booth(db)
    form = BoothDetails(title="Remittance corridors", origin_countries=["SN"])
    return Staged(organiser, booth_id, lambda: booths.edit_booth(db, organiser, booth_id, form))


@stage("hall.booth.consortium_set")
async def _set_consortium(db: Database) -> Staged:
    organiser, booth_id = await _organiser_and_booth(db)
    form = Consortium.model_validate({"members": [{"name": "Dakar Diaspora", "kind": "NGO"}]})
    return Staged(organiser, booth_id, lambda: booths.set_consortium(db, organiser, booth_id, form))


@stage("hall.booth.state_changed")
async def _change_booth_state(db: Database) -> Staged:
    organiser, booth_id = await _organiser_and_booth(db, published=False)
    form = StateChange(state=BoothState.PUBLISHED)
    return Staged(organiser, booth_id, lambda: booths.change_state(db, organiser, booth_id, form))


@stage("hall.team.member_added")
async def _add_team_member(db: Database) -> Staged:
    organiser, booth_id = await _organiser_and_booth(db)
    newcomer: User = await person(db)
    form = TeamInvitation(email=newcomer.email)
    return Staged(
        organiser, booth_id, lambda: booths.add_team_member(db, organiser, booth_id, form)
    )


@stage("hall.team.member_removed")
async def _remove_team_member(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    member = await person(db)
    made = await hall.booth(db, organiser, team=[member])
    return Staged(
        organiser,
        made.id,
        lambda: booths.remove_team_member(db, organiser, made.id, member.id),
    )


@stage("hall.chat.message_removed")
async def _remove_chat_message(db: Database) -> Staged:
    _organiser, booth_id = await _organiser_and_booth(db)
    writer = await hall.someone(db)
    moderator = await hall.someone(db, Role.MODERATOR)
    message = await visits.post_chat_message(
        db, writer, ChatPost(booth_id=booth_id, body='=HYPERLINK("x")')
    )
    form = ChatRemoval(message_id=message.id, reason="Spreadsheet formula")
    return Staged(moderator, message.id, lambda: visits.remove_chat_message(db, moderator, form))


@stage("hall.chat.message_restored")
async def _restore_chat_message(db: Database) -> Staged:
    _organiser, booth_id = await _organiser_and_booth(db)
    writer = await hall.someone(db)
    moderator = await hall.someone(db, Role.MODERATOR)
    message = await visits.post_chat_message(
        db, writer, ChatPost(booth_id=booth_id, body="Hello booth")
    )
    removal = ChatRemoval(message_id=message.id, reason="Looked like spam")
    await visits.remove_chat_message(db, moderator, removal)
    form = ChatRestoring(message_id=message.id, reason="It was not spam")
    return Staged(moderator, message.id, lambda: visits.restore_chat_message(db, moderator, form))


@stage("account.role.changed")
async def _change_role(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    target = await person(db)
    form = RoleChange(role=Role.MODERATOR)
    return Staged(
        organiser, target.id, lambda: accounts.change_role(db, organiser, target.id, form)
    )


@stage("account.banned")
async def _ban(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    target = await person(db)
    return Staged(organiser, target.id, lambda: accounts.ban(db, organiser, target.id))


def _invitation_mail() -> AccountMail:
    """What invitation mail is written with: a secret, the fair's address, the templates."""
    templates = create_templates(load_settings(environ={}), load_features(configured_features()))
    return AccountMail("a test secret of enough length for it", "http://fair.test", templates.env)


async def _invited(db: Database) -> tuple[Viewer, int]:
    organiser = await hall.someone(db, Role.ORGANISER)
    form = Invitations(invitees=[Invitee(email="invited@example.org")], role=Role.PANELIST)
    outcome = await invitations.invite_people(db, organiser, form, _invitation_mail(), days=14)
    return organiser, outcome.invited[0].id


@stage("account.invitation.sent")
async def _invite(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    form = Invitations(invitees=[Invitee(email="new@example.org")], role=Role.EXHIBITOR)

    async def run() -> object:
        outcome = await invitations.invite_people(db, organiser, form, _invitation_mail(), days=14)
        return outcome.invited[0]

    return Staged(organiser, "next", run)


@stage("account.invitation.resent")
async def _resend_invitation(db: Database) -> Staged:
    organiser, invitation_id = await _invited(db)
    mail = _invitation_mail()
    return Staged(
        organiser,
        invitation_id,
        lambda: invitations.resend_invitation(db, organiser, invitation_id, mail, days=7),
    )


@stage("account.invitation.withdrawn")
async def _withdraw_invitation(db: Database) -> Staged:
    organiser, invitation_id = await _invited(db)
    return Staged(
        organiser,
        invitation_id,
        lambda: invitations.withdraw_invitation(db, organiser, invitation_id),
    )


@stage("fair.details.set")
async def _set_fair_details(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    form = FairDetails(
        name="Migration fair",
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 5, 3),
        timezone="Africa/Dakar",
    )
    return Staged(organiser, "fair", lambda: home.set_fair_details(db, organiser, form))


@stage("fair.themes.set")
async def _set_themes(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    form = Themes(themes=[ThemeInput(slug="mobility", name="Mobility")])
    return Staged(organiser, "fair", lambda: home.set_themes(db, organiser, form))


@stage("fair.countries.set")
async def _set_countries(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    form = Countries(countries=["SN", "IT"])
    return Staged(organiser, "fair", lambda: home.set_countries(db, organiser, form))


async def _moderated_post(db: Database, *, hidden: bool = False) -> tuple[Member, int]:
    """A discussion's moderator and a post in its open round (hidden already if told)."""
    moderator, author = await members(db, Role.PARTICIPANT, Role.PARTICIPANT)
    talk = await talks.discussion(db, [moderator])
    round_id = await talks.round_in(db, talk, RoundState.OPEN)
    post_id = await talks.post(db, author, round_id, "Buy cheap transfers at example.com")
    if hidden:
        await moderation.hide_contribution(
            db, SYSTEM, Moderation(contribution_id=post_id, reason="Advertising")
        )
    return moderator, post_id


@stage("discussions.contribution.hidden")
async def _hide_post(db: Database) -> Staged:
    moderator, post_id = await _moderated_post(db)
    form = Moderation(contribution_id=post_id, reason="Advertising")
    viewer = moderator.viewer
    return Staged(viewer, post_id, lambda: moderation.hide_contribution(db, viewer, form))


@stage("discussions.contribution.restored")
async def _restore_post(db: Database) -> Staged:
    moderator, post_id = await _moderated_post(db, hidden=True)
    form = Moderation(contribution_id=post_id, reason="It was a real offer")
    viewer = moderator.viewer
    return Staged(viewer, post_id, lambda: moderation.restore_contribution(db, viewer, form))


@stage("reports.item.dismissed")
async def _dismiss_report(db: Database) -> Staged:
    moderator, post_id = await _moderated_post(db)
    (reporter,) = await members(db, Role.PARTICIPANT)
    item = await report_content(db, reporter, "discussions.post", post_id)
    form = HandlingInput(item_ids=[item.id], action=Handling.DISMISS)
    viewer = moderator.viewer
    return Staged(
        viewer, item.id, lambda: report_actions.handle_items(db, reportables(), viewer, form)
    )


@stage("reports.item.closed")
async def _close_report(db: Database) -> Staged:
    _organiser, booth_id = await _organiser_and_booth(db)
    writer, reporter = await members(db, "Writer", "Reporter")
    moderator = await hall.someone(db, Role.MODERATOR)
    message = await visits.post_chat_message(
        db, writer.viewer, ChatPost(booth_id=booth_id, body="Prizes here")
    )
    item = await report_content(db, reporter, "hall.chat", message.id)
    async with db.transaction() as tx:
        # The message is gone (as if its booth had been deleted): no feature action can run.
        await tx.session.execute(delete(ChatMessage).where(ChatMessage.id == message.id))
    form = HandlingInput(item_ids=[item.id], action=Handling.HIDE, reason="Spam")
    return Staged(
        moderator, item.id, lambda: report_actions.handle_items(db, reportables(), moderator, form)
    )


@stage("mail.message.retried")
async def _retry_mail(db: Database) -> Staged:
    organiser = await hall.someone(db, Role.ORGANISER)
    async with db.transaction() as tx:
        message_id = await queue_mail(tx, to="a@example.org", subject="S", text="T", kind="test")
    assert message_id is not None
    async with db.transaction() as tx:
        await tx.session.execute(
            update(MailMessage)
            .where(MailMessage.id == message_id)
            .values(state=MailState.FAILED.value, attempts=8)
        )
    return Staged(
        organiser, message_id, lambda: mail_actions.retry_message(db, organiser, message_id)
    )


@pytest.fixture
async def sqlite_db(sqlite_url: str) -> AsyncIterator[Database]:
    database = Database(create_engine(sqlite_url))
    yield database
    await database.dispose()


def test_every_audited_action_of_every_feature_has_a_scenario() -> None:
    """The walk below covers exactly the actions the configured features declare as audited."""
    declared = {action.name for action in audited_actions()}
    assert {"qa.question.decided", "hall.chat.message_removed", "account.banned"} <= declared
    assert declared == set(STAGES)


@pytest.mark.parametrize("name", sorted(STAGES))
async def test_an_audited_action_writes_exactly_one_row(sqlite_db: Database, name: str) -> None:
    """Run once through its real action by a real moderator or organiser, the action adds one
    row naming it, its actor and role, its target, and what it changed."""
    staged = await STAGES[name](sqlite_db)
    already = await audit_rows(sqlite_db)
    result = await staged.run()
    rows = (await audit_rows(sqlite_db))[len(already) :]
    assert [row.action for row in rows] == [name]
    [row] = rows
    assert (row.actor_id, row.actor_role) == (staged.actor.user_id, str(staged.actor.role))
    target = getattr(result, "id", None) if staged.target_id == "next" else staged.target_id
    assert row.target_id == str(target)
    declared = {action.name: action for action in audited_actions()}[name]
    assert row.target_type == declared.target_type
    assert row.before != row.after
    for snapshot in (row.before, row.after):
        assert snapshot is None or isinstance(json.loads(snapshot), dict)


async def test_a_refused_action_writes_no_row(db: Database) -> None:
    """A participant trying a moderator's decision, a moderator trying an organiser's
    suspension, and a move the rules refuse leave no row."""
    made = await cast(db, "Amina")
    question_id = await ask(db, made.participants[0], made.panel_id, "What of the diaspora?")
    before = await audit_ids(db)
    with pytest.raises(Forbidden):
        await qa.decide(
            db, made.participants[0].viewer, Decision(question_id=question_id, approve=True)
        )
    with pytest.raises(Forbidden):
        await accounts.ban(db, made.moderator.viewer, made.participants[0].id)
    with pytest.raises(Conflict):
        await qa.change_panel_state(
            db,
            made.moderator.viewer,
            PanelStateInput(panel_id=made.panel_id, state=PanelState.SCHEDULED),
        )
    assert await audit_ids(db) == before


async def test_a_rolled_back_action_writes_no_row(db: Database) -> None:
    """An action whose transaction rolls back after it ran (the unit around it fails) leaves no
    audit row, and the change it made is gone too."""
    made = await cast(db, "Amina")
    question_id = await ask(db, made.participants[0], made.panel_id, "What of the diaspora?")
    before = await audit_ids(db)
    with pytest.raises(RuntimeError):
        async with db.unit():
            await qa.decide(
                db, made.moderator.viewer, Decision(question_id=question_id, approve=True)
            )
            raise RuntimeError("the request failed after the action")
    assert await audit_ids(db) == before
    await qa.decide(db, made.moderator.viewer, Decision(question_id=question_id, approve=True))
    assert [row.action for row in (await audit_rows(db))[len(before) :]] == ["qa.question.decided"]


async def test_the_platform_is_audited_as_the_system(db: Database) -> None:
    """An audited action done by the platform (the demo loader, a job) has no actor id and the
    system's role."""
    await home.set_countries(db, SYSTEM, Countries(countries=["SN"]))
    [row] = await audit_rows(db)
    assert (row.actor_id, row.actor_role, row.action) == (None, SYSTEM_ROLE, "fair.countries.set")
    assert json.loads(row.after or "") == {"countries": ["SN"]}


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"]
)
async def test_the_database_refuses_to_change_or_remove_a_row(db: Database, statement: str) -> None:
    """A trigger refuses UPDATE and DELETE on the audit log, on SQLite and on PostgreSQL."""
    await home.set_countries(db, SYSTEM, Countries(countries=["SN"]))
    before = await audit_rows(db)
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.engine.begin() as connection:
            await connection.execute(text(statement))
    after = await audit_rows(db)
    assert [(r.id, r.action) for r in after] == [(r.id, r.action) for r in before]
    async with db.reading() as session:
        assert await session.scalar(select(func.count(AuditEntry.id))) == 1


def test_an_action_is_declared_once_with_a_dotted_name() -> None:
    """Declaring a name twice, or one without dots, is refused at import."""
    with pytest.raises(ValueError, match="twice"):
        audited("qa.question.decided", "question", "Again.")
    with pytest.raises(ValueError, match="dotted"):
        audited("decided", "question", "No area.")
