"""Reading the discussions: the index of themes, a discussion's page with its rounds and threads."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from discussions import rules, syntheses, views
from discussions.access import access_discussion
from discussions.channels import INDEX, discussion_channel
from discussions.events import ContributionView, RoundView, StanceCounts
from discussions.models import Contribution, Discussion, DiscussionModerator, Round, Stance, Theme
from discussions.rules import RoundState
from fair.core import log
from fair.core.access import Purpose
from fair.core.accounts.models import User
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.errors import NotFound
from fair.core.i18n import gettext as _


@dataclass(frozen=True)
class DiscussionItem:
    slug: str
    title: str
    rounds: int
    open_round: RoundView | None


@dataclass(frozen=True)
class ThemeItem:
    slug: str
    name: str
    introduction: str
    discussions: list[DiscussionItem]


@dataclass(frozen=True)
class Index:
    themes: list[ThemeItem]
    head: int


async def index(db: Database) -> Index:
    """Every theme with its discussions, and the open round of each (if any)."""
    async with db.reading() as session:
        head = (await log.heads(session, [INDEX]))[INDEX]
        themes = list(await session.scalars(select(Theme).order_by(Theme.id)))
        discussions = list(await session.scalars(select(Discussion).order_by(Discussion.id)))
        rounds = list(await session.scalars(select(Round).order_by(Round.position)))
    by_discussion: dict[int, list[Round]] = defaultdict(list)
    for round_ in rounds:
        by_discussion[round_.discussion_id].append(round_)
    by_theme: dict[int, list[DiscussionItem]] = defaultdict(list)
    for d in discussions:
        own = by_discussion[d.id]
        opened = next((r for r in own if r.state == RoundState.OPEN.value), None)
        by_theme[d.theme_id].append(
            DiscussionItem(d.slug, d.title, len(own), views.round_view(opened) if opened else None)
        )
    return Index([ThemeItem(t.slug, t.name, t.introduction, by_theme[t.id]) for t in themes], head)


@dataclass
class Thread:
    root: ContributionView
    stances: StanceCounts
    replies: list[tuple[ContributionView, StanceCounts]] = field(default_factory=list)


@dataclass(frozen=True)
class RoundSection:
    round: RoundView
    threads: list[Thread]

    @property
    def posts(self) -> int:
        return sum(1 + len(thread.replies) for thread in self.threads)


@dataclass(frozen=True)
class DiscussionPage:
    id: int
    slug: str
    title: str
    introduction: str
    theme_name: str
    theme_slug: str
    moderators: list[str]
    current: RoundSection | None
    earlier: list[RoundSection]
    later: list[RoundSection]
    my_stances: dict[int, str]
    may_post: bool
    may_moderate: bool
    head: int
    extras: syntheses.RoundExtras = field(default_factory=syntheses.RoundExtras)
    """Syntheses, the posts they cite, the panels whose questions may seed a round."""


async def discussion_id_for(db: Database, slug: str) -> int:
    async with db.reading() as session:
        found = await session.scalar(select(Discussion.id).where(Discussion.slug == slug))
    if found is None:
        raise NotFound("discussions.not_found", _("There is no such discussion."))
    return found


async def discussion_page(db: Database, viewer: Viewer, discussion_id: int) -> DiscussionPage:
    """What a discussion's page shows to `viewer`, and the head of `discussion:<id>` it was
    read at: the current round first, then earlier ones, then those still planned."""
    channel = discussion_channel(discussion_id)
    async with db.reading() as session:
        head = (await log.heads(session, [channel]))[channel]
        access = await access_discussion(session, viewer, discussion_id, Purpose.SEE)
        discussion = access.discussion
        theme = await session.get(Theme, discussion.theme_id)
        assert theme is not None
        moderators = list(
            await session.scalars(
                select(User.display_name)
                .join(DiscussionModerator, DiscussionModerator.user_id == User.id)
                .where(DiscussionModerator.discussion_id == discussion_id)
                .order_by(User.display_name)
            )
        )
        rounds = list(
            await session.scalars(
                select(Round).where(Round.discussion_id == discussion_id).order_by(Round.position)
            )
        )
        round_ids = [r.id for r in rounds]
        posts = (
            await session.execute(
                select(Contribution, User.display_name)
                .join(User, User.id == Contribution.author_id)
                .where(Contribution.round_id.in_(round_ids), Contribution.hidden.is_(False))
                .order_by(Contribution.id)
            )
        ).all()
        post_ids = [c.id for c, _name in posts]
        stance_rows = (
            await session.execute(
                select(Stance.contribution_id, Stance.stance, func.count())
                .where(Stance.contribution_id.in_(post_ids))
                .group_by(Stance.contribution_id, Stance.stance)
            )
        ).all()
        mine: dict[int, str] = {}
        if viewer.user_id is not None:
            mine = {
                cid: stance
                for cid, stance in (
                    await session.execute(
                        select(Stance.contribution_id, Stance.stance).where(
                            Stance.contribution_id.in_(post_ids), Stance.user_id == viewer.user_id
                        )
                    )
                ).all()
            }
        may_moderate = rules.may_moderate(viewer, access.moderator)
        extras = await syntheses.round_extras(session, rounds, may_moderate)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for cid, stance, n in stance_rows:
        counts[cid][stance] = n

    def stances(cid: int) -> StanceCounts:
        c = counts.get(cid, {})
        return StanceCounts(
            agree=c.get("agree", 0), nuance=c.get("nuance", 0), disagree=c.get("disagree", 0)
        )

    reply_totals: dict[int, int] = defaultdict(int)
    for c, _name in posts:
        if c.thread_id is not None:
            reply_totals[c.thread_id] += 1
    threads: dict[int, Thread] = {}
    per_round: dict[int, list[Thread]] = defaultdict(list)
    for c, name in posts:
        if c.thread_id is None:
            view = views.contribution_view(c, discussion_id, name, reply_totals[c.id])
            threads[c.id] = Thread(view, stances(c.id))
            per_round[c.round_id].append(threads[c.id])
    for c, name in posts:
        if c.thread_id is not None and c.thread_id in threads:
            view = views.contribution_view(c, discussion_id, name, 0)
            threads[c.thread_id].replies.append((view, stances(c.id)))
    sections = [RoundSection(views.round_view(r), per_round[r.id]) for r in rounds]
    current = rules.current_round([RoundState(r.state) for r in rounds])
    return DiscussionPage(
        id=discussion.id,
        slug=discussion.slug,
        title=discussion.title,
        introduction=discussion.introduction,
        theme_name=theme.name,
        theme_slug=theme.slug,
        moderators=moderators,
        current=None if current is None else sections[current],
        earlier=[] if current is None else sections[:current][::-1],
        later=[] if current is None else sections[current + 1 :],
        my_stances=mine,
        may_post=rules.may_post(viewer),
        may_moderate=may_moderate,
        head=head,
        extras=extras,
    )
