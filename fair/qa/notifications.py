"""What askers are told of their questions (`Feature.notifiers`): approved, rejected (and
why), merged, hidden or shown again (with the reason), answered (live or in writing after the
panel); and a panel one follows starting in 15 minutes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.channels import channel_user
from fair.core.contract import Delivery, Notice, NoticeKind, Notifier
from fair.core.i18n import N_
from fair.core.notifications import follows
from fair.qa.channels import PLACE
from fair.qa.models import Panel
from fair.qa.rules import RejectReason

REJECTED = {
    RejectReason.OFF_TOPIC: N_("Your question to “%(panel)s” was not taken: it is off topic."),
    RejectReason.DUPLICATE: N_("Your question to “%(panel)s” was not taken: it was asked already."),
    RejectReason.ALREADY_ANSWERED: N_(
        "Your question to “%(panel)s” was not taken: it was answered already."
    ),
    RejectReason.INAPPROPRIATE: N_(
        "Your question to “%(panel)s” was not taken: it breaks the fair's rules."
    ),
    RejectReason.UNCLEAR: N_("Your question to “%(panel)s” was not taken: it was unclear."),
}
MESSAGES = {
    "approved": N_("Your question to “%(panel)s” was approved: it is on the list."),
    "merged": N_("Your question to “%(panel)s” was merged with a similar one."),
    "answered": N_("Your question to “%(panel)s” was answered."),
    "hidden": N_("A moderator hid your question to “%(panel)s”. Reason: %(reason)s"),
    "restored": N_("A moderator showed your question to “%(panel)s” again. Reason: %(reason)s"),
}
"""What the asker is told, by what happened (`YourQuestionChanged.action`); an edit, a tag or
one's own asking tells nothing."""


async def _question_changed(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    asker = channel_user(delivery.channel)
    question = delivery.data["question"]
    action = str(delivery.data.get("action", ""))
    message = MESSAGES.get(action)
    if action == "rejected":
        reason = question["reject_reason"]
        known = reason in {listed.value for listed in RejectReason}
        message = REJECTED[RejectReason(reason) if known else RejectReason.UNCLEAR]
    if asker is None or message is None:
        return []
    slug = await session.scalar(select(Panel.slug).where(Panel.id == question["panel_id"]))
    if slug is None:
        return []
    return [
        Notice(
            user_id=asker,
            kind="qa.question_answered" if action == "answered" else "qa.question_decided",
            message=message,
            params={"panel": question["panel_title"], "reason": question.get("hidden_reason", "")},
            link=f"/panels/{slug}#question-{question['id']}",
            actor_id=delivery.actor_id,
        )
    ]


NOTIFIERS = [Notifier("qa.your_question.changed", "user", _question_changed)]


async def _starting_soon(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    panel = delivery.data["panel"]
    return [
        Notice(
            user_id=user_id,
            kind="qa.panel_starting",
            message=N_("“%(panel)s”, a panel you follow, starts in 15 minutes."),
            params={"panel": panel["title"]},
            link=f"/panels/{panel['slug']}",
        )
        for user_id in await follows.followers(session, PLACE, panel["id"])
    ]


NOTIFIERS += [Notifier("qa.panel.starting_soon", "qa", _starting_soon)]

KINDS = [
    NoticeKind(
        "qa.question_answered", N_("My question was answered"), urgent=True, section="questions"
    ),
    NoticeKind(
        "qa.question_decided",
        N_("My question was approved, not taken, merged, hidden or shown"),
        section="questions",
    ),
    NoticeKind("qa.panel_starting", N_("A panel I follow starts in 15 minutes"), urgent=True),
]
