"""What the discussions tell people (`Feature.notifiers`): a reply to one's thread or a stance
on one's post, one's post hidden (with the reason) or restored, cited in a synthesis, and
one's Q&A question carried into a round; a round opening or closing in a discussion one
follows."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions.actions.moderation import post_link
from discussions.channels import PLACE
from discussions.models import Contribution, Discussion, Round, Stance
from fair.core.accounts.channels import channel_user
from fair.core.contract import Delivery, Notice, NoticeKind, Notifier
from fair.core.i18n import N_
from fair.core.notifications import follows
from fair.core.notifications.rules import moderation_notices


async def _post_of(session: AsyncSession, contribution_id: int) -> tuple[int, str, str] | None:
    """A post's author, and its discussion's slug and title."""
    row = (
        await session.execute(
            select(Contribution.author_id, Discussion.slug, Discussion.title)
            .join(Round, Round.id == Contribution.round_id)
            .join(Discussion, Discussion.id == Round.discussion_id)
            .where(Contribution.id == contribution_id)
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2])


async def _replied(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    post = delivery.data["contribution"]
    if post["thread_id"] is None:
        return []
    thread = await _post_of(session, post["thread_id"])
    if thread is None:
        return []
    author_id, slug, title = thread
    return [
        Notice(
            user_id=author_id,
            kind="discussions.reply",
            message=N_("%(name)s replied to your post in “%(discussion)s”."),
            params={"name": post["author_name"], "discussion": title},
            link=post_link(slug, post["id"]),
            actor_id=delivery.actor_id,
        )
    ]


async def _stance(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    contribution_id = delivery.data["contribution_id"]
    post = await _post_of(session, contribution_id)
    taken = await session.get(Stance, (contribution_id, delivery.actor_id or 0))
    if post is None or taken is None:
        return []  # a stance taken back (or its taker gone): nothing to tell
    author_id, slug, title = post
    return [
        Notice(
            user_id=author_id,
            kind="discussions.stance",
            message=N_("Someone took a stance on your post in “%(discussion)s”."),
            params={"discussion": title},
            link=post_link(slug, contribution_id),
            actor_id=delivery.actor_id,
        )
    ]


async def _moderated(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    return moderation_notices(
        delivery,
        kind="discussions.post_moderated",
        hidden=N_("A moderator hid your post. Reason: %(reason)s"),
        restored=N_("A moderator restored your post. Reason: %(reason)s"),
    )


async def _cited(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    author = channel_user(delivery.channel)
    notice = delivery.data["notice"]
    if author is None:
        return []
    return [
        Notice(
            user_id=author,
            kind="discussions.post_cited",
            message=N_("The synthesis of round %(round)s of “%(discussion)s” cites your post."),
            params={
                "round": str(notice["round_position"]),
                "discussion": notice["discussion_title"],
            },
            link=post_link(notice["discussion_slug"], notice["contribution_id"]),
            actor_id=delivery.actor_id,
        )
    ]


async def _carried(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    asker = channel_user(delivery.channel)
    notice = delivery.data["notice"]
    if asker is None:
        return []
    return [
        Notice(
            user_id=asker,
            kind="discussions.question_carried",
            message=N_("Your question to “%(panel)s” was carried into “%(discussion)s”."),
            params={"panel": notice["panel_title"], "discussion": notice["discussion_title"]},
            link=post_link(notice["discussion_slug"], notice["contribution_id"]),
            actor_id=delivery.actor_id,
        )
    ]


NOTIFIERS = [
    Notifier("discussions.contribution.posted", "discussion", _replied),
    Notifier("discussions.stances.counted", "discussion", _stance),
    Notifier("discussions.your_contribution.moderated", "user", _moderated),
    Notifier("discussions.contribution.cited", "user", _cited),
    Notifier("discussions.question.carried_over", "user", _carried),
]


async def _round_changed(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    """A round opened or closed: everyone following its discussion hears of it."""
    round_ = delivery.data["round"]
    discussion = await session.get(Discussion, round_["discussion_id"])
    if discussion is None:
        return []
    opened = delivery.type == "discussions.round.opened"
    return [
        Notice(
            user_id=user_id,
            kind="discussions.round_changed",
            message=N_("Round %(round)s of “%(discussion)s” is open: %(question)s")
            if opened
            else N_("Round %(round)s of “%(discussion)s” has closed."),
            params={
                "round": str(round_["position"]),
                "discussion": discussion.title,
                "question": round_["question"],
            },
            link=f"/discussions/{discussion.slug}#round-{round_['position']}",
            actor_id=delivery.actor_id,
        )
        for user_id in await follows.followers(session, PLACE, discussion.id)
    ]


async def _synthesised(session: AsyncSession, delivery: Delivery) -> Sequence[Notice]:
    """A round's synthesis was published: everyone following its discussion hears of it."""
    round_ = delivery.data["round"]
    discussion = await session.get(Discussion, round_["discussion_id"])
    if discussion is None:
        return []
    return [
        Notice(
            user_id=user_id,
            kind="discussions.synthesis_published",
            message=N_("The synthesis of round %(round)s of “%(discussion)s” is out."),
            params={"round": str(round_["position"]), "discussion": discussion.title},
            link=f"/discussions/{discussion.slug}#round-{round_['position']}",
            actor_id=delivery.actor_id,
        )
        for user_id in await follows.followers(session, PLACE, discussion.id)
    ]


NOTIFIERS += [
    Notifier("discussions.synthesis.published", "discussion", _synthesised),
    Notifier("discussions.round.opened", "discussion", _round_changed),
    Notifier("discussions.round.closed", "discussion", _round_changed),
]

KINDS = [
    NoticeKind("discussions.reply", N_("A reply to my post"), section="replies"),
    NoticeKind("discussions.stance", N_("A stance on my post"), section="replies"),
    NoticeKind("discussions.post_moderated", N_("My post was hidden or restored")),
    NoticeKind("discussions.post_cited", N_("A synthesis cites my post"), section="syntheses"),
    NoticeKind(
        "discussions.question_carried",
        N_("My question was carried into a discussion"),
        section="questions",
    ),
    NoticeKind(
        "discussions.round_changed",
        N_("A round opens or closes in a discussion I follow"),
        section="rounds",
    ),
    NoticeKind(
        "discussions.synthesis_published",
        N_("A synthesis is out in a discussion I follow"),
        section="syntheses",
    ),
]
