"""Reading the discussions: the index of themes, a discussion's page with its rounds and threads."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from discussions import rules, syntheses, views
from discussions.access import access_discussion
from discussions.channels import INDEX, discussion_channel, moderation_channel
from discussions.events import (
    ContributionView,
    QuoteView,
    ReactionCounts,
    RoundView,
    SlowModeView,
    StanceCounts,
)
from discussions.models import (
    Contribution,
    Discussion,
    DiscussionModerator,
    DiscussionPerson,
    Reaction,
    Reference,
    Round,
    Stance,
    Theme,
)
from discussions.rules import SLOW_MODE_SECONDS, RoundState, SlowMode
from fair.core import log
from fair.core.access import Purpose
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability, Role, can
from fair.core.accounts.viewers import Viewer
from fair.core.contract import Citation
from fair.core.db import Database
from fair.core.errors import NotFound
from fair.core.i18n import gettext as _
from fair.core.tables import utcnow


@dataclass(frozen=True)
class DiscussionItem:
    slug: str
    title: str
    rounds: int
    open_round: RoundView | None


@dataclass(frozen=True)
class ThemeItem:
    id: int
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
    return Index(
        [ThemeItem(t.id, t.slug, t.name, t.introduction, by_theme[t.id]) for t in themes], head
    )


@dataclass
class Thread:
    root: ContributionView
    stances: StanceCounts
    replies: list[tuple[ContributionView, StanceCounts]] = field(default_factory=list)
    pinned: bool = False
    """Listed first in its round, marked."""
    locked: bool = False
    """No new replies but from moderators."""


def pinned_first(threads: list[Thread]) -> list[Thread]:
    """Pinned threads first, each group in the order posted."""
    return sorted(threads, key=lambda thread: not thread.pinned)


@dataclass(frozen=True)
class RoundSection:
    round: RoundView
    threads: list[Thread]

    @property
    def posts(self) -> int:
        return sum(1 + len(thread.replies) for thread in self.threads)

    def _offline(self) -> list[ContributionView]:
        every = [view for t in self.threads for view in [t.root, *(r for r, _s in t.replies)]]
        return [view for view in every if view.group_size is not None]

    @property
    def offline_posts(self) -> int:
        """Posts made by focal points on behalf of groups met offline."""
        return len(self._offline())

    @property
    def offline_people(self) -> int:
        """How many people those offline groups gathered."""
        return sum(view.group_size or 0 for view in self._offline())


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
    moderation_head: int | None = None
    """For its moderators, the head of `discussion:<id>:moderation` the page was read at."""
    reactions: dict[int, ReactionCounts] = field(default_factory=dict)
    """Each shown post's reaction counts (a post with none is absent)."""
    my_reactions: dict[int, frozenset[str]] = field(default_factory=dict)
    """The kinds of reaction the viewer gave, by post: shown pressed."""
    mine: frozenset[int] = frozenset()
    """The viewer's own posts (no reacting to those)."""

    def reactions_of(self, contribution_id: int) -> ReactionCounts:
        return self.reactions.get(contribution_id) or views.reactions_from({})

    hidden_posts: dict[int, str] = field(default_factory=dict)
    """Hidden posts shown on this page (to its moderators, and each to its author), with why."""
    own_posts: set[int] = field(default_factory=set)
    """The viewer's own posts on the page (nobody reports their own)."""
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
    moderation = moderation_channel(discussion_id)
    async with db.reading() as session:
        heads = await log.heads(session, [channel, moderation])
        head = heads[channel]
        access = await access_discussion(session, viewer, discussion_id, Purpose.SEE)
        moderating = rules.may_moderate(viewer, access.moderator)
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
                .where(Contribution.round_id.in_(round_ids), _visible(viewer, moderating))
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
        quotes = await views.quotes_of(session, post_ids)
        references = await views.references_of(session, post_ids)
        reaction_rows = (
            await session.execute(
                select(Reaction.contribution_id, Reaction.kind, func.count())
                .where(Reaction.contribution_id.in_(post_ids))
                .group_by(Reaction.contribution_id, Reaction.kind)
            )
        ).all()
        my_reactions: dict[int, set[str]] = defaultdict(set)
        if viewer.user_id is not None:
            for cid, kind in (
                await session.execute(
                    select(Reaction.contribution_id, Reaction.kind).where(
                        Reaction.contribution_id.in_(post_ids), Reaction.user_id == viewer.user_id
                    )
                )
            ).all():
                my_reactions[cid].add(kind)
        extras = await syntheses.round_extras(session, rounds, moderating)
    reaction_counts: dict[int, dict[str, int]] = defaultdict(dict)
    for cid, kind, n in reaction_rows:
        reaction_counts[cid][kind] = n
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
            view = views.contribution_view(
                c,
                discussion_id,
                name,
                reply_totals[c.id],
                quote=quotes.get(c.id),
                references=references.get(c.id, ()),
            )
            threads[c.id] = Thread(view, stances(c.id), pinned=c.pinned, locked=c.locked)
            per_round[c.round_id].append(threads[c.id])
    for c, name in posts:
        if c.thread_id is not None and c.thread_id in threads:
            view = views.contribution_view(
                c,
                discussion_id,
                name,
                0,
                quote=quotes.get(c.id),
                references=references.get(c.id, ()),
            )
            threads[c.thread_id].replies.append((view, stances(c.id)))
    sections = [RoundSection(views.round_view(r), pinned_first(per_round[r.id])) for r in rounds]
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
        may_moderate=moderating,
        extras=extras,
        head=head,
        moderation_head=heads[moderation] if moderating else None,
        reactions={cid: views.reactions_from(c) for cid, c in reaction_counts.items()},
        my_reactions={cid: frozenset(kinds) for cid, kinds in my_reactions.items()},
        mine=frozenset(
            c.id
            for c, _name in posts
            if viewer.user_id is not None and c.author_id == viewer.user_id
        ),
        hidden_posts={c.id: c.hidden_reason for c, _name in posts if c.hidden},
        own_posts={c.id for c, _name in posts if c.author_id == viewer.user_id},
    )


async def quotable(db: Database, discussion_id: int, contribution_id: int) -> QuoteView | None:
    """The post `contribution_id` as a new post of the discussion would quote it (for the
    form's preview), if it is a shown post of this discussion."""
    async with db.reading() as session:
        row = (
            await session.execute(
                select(Contribution, User.display_name)
                .join(Round, Round.id == Contribution.round_id)
                .join(User, User.id == Contribution.author_id)
                .where(
                    Contribution.id == contribution_id,
                    Round.discussion_id == discussion_id,
                    Contribution.hidden.is_(False),
                )
            )
        ).first()
    return None if row is None else views.quote_view(row[0], row[1])


async def citing_discussions(session: AsyncSession, kind: str, target_id: int) -> list[Citation]:
    """The discussions with a shown post that references this booth or panel (`kind`
    "booth" or "panel"), newest citation first: the "Discussed in" list of its page."""
    rows = await session.execute(
        select(Discussion.slug, Discussion.title, func.max(Contribution.id))
        .join(Round, Round.discussion_id == Discussion.id)
        .join(Contribution, Contribution.round_id == Round.id)
        .join(Reference, Reference.contribution_id == Contribution.id)
        .where(
            Reference.kind == kind,
            Reference.target_id == target_id,
            Contribution.hidden.is_(False),
        )
        .group_by(Discussion.id, Discussion.slug, Discussion.title)
        .order_by(func.max(Contribution.id).desc())
    )
    return [
        Citation(title, f"/discussions/{slug}#post-{latest}") for slug, title, latest in rows.all()
    ]


def _visible(viewer: Viewer, moderating: bool) -> ColumnElement[bool]:
    """Posts the viewer sees: all of them for its moderators; else those not hidden, and the
    viewer's own hidden ones (marked, with the reason)."""
    if moderating:
        return true()
    if viewer.user_id is None:
        return Contribution.hidden.is_(False)
    return or_(Contribution.hidden.is_(False), Contribution.author_id == viewer.user_id)


@dataclass(frozen=True)
class OfflineGroups:
    """A round's visible posts, how many of them focal points made on behalf of groups met
    offline, and how many people those groups gathered."""

    posts: int
    offline_posts: int
    people: int


async def offline_groups(session: AsyncSession, round_id: int) -> OfflineGroups:
    """The counts of round `round_id` that a synthesis or the handbook cites ("12 posts, 2 from
    offline groups representing 85 people"); hidden posts are not counted."""
    row = (
        await session.execute(
            select(
                func.count(),
                func.count(Contribution.group_size),
                func.coalesce(func.sum(Contribution.group_size), 0),
            ).where(Contribution.round_id == round_id, Contribution.hidden.is_(False))
        )
    ).one()
    return OfflineGroups(posts=row[0], offline_posts=row[1], people=row[2] or 0)


@dataclass(frozen=True)
class Standing:
    """A person's standing in a discussion, as they (and its moderators) see it."""

    focal_point: bool
    muted: bool
    """Muted now (a mute whose time is over is not)."""
    muted_until: datetime | None
    mute_reason: str


NO_STANDING = Standing(focal_point=False, muted=False, muted_until=None, mute_reason="")


def _standing(row: DiscussionPerson | None, now: datetime) -> Standing:
    if row is None:
        return NO_STANDING
    muted = rules.is_muted(row.muted, row.muted_until, now)
    return Standing(
        focal_point=row.focal_point,
        muted=muted,
        muted_until=row.muted_until if muted else None,
        mute_reason=row.mute_reason if muted else "",
    )


@dataclass(frozen=True)
class PersonItem:
    """Someone on a moderator's people panel: who posted, is a focal point, or is muted."""

    user_id: int
    name: str
    posts: int
    standing: Standing
    moderates: bool
    """One of the discussion's moderators, or an organiser: never muted."""


@dataclass(frozen=True)
class RoundChoice:
    """A round posts may be moved into."""

    id: int
    position: int


@dataclass(frozen=True)
class Tools:
    """What a discussion's page shows of its moderator tools: the slow mode for everyone, the
    viewer's own standing, and for its moderators the people panel and the rounds posts may
    move into."""

    slow_mode: SlowModeView
    standing: Standing
    people: list[PersonItem]
    move_rounds: list[RoundChoice]


async def tools(db: Database, viewer: Viewer, discussion_id: int, moderates: bool) -> Tools:
    """The moderator tools' part of a discussion's page for `viewer` (`moderates`: they run it)."""
    now = utcnow()
    async with db.reading() as session:
        discussion = await session.get(Discussion, discussion_id)
        if discussion is None:
            raise NotFound("discussions.not_found", _("There is no such discussion."))
        mode = SlowMode(discussion.slow_mode)
        slow_mode = SlowModeView(
            mode=mode.value, seconds=SLOW_MODE_SECONDS[mode], reason=discussion.slow_mode_reason
        )
        own = None
        if viewer.user_id is not None:
            own = await session.get(DiscussionPerson, (discussion_id, viewer.user_id))
        standing = _standing(own, now)
        if not moderates:
            return Tools(slow_mode, standing, [], [])
        rounds = list(
            await session.scalars(
                select(Round).where(Round.discussion_id == discussion_id).order_by(Round.position)
            )
        )
        counts = dict(
            (
                await session.execute(
                    select(Contribution.author_id, func.count())
                    .join(Round, Round.id == Contribution.round_id)
                    .where(Round.discussion_id == discussion_id)
                    .group_by(Contribution.author_id)
                )
            ).all()
        )
        rows = {
            row.user_id: row
            for row in await session.scalars(
                select(DiscussionPerson).where(
                    DiscussionPerson.discussion_id == discussion_id,
                    or_(DiscussionPerson.focal_point.is_(True), DiscussionPerson.muted.is_(True)),
                )
            )
        }
        ids = set(counts) | set(rows)
        accounts = {
            user.id: user for user in await session.scalars(select(User).where(User.id.in_(ids)))
        }
        moderators = set(
            await session.scalars(
                select(DiscussionModerator.user_id).where(
                    DiscussionModerator.discussion_id == discussion_id
                )
            )
        )
    people = sorted(
        (
            PersonItem(
                user_id=user.id,
                name=user.display_name,
                posts=counts.get(user.id, 0),
                standing=_standing(rows.get(user.id), now),
                moderates=user.id in moderators or can(Role(user.role), Capability.EDIT_FAIR),
            )
            for user in accounts.values()
        ),
        key=lambda person: (person.name.casefold(), person.user_id),
    )
    movable = [
        RoundChoice(r.id, r.position) for r in rounds if RoundState(r.state) in rules.MOVABLE_ROUNDS
    ]
    return Tools(slow_mode, standing, people, movable)
