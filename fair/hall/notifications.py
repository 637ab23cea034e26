"""What the hall tells people (`Feature.notifiers`): a visitor that the team answered their
card; the team that someone left a card at their booth; an author that their chat message was
removed or brought back, and why."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.channels import channel_user
from fair.core.contract import Delivery, Notice, NoticeKind, Notifier
from fair.core.i18n import N_
from fair.core.notifications.rules import moderation_notices
from fair.hall.models import Booth, TeamMember


async def _slug(session: AsyncSession, booth_id: int) -> str | None:
    return await session.scalar(select(Booth.slug).where(Booth.id == booth_id))


async def _card_answered(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    sender = channel_user(delivery.channel)
    card = delivery.data["card"]
    slug = await _slug(session, card["booth_id"])
    if sender is None or slug is None:
        return []
    return [
        Notice(
            user_id=sender,
            kind="hall.card_answered",
            message=N_("The team of “%(booth)s” answered your card."),
            params={"booth": card["booth_title"]},
            link=f"/booths/{slug}#card",
            actor_id=delivery.actor_id,
        )
    ]


async def _card_left(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    card = delivery.data["card"]
    team = await session.scalars(
        select(TeamMember.user_id).where(TeamMember.booth_id == card["booth_id"])
    )
    return [
        Notice(
            user_id=member,
            kind="hall.card_left",
            message=N_("Someone left a card at “%(booth)s”."),
            params={"booth": card["booth_title"]},
            link=f"/booths/{card['booth_id']}/dashboard#cards",
            actor_id=delivery.actor_id,
        )
        for member in team
    ]


async def _chat_moderated(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    return moderation_notices(
        delivery,
        kind="hall.chat_moderated",
        hidden=N_("A moderator removed your chat message. Reason: %(reason)s"),
        restored=N_("A moderator brought your chat message back. Reason: %(reason)s"),
    )


NOTIFIERS = [
    Notifier("hall.your_chat_message.moderated", "user", _chat_moderated),
    Notifier("hall.card.answered", "user", _card_answered),
    Notifier("hall.card.left", "booth", _card_left, suffix="team"),
]

KINDS = [
    NoticeKind("hall.card_answered", N_("A booth's team answered my card"), urgent=True),
    NoticeKind("hall.card_left", N_("Someone left a card at my booth (its team)"), urgent=True),
    NoticeKind("hall.chat_moderated", N_("My chat message was removed or brought back")),
]
