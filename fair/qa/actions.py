"""Q&A actions: each changes state and records its events in one transaction.

Who hears what is decided here, by which event is recorded: moderators hear everything
(events on `qa:<id>:moderation`); followers of `qa:<id>` hear only published questions;
the asker hears about their own question on `user:<id>`. Each event names its own channels.
Every action of a moderator, a panelist or an organiser here writes one audit row
(`fair.core.audit`); asking, voting and backstage notes do not.
"""

from __future__ import annotations

from sqlalchemy import func, select

from fair.core.access import Purpose, require
from fair.core.accounts.access import account_of
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer, Who
from fair.core.audit import audited
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, Invalid, NotFound
from fair.core.i18n import gettext as _
from fair.core.reports.actions import content_handled
from fair.core.reports.rules import Handling
from fair.core.tables import utcnow
from fair.qa import events, views
from fair.qa.access import PanelAccess, access_panel
from fair.qa.inputs import (
    Answering,
    AnswerInput,
    Ask,
    Correction,
    Decision,
    Merge,
    Note,
    PanelStateInput,
    QuestionHiding,
    QuestionRestoring,
    Tagging,
    VoteInput,
)
from fair.qa.models import BackstageNote, Panel, Question, QuestionEdit, Vote
from fair.qa.rules import (
    Moderation,
    PanelState,
    QuestionState,
    accepts_answers,
    initial_state,
    is_public,
    may_move_panel,
    may_move_question,
    restored_state,
)

QUESTION_DECIDED = audited(
    "qa.question.decided", "question", "A moderator approved or rejected a question."
)
QUESTION_CORRECTED = audited(
    "qa.question.corrected", "question", "A moderator corrected a question's text."
)
QUESTION_MERGED = audited(
    "qa.question.merged", "question", "A moderator merged a duplicate into another question."
)
QUESTION_TAGGED = audited("qa.question.tagged", "question", "A moderator set a question's tags.")
QUESTION_HIDDEN = audited(
    "qa.question.hidden", "question", "A moderator hid a question, with a reason."
)
QUESTION_RESTORED = audited(
    "qa.question.restored", "question", "A moderator restored a hidden question, with a reason."
)
QUESTION_ANSWERED = audited(
    "qa.question.answered", "question", "A panelist answered a question, live or in writing."
)
ANSWERING_SET = audited(
    "qa.panel.answering_set", "panel", "A panelist marked the question being answered now."
)
PANEL_STATE_CHANGED = audited(
    "qa.panel.state_changed", "panel", "A moderator, an organiser or the schedule moved a panel."
)
PANEL_CREATED = audited("qa.panel.created", "panel", "An organiser scheduled a panel.")


async def _question(
    tx: Tx, viewer: Viewer, question_id: int, purpose: Purpose
) -> tuple[Question, PanelAccess, User]:
    """The question, locked for this transaction, its panel (authorised) and its asker."""
    question = await tx.session.scalar(
        select(Question).where(Question.id == question_id).with_for_update()
    )
    if question is None:
        raise NotFound("qa.question_not_found", _("There is no such question."))
    access = await access_panel(tx.session, viewer, question.panel_id, purpose)
    if purpose in {Purpose.REACT, Purpose.SEE} and not is_public(QuestionState(question.state)):
        raise NotFound("qa.question_not_found", _("There is no such question."))
    asker = await tx.session.get(User, question.asker_id)
    assert asker is not None
    return question, access, asker


def _move(question: Question, target: QuestionState) -> None:
    current = QuestionState(question.state)
    if not may_move_question(current, target):
        raise Conflict(
            "qa.bad_transition",
            _("A %(current)s question cannot become %(target)s.")
            % {"current": current.value, "target": target.value},
        )
    question.state = target.value


def _tell_everyone(
    tx: Tx,
    question: Question,
    asker: User,
    access: PanelAccess,
    action: str,
    *,
    was_public: bool,
    edited: bool = False,
) -> None:
    """Record what moderators, the public and the asker each learn of a question's change."""
    tx.record(
        events.QuestionModerated(
            action=action, question=views.moderated_view(question, asker, edited=edited)
        ),
    )
    public_now = is_public(QuestionState(question.state))
    if public_now and not was_public:
        tx.record(events.QuestionPublished(question=views.public_view(question, asker)))
    elif public_now:
        tx.record(events.QuestionChanged(question=views.public_view(question, asker)))
    elif was_public:
        tx.record(
            events.QuestionWithdrawn(
                question_id=question.id,
                merged_into_id=question.merged_into_id,
                panel_id=question.panel_id,
            ),
        )
    tx.record(
        events.YourQuestionChanged(
            question=views.own_view(question, access.panel.title), asker_id=asker.id, action=action
        )
    )


async def _recount(tx: Tx, panel_id: int) -> None:
    """Tell everyone the panel's new record of curation (counts only)."""
    await tx.session.flush()
    record = await views.curation_record(tx.session, panel_id)
    tx.record(events.RecordCounted(panel_id=panel_id, record=record))


async def ask_question(db: Database, viewer: Viewer, form: Ask) -> events.OwnQuestion:
    """A participant asks; under pre-moderation the question waits for a moderator."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        access = await access_panel(tx.session, viewer, form.panel_id, Purpose.CONTRIBUTE)
        asker = await account_of(tx.session, access.person)
        now = utcnow()
        question = Question(
            panel_id=form.panel_id,
            asker_id=asker.id,
            text=form.text,
            anonymous=form.anonymous,
            state=initial_state(Moderation(access.panel.moderation)).value,
            votes=0,
            created_at=now,
            decided_at=None if access.panel.moderation == Moderation.PRE else now,
        )
        tx.session.add(question)
        await tx.session.flush()
        tx.record(events.QuestionAsked(question=views.moderated_view(question, asker)))
        if is_public(QuestionState(question.state)):
            tx.record(events.QuestionPublished(question=views.public_view(question, asker)))
        own = views.own_view(question, access.panel.title)
        tx.record(events.YourQuestionChanged(question=own, asker_id=asker.id, action="asked"))
        await _recount(tx, form.panel_id)
    return own


async def vote(db: Database, viewer: Viewer, form: VoteInput) -> int:
    """Upvote a published question (one vote per account) or take the vote back."""
    require(viewer, Capability.TAKE_PART)
    async with db.transaction(actor_id=viewer.user_id) as tx:
        # The question row is locked: concurrent votes on it are counted one after the other.
        question, _access, _asker = await _question(tx, viewer, form.question_id, Purpose.REACT)
        if question.asker_id == viewer.user_id:
            raise Conflict("qa.own_question", _("You cannot vote for your own question."))
        existing = await tx.session.get(Vote, (question.id, viewer.user_id))
        if form.up == (existing is not None):
            return question.votes
        if form.up:
            tx.session.add(
                Vote(question_id=question.id, user_id=viewer.user_id, created_at=utcnow())
            )
        else:
            await tx.session.delete(existing)
        await tx.session.flush()
        question.votes = (
            await tx.session.scalar(
                select(func.count()).select_from(Vote).where(Vote.question_id == question.id)
            )
            or 0
        )
        tx.record(
            events.VotesCounted(
                question_id=question.id, votes=question.votes, panel_id=question.panel_id
            )
        )
        return question.votes


async def decide(db: Database, viewer: Viewer, form: Decision) -> None:
    """A moderator approves a pending question, or rejects it with a reason."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        question, access, asker = await _question(tx, viewer, form.question_id, Purpose.MODERATE)
        was_public = is_public(QuestionState(question.state))
        before = {"state": question.state}
        _move(question, QuestionState.APPROVED if form.approve else QuestionState.REJECTED)
        question.reject_reason = "" if form.approve else (form.reason.value if form.reason else "")
        question.decided_at = utcnow()
        tx.audit(
            viewer,
            QUESTION_DECIDED,
            question.id,
            before=before,
            after={"state": question.state, "reason": question.reject_reason},
        )
        _tell_everyone(
            tx,
            question,
            asker,
            access,
            "approved" if form.approve else "rejected",
            was_public=was_public,
        )
        await _recount(tx, question.panel_id)


async def correct(db: Database, viewer: Viewer, form: Correction) -> None:
    """A moderator corrects a question's spelling; the edit is kept for the record."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        question, access, asker = await _question(tx, viewer, form.question_id, Purpose.MODERATE)
        if question.text == form.text:
            return
        tx.session.add(
            QuestionEdit(
                question_id=question.id,
                editor_id=access.person.user_id,
                before=question.text,
                after=form.text,
                at=utcnow(),
            )
        )
        tx.audit(
            viewer,
            QUESTION_CORRECTED,
            question.id,
            before={"text": question.text},
            after={"text": form.text},
        )
        question.text = form.text
        was_public = is_public(QuestionState(question.state))
        _tell_everyone(tx, question, asker, access, "edited", was_public=was_public, edited=True)


async def merge(db: Database, viewer: Viewer, form: Merge) -> None:
    """A moderator merges a duplicate into another question: votes combine, askers are told."""
    if form.question_id == form.into_id:
        raise Invalid("qa.merge_self", _("A question cannot be merged into itself."))
    async with db.transaction(actor_id=viewer.user_id) as tx:
        # Lock both rows in id order, as every transaction does, so two merges cannot deadlock.
        first, second = sorted((form.question_id, form.into_id))
        rows = {}
        for question_id in (first, second):
            rows[question_id] = await _question(tx, viewer, question_id, Purpose.MODERATE)
        duplicate, access, dup_asker = rows[form.question_id]
        kept, _kept_access, kept_asker = rows[form.into_id]
        if duplicate.panel_id != kept.panel_id:
            raise Invalid(
                "qa.merge_other_panel", _("Only questions of the same panel can be merged.")
            )
        was_public = is_public(QuestionState(duplicate.state))
        kept_public = is_public(QuestionState(kept.state))
        if not kept_public and (was_public or kept.state != QuestionState.PENDING):
            # A published question may only join another published one: pointing the public at
            # a question still waiting for moderation would reveal it.
            raise Conflict("qa.bad_transition", _("Merge into a published question."))
        before = {"state": duplicate.state}
        _move(duplicate, QuestionState.MERGED)
        duplicate.merged_into_id = kept.id
        tx.audit(
            viewer,
            QUESTION_MERGED,
            duplicate.id,
            before=before,
            after={"state": duplicate.state, "merged_into_id": kept.id},
        )
        if access.panel.answering_id == duplicate.id:
            access.panel.answering_id = None
            tx.record(events.NowAnswering(panel_id=duplicate.panel_id, question_id=None))
        voters = set(
            await tx.session.scalars(select(Vote.user_id).where(Vote.question_id == duplicate.id))
        )
        voters |= set(
            await tx.session.scalars(select(Vote.user_id).where(Vote.question_id == kept.id))
        )
        voters.add(dup_asker.id)
        voters.discard(kept.asker_id)
        already = set(
            await tx.session.scalars(select(Vote.user_id).where(Vote.question_id == kept.id))
        )
        now = utcnow()
        for user_id in voters - already:
            tx.session.add(Vote(question_id=kept.id, user_id=user_id, created_at=now))
        await tx.session.flush()
        kept.votes = (
            await tx.session.scalar(
                select(func.count()).select_from(Vote).where(Vote.question_id == kept.id)
            )
            or 0
        )
        _tell_everyone(tx, duplicate, dup_asker, access, "merged", was_public=was_public)
        _tell_everyone(tx, kept, kept_asker, access, "merged-into", was_public=kept_public)
        await _recount(tx, kept.panel_id)


async def tag(db: Database, viewer: Viewer, form: Tagging) -> None:
    async with db.transaction(actor_id=viewer.user_id) as tx:
        question, access, asker = await _question(tx, viewer, form.question_id, Purpose.MODERATE)
        tx.audit(
            viewer,
            QUESTION_TAGGED,
            question.id,
            before={"tags": question.tags},
            after={"tags": ",".join(form.tags)},
        )
        question.tags = ",".join(form.tags)
        was_public = is_public(QuestionState(question.state))
        _tell_everyone(tx, question, asker, access, "tagged", was_public=was_public)


REPORTED_AS = ("qa.question", "qa")
"""Questions' reportable kind and place (`fair.qa.reports`): hiding or restoring a question,
from the review queue or the panel's moderation page, closes its queue item."""


async def hide(db: Database, viewer: Viewer, form: QuestionHiding) -> None:
    """A moderator hides a published or answered question with a reason (post-moderation, or
    one that went wrong): it goes from the panel, its asker is told why, and its report in the
    review queue, if any, is handled. The state it had is kept, for a restore."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        question, access, asker = await _question(tx, viewer, form.question_id, Purpose.MODERATE)
        was_public = is_public(QuestionState(question.state))
        before = {"state": question.state}
        hidden_from = question.state
        _move(question, QuestionState.HIDDEN)
        question.hidden_from, question.hidden_reason = hidden_from, form.reason
        tx.audit(
            viewer,
            QUESTION_HIDDEN,
            question.id,
            before=before,
            after={"state": "hidden", "reason": form.reason},
        )
        if access.panel.answering_id == question.id:
            access.panel.answering_id = None
            tx.record(events.NowAnswering(panel_id=question.panel_id, question_id=None))
        _tell_everyone(tx, question, asker, access, "hidden", was_public=was_public)
        await _recount(tx, question.panel_id)
        kind, place = REPORTED_AS
        await content_handled(
            tx, kind, question.id, Handling.HIDE, form.reason, viewer, place=place
        )


async def restore(db: Database, viewer: Viewer, form: QuestionRestoring) -> None:
    """A moderator restores a hidden question with a reason. It goes back to the state it was
    hidden from (`rules.restored_state`: published, or answered with its answer), so the
    panel's followers see it again as they did; its asker is told why, and its report in the
    review queue, if any, is handled."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        question, access, asker = await _question(tx, viewer, form.question_id, Purpose.MODERATE)
        if question.state != QuestionState.HIDDEN.value:
            raise Conflict("qa.not_hidden", _("This question is not hidden."))
        before = {"state": question.state, "reason": question.hidden_reason}
        _move(question, restored_state(question.hidden_from))
        question.hidden_from, question.hidden_reason = "", form.reason
        tx.audit(
            viewer,
            QUESTION_RESTORED,
            question.id,
            before=before,
            after={"state": question.state, "reason": form.reason},
        )
        _tell_everyone(tx, question, asker, access, "restored", was_public=False)
        await _recount(tx, question.panel_id)
        kind, place = REPORTED_AS
        await content_handled(
            tx, kind, question.id, Handling.RESTORE, form.reason, viewer, place=place
        )


async def set_answering(db: Database, viewer: Viewer, form: Answering) -> None:
    """A panelist marks the question being answered now; every screen highlights it."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        access = await access_panel(tx.session, viewer, form.panel_id, Purpose.ANSWER, lock=True)
        if form.question_id is not None:
            question = await tx.session.get(Question, form.question_id)
            if (
                question is None
                or question.panel_id != form.panel_id
                or not is_public(QuestionState(question.state))
            ):
                raise NotFound("qa.question_not_found", _("There is no such question."))
            if access.state != PanelState.LIVE:
                raise Conflict(
                    "qa.not_live", _("Questions are taken live only while the panel is live.")
                )
        if access.panel.answering_id == form.question_id:
            return
        tx.audit(
            viewer,
            ANSWERING_SET,
            form.panel_id,
            before={"answering_id": access.panel.answering_id},
            after={"answering_id": form.question_id},
        )
        access.panel.answering_id = form.question_id
        tx.record(events.NowAnswering(panel_id=form.panel_id, question_id=form.question_id))


async def answer(db: Database, viewer: Viewer, form: AnswerInput) -> None:
    """A panelist marks a question answered (live) and/or writes its answer, also after the slot."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        question, access, asker = await _question(tx, viewer, form.question_id, Purpose.ANSWER)
        if not accepts_answers(access.state):
            raise Conflict("qa.not_answering", _("Answers are given once the panel is live."))
        if not form.text and not form.live:
            raise Invalid(
                "input.invalid",
                _("Write an answer, or mark it answered live."),
                fields={"text": _("Required unless answered live.")},
            ).about(AnswerInput)
        state = QuestionState(question.state)
        before = {"state": question.state, "answer": question.answer}
        if state == QuestionState.APPROVED:
            _move(question, QuestionState.ANSWERED)
        elif state != QuestionState.ANSWERED:
            raise Conflict("qa.bad_transition", _("Only published questions are answered."))
        question.answered_live = question.answered_live or form.live
        if form.text:
            question.answer = form.text
        question.answered_by, question.answered_at = viewer.user_id, utcnow()
        tx.audit(
            viewer,
            QUESTION_ANSWERED,
            question.id,
            before=before,
            after={"state": question.state, "answer": question.answer, "live": form.live},
        )
        if access.panel.answering_id == question.id:
            access.panel.answering_id = None
            tx.record(events.NowAnswering(panel_id=question.panel_id, question_id=None))
        tx.record(events.QuestionAnswered(question=views.public_view(question, asker)))
        tx.record(
            events.QuestionModerated(
                action="answered", question=views.moderated_view(question, asker)
            ),
        )
        tx.record(
            events.YourQuestionChanged(
                question=views.own_view(question, access.panel.title),
                asker_id=asker.id,
                action="answered",
            )
        )
        await _recount(tx, question.panel_id)


async def change_panel_state(db: Database, viewer: Who, form: PanelStateInput) -> Panel:
    """A moderator (or organiser) opens the panel for questions, takes it live, closes it...
    or the schedule does, as the system, when the panel's times come."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        access = await access_panel(tx.session, viewer, form.panel_id, Purpose.MODERATE, lock=True)
        current = access.state
        if current == form.state:
            return access.panel
        if not may_move_panel(current, form.state):
            raise Conflict(
                "qa.bad_transition",
                _("A %(current)s panel cannot become %(target)s.")
                % {"current": current.value, "target": form.state.value},
            )
        tx.audit(
            viewer,
            PANEL_STATE_CHANGED,
            form.panel_id,
            before={"state": current.value},
            after={"state": form.state.value},
        )
        access.panel.state = form.state.value
        if form.state != PanelState.LIVE and access.panel.answering_id is not None:
            access.panel.answering_id = None
            tx.record(events.NowAnswering(panel_id=form.panel_id, question_id=None))
        tx.record(events.PanelStateChanged(panel=views.panel_view(access.panel)))
    return access.panel


async def leave_note(db: Database, viewer: Viewer, form: Note) -> events.NoteView:
    """A moderator or panelist leaves a short note backstage ("two more questions")."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        access = await access_panel(tx.session, viewer, form.panel_id, Purpose.BACKSTAGE)
        author = await account_of(tx.session, access.person)
        note = BackstageNote(
            panel_id=form.panel_id, author_id=author.id, text=form.text, at=utcnow()
        )
        tx.session.add(note)
        await tx.session.flush()
        view = events.NoteView(
            id=note.id, author_name=author.display_name, text=note.text, at=note.at
        )
        tx.record(events.BackstageNoted(note=view, panel_id=form.panel_id))
    return view
