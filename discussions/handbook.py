"""The handbook: what a delegate reads of a theme (or of the whole fair), read in one
consistent snapshot into a plain structure that every format (HTML, Markdown, PDF) renders.

Each discussion's rounds (those that have opened) with their guiding question, published
synthesis and the contributions it cites (author, organisation, country, and the label of a
group met offline), then the booths and panels referenced, with their links. A cited post
that was hidden since is "withdrawn": its number stays, its text and author never appear.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from discussions import views
from discussions.channels import HANDBOOKS
from discussions.events import ExportView
from discussions.models import (
    CarriedQuestion,
    Citation,
    Contribution,
    Discussion,
    HandbookExport,
    Round,
    Synthesis,
    Theme,
)
from discussions.rules import CITATION, ExportState, RoundState
from fair.core import log
from fair.core.accounts.countries import country_names
from fair.core.accounts.models import User
from fair.core.db import Database
from fair.core.home.models import FairInfo
from fair.core.i18n import current_language, ngettext
from fair.core.i18n import gettext as _
from fair.core.text import render_markdown
from fair.hall import public as hall
from fair.qa import public as qa

BOOTH_REFERENCE = re.compile(r"(?:#booth-|/booths/)([a-z0-9][a-z0-9-]{0,79})")
PANEL_REFERENCE = re.compile(r"(?:#panel-([1-9][0-9]{0,17}))|(?:/panels/([a-z0-9][a-z0-9-]{0,79}))")


@dataclass(frozen=True)
class CitedPost:
    """A contribution a synthesis cites, as the handbook shows it."""

    id: int
    number: int
    withdrawn: bool
    author: str = ""
    organisation: str = ""
    country: str = ""
    offline_label: str | None = None
    """Set for a post on behalf of a group met offline (see `offline_label`)."""
    body: str = ""
    """Markdown as written (cleaned)."""

    @property
    def anchor(self) -> str:
        return f"post-{self.id}"

    @property
    def body_html(self) -> Markup:
        return render_markdown(self.body)

    @property
    def byline(self) -> str:
        return ", ".join(part for part in (self.author, self.organisation, self.country) if part)


@dataclass(frozen=True)
class HandbookRound:
    position: int
    question: str
    state: str
    synthesis: str | None
    """The published synthesis's Markdown (with its `[[<post id>]]` markers), if any."""
    cited: list[CitedPost]

    @property
    def numbers(self) -> dict[int, int]:
        return {post.id: post.number for post in self.cited}

    @property
    def pending_note(self) -> str:
        """What stands in for a synthesis not published (yet)."""
        if self.state == RoundState.OPEN.value:
            return _("This round is still under way; its synthesis will follow.")
        return _("No synthesis has been published for this round.")

    @property
    def synthesis_html(self) -> Markup:
        visible = {post.id for post in self.cited if not post.withdrawn}
        return views.synthesis_html(self.synthesis or "", self.numbers, visible)


@dataclass(frozen=True)
class HandbookDiscussion:
    slug: str
    title: str
    introduction: str
    rounds: list[HandbookRound]

    @property
    def anchor(self) -> str:
        return f"discussion-{self.slug}"


@dataclass(frozen=True)
class HandbookTheme:
    slug: str
    name: str
    introduction: str
    discussions: list[HandbookDiscussion]

    @property
    def anchor(self) -> str:
        return f"theme-{self.slug}"


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Heading:
    """A section of the handbook as its table of contents lists it."""

    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class Handbook:
    title: str
    fair_name: str
    as_of: datetime
    themes: list[HandbookTheme]
    booths: list[Link] = field(default_factory=list)
    panels: list[Link] = field(default_factory=list)

    def headings(self, round_title: str, booths_title: str, panels_title: str) -> Iterator[Heading]:
        """The sections, in order: themes (2), discussions (3), rounds (4), then the lists of
        booths and panels referenced (2). `round_title` is a "%(n)d" pattern."""
        for theme in self.themes:
            yield Heading(2, theme.anchor, theme.name)
            for discussion in theme.discussions:
                yield Heading(3, discussion.anchor, discussion.title)
                for round_ in discussion.rounds:
                    yield Heading(
                        4,
                        f"{discussion.anchor}-round-{round_.position}",
                        round_title % {"n": round_.position},
                    )
        if self.booths:
            yield Heading(2, "booths", booths_title)
        if self.panels:
            yield Heading(2, "panels", panels_title)


def offline_label(contribution: Contribution) -> str | None:
    """The label of a post a focal point made on behalf of a group met offline ("On behalf of:
    Village meeting in Kayes, 40 people"), None for an ordinary post."""
    if not contribution.group_name:
        return None
    return ngettext(
        "On behalf of: %(group)s, %(num)d person",
        "On behalf of: %(group)s, %(num)d people",
        contribution.group_size or 0,
    ) % {"group": contribution.group_name, "num": contribution.group_size or 0}


async def _snapshot(session: AsyncSession, is_sqlite: bool) -> None:
    """Make the session's reads one snapshot: SQLite's read transaction is one already;
    PostgreSQL's default (read committed) takes a new one per statement."""
    if not is_sqlite:
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


async def read_handbook(db: Database, theme_id: int | None, *, as_of: datetime) -> Handbook:
    """The handbook of theme `theme_id` (None: every theme), from one consistent read;
    `as_of` is the moment it was asked for (printed on its title page)."""
    countries = country_names(current_language())
    async with db.reading() as session:
        await _snapshot(session, db.is_sqlite)
        fair_name = await session.scalar(select(FairInfo.name).order_by(FairInfo.id).limit(1))
        theme_query = select(Theme).order_by(Theme.id)
        if theme_id is not None:
            theme_query = theme_query.where(Theme.id == theme_id)
        themes = list(await session.scalars(theme_query))
        discussions = list(
            await session.scalars(
                select(Discussion)
                .where(Discussion.theme_id.in_([t.id for t in themes]))
                .order_by(Discussion.id)
            )
        )
        rounds = list(
            await session.scalars(
                select(Round)
                .where(
                    Round.discussion_id.in_([d.id for d in discussions]),
                    Round.state != RoundState.PLANNED.value,
                )
                .order_by(Round.discussion_id, Round.position)
            )
        )
        round_ids = [r.id for r in rounds]
        syntheses = {
            s.round_id: s
            for s in await session.scalars(
                select(Synthesis).where(
                    Synthesis.round_id.in_(round_ids), Synthesis.published.is_(True)
                )
            )
        }
        cited_rows = (
            await session.execute(
                select(Citation, Contribution, User)
                .join(Contribution, Contribution.id == Citation.contribution_id)
                .join(User, User.id == Contribution.author_id)
                .where(Citation.round_id.in_(list(syntheses)))
                .order_by(Citation.round_id, Citation.number)
            )
        ).all()
        carried_panels = set(
            await session.scalars(
                select(CarriedQuestion.panel_id).where(CarriedQuestion.round_id.in_(round_ids))
            )
        )
        cited: dict[int, list[CitedPost]] = defaultdict(list)
        texts: list[str] = [s.body for s in syntheses.values()]
        for citation, contribution, author in cited_rows:
            if contribution.hidden:
                cited[citation.round_id].append(
                    CitedPost(contribution.id, citation.number, withdrawn=True)
                )
                continue
            texts.append(contribution.body)
            cited[citation.round_id].append(
                CitedPost(
                    contribution.id,
                    citation.number,
                    withdrawn=False,
                    author=author.display_name,
                    organisation=author.organisation,
                    country=countries.get(author.country, author.country),
                    offline_label=offline_label(contribution),
                    body=contribution.body,
                )
            )
        booths, panels = await _referenced(session, texts, carried_panels)
    by_discussion: dict[int, list[HandbookRound]] = defaultdict(list)
    for r in rounds:
        synthesis = syntheses.get(r.id)
        by_discussion[r.discussion_id].append(
            HandbookRound(
                r.position,
                r.question,
                r.state,
                None if synthesis is None else synthesis.body,
                cited[r.id],
            )
        )
    by_theme: dict[int, list[HandbookDiscussion]] = defaultdict(list)
    for d in discussions:
        by_theme[d.theme_id].append(
            HandbookDiscussion(d.slug, d.title, d.introduction, by_discussion[d.id])
        )
    title = _("A handbook of good practice")
    if theme_id is not None and themes:
        title = _("%(theme)s: a handbook of good practice") % {"theme": themes[0].name}
    return Handbook(
        title=title,
        fair_name=fair_name or "",
        as_of=as_of,
        themes=[HandbookTheme(t.slug, t.name, t.introduction, by_theme[t.id]) for t in themes],
        booths=booths,
        panels=panels,
    )


async def _referenced(
    session: AsyncSession, texts: list[str], panel_ids: set[int]
) -> tuple[list[Link], list[Link]]:
    """The booths (listed ones only) and panels the texts refer to (`#booth-slug`,
    `/booths/slug`, `#panel-id`, `/panels/slug`), plus the panels questions were carried from;
    each list by title."""
    booth_slugs: set[str] = set()
    panel_slugs: set[str] = set()
    ids = set(panel_ids)
    for text in texts:
        booth_slugs.update(BOOTH_REFERENCE.findall(text))
        for panel_id, slug in PANEL_REFERENCE.findall(text):
            if panel_id:
                ids.add(int(panel_id))
            else:
                panel_slugs.add(slug)
    found = await hall.booths_by_slug(session, sorted(booth_slugs))
    listed = await hall.listed_booths(session, sorted(b.id for b in found.values()))
    panels = dict(await qa.panels_by_id(session, sorted(ids)))
    for panel in (await qa.panels_by_slug(session, sorted(panel_slugs))).values():
        panels[panel.id] = panel
    booths = sorted((Link(b.title, f"/booths/{b.slug}") for b in listed), key=_by_title)
    return booths, sorted((Link(p.title, p.url) for p in panels.values()), key=_by_title)


def _by_title(link: Link) -> tuple[str, str]:
    return (link.title.casefold(), link.url)


def cited_markers(body: str) -> list[int]:
    """The post ids a synthesis's Markdown cites inline, in order."""
    return [int(found) for found in CITATION.findall(body)]


@dataclass(frozen=True)
class ExportsPage:
    exports: list[ExportView]
    themes: list[tuple[int, str]]
    head: int
    keep: int
    """How many finished exports of each scope keep their files."""


async def exports_page(db: Database, keep: int, limit: int = 20) -> ExportsPage:
    """The latest handbook exports (newest first), the themes one may export, and the head of
    `handbook:fair:staff` they were read at."""
    async with db.reading() as session:
        head = (await log.heads(session, [HANDBOOKS]))[HANDBOOKS]
        rows = (
            await session.execute(
                select(HandbookExport, User.display_name, Theme.name)
                .join(User, User.id == HandbookExport.requested_by)
                .outerjoin(Theme, Theme.id == HandbookExport.theme_id)
                .order_by(HandbookExport.id.desc())
                .limit(limit)
            )
        ).all()
        themes = [(t.id, t.name) for t in await session.scalars(select(Theme).order_by(Theme.id))]
    return ExportsPage(
        [
            ExportView(
                id=e.id,
                scope=scope or "",
                state=e.state,
                progress=e.progress,
                requested_by=name,
                requested_at=e.requested_at,
                finished_at=e.finished_at,
                error=e.error,
            )
            for e, name, scope in rows
        ],
        themes,
        head,
        keep,
    )


async def export_state(db: Database, export_id: int) -> ExportState | None:
    """The state of export `export_id` (done: its files are written), None if there is none."""
    async with db.reading() as session:
        state = await session.scalar(
            select(HandbookExport.state).where(HandbookExport.id == export_id)
        )
    return None if state is None else ExportState(state)
