"""The handbook of a fixture fair, on SQLite and PostgreSQL: every citation resolves to an
existing, visible post; headings come in order and the contents list them; Markdown and HTML
agree; a hidden cited post is withdrawn; the PDF is a PDF; the same snapshot, the same bytes."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser

from jinja2 import Environment
from pypdf import PdfReader
from sqlalchemy import select, update

from discussions import handbook_formats as formats
from discussions.actions import carry_over, synthesis
from discussions.actions import setup as setup_actions
from discussions.handbook import (
    CitedPost,
    Handbook,
    HandbookDiscussion,
    HandbookRound,
    HandbookTheme,
    offline_label,
    read_handbook,
)
from discussions.inputs import CarryOver, RoundRef, SynthesisDraft
from discussions.models import Contribution, Discussion
from discussions.rules import RoundState
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import SYSTEM
from fair.core.db import Database
from fair.core.features import load_features
from fair.core.templates import create_templates
from tests.conftest import make_settings
from tests.support.databases import configured_features
from tests.support.discussions import closed_panel_with_questions, discussion, post, round_in
from tests.support.qa import members

AS_OF = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
BASE = "https://fair.example.org"


def environment() -> Environment:
    templates = create_templates(make_settings("sqlite://"), load_features(configured_features()))
    return templates.env


@dataclass(frozen=True)
class Fixture:
    talk: int
    theme_id: int
    posts: list[int]
    hidden: int
    panel_title: str


async def fixture_fair(db: Database) -> Fixture:
    """A theme with a discussion: round 1 synthesised citing three posts (two inline, one
    picked), one of them hidden since; round 2 open with a question carried over from a
    closed panel; round 3 planned. Another theme holds a discussion of its own."""
    made, (question_id,) = await closed_panel_with_questions(db, "Who pays the fees?")
    moderator, amina, bako = await members(db, Role.PARTICIPANT, "Amina", "Bako")
    talk = await discussion(db, [moderator], title="Partnerships that last")
    first = await round_in(db, talk)
    posts = [
        await post(db, amina, first, "Joint **committees** meet every quarter."),
        await post(db, bako, first, "Money alone is not a partnership."),
        await post(db, amina, first, "Radio reaches the villages."),
    ]
    await setup_actions.close_round(db, SYSTEM, RoundRef(round_id=first))
    body = f"Committees keep partners together [[{posts[0]}]]. Radio helps [[{posts[2]}]]."
    await synthesis.save_synthesis(
        db, moderator.viewer, SynthesisDraft(round_id=first, body=body, cited_ids=[posts[1]])
    )
    await synthesis.publish_synthesis(db, moderator.viewer, RoundRef(round_id=first))
    async with db.transaction() as tx:
        await tx.session.execute(
            update(Contribution).where(Contribution.id == posts[2]).values(hidden=True)
        )
    second = await round_in(db, talk)
    await carry_over.carry_over(
        db,
        moderator.viewer,
        CarryOver(round_id=second, panel_id=made.panel_id, question_ids=[question_id]),
    )
    await round_in(db, talk, RoundState.PLANNED)
    other = await discussion(db, [moderator], title="Remittances and investment")
    await round_in(db, other, RoundState.CLOSED)
    async with db.reading() as session:
        theme_id = await session.scalar(select(Discussion.theme_id).where(Discussion.id == talk))
    assert theme_id is not None
    return Fixture(talk, theme_id, posts, posts[2], made.panel.title)


class Outline(HTMLParser):
    """The headings (level, id, text), the element ids and the citation links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str, str]] = []
        self.ids: set[str] = set()
        self.cites: list[tuple[int, int]] = []
        self.toc: list[tuple[str, str]] = []
        self._heading: tuple[int, str] | None = None
        self._link: str | None = None
        self._in_toc = False
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if tag == "nav":
            self._in_toc = True
        if re.fullmatch(r"h[1-4]", tag):
            self._heading, self._text = (int(tag[1]), found.get("id") or ""), ""
        if tag == "a":
            self._link, self._text = found.get("href") or "", ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_toc = False
        if self._heading and re.fullmatch(r"h[1-4]", tag):
            if not self._in_toc:
                self.headings.append((*self._heading, self._text.strip()))
            self._heading = None
        if tag == "a" and self._link is not None:
            cite = re.fullmatch(r"\[(\d+)\]", self._text.strip())
            if cite and self._link.startswith("#post-"):
                self.cites.append((int(cite.group(1)), int(self._link.removeprefix("#post-"))))
            elif self._in_toc and self._link.startswith("#"):
                self.toc.append((self._link[1:], self._text.strip()))
            self._link = None

    def handle_data(self, data: str) -> None:
        self._text += data


def outline(html: str) -> Outline:
    parsed = Outline()
    parsed.feed(html)
    return parsed


def markdown_headings(markdown: str) -> list[tuple[int, str]]:
    return [
        (len(hashes), text.strip())
        for hashes, text in re.findall(r"^(#{1,4}) (.+)$", markdown, flags=re.MULTILINE)
    ]


def markdown_cites(markdown: str) -> list[tuple[int, int]]:
    return [(int(n), int(p)) for n, p in re.findall(r"\[\\\[(\d+)\\\]\]\(#post-(\d+)\)", markdown)]


async def test_every_citation_resolves_to_an_existing_visible_post(db: Database) -> None:
    """Each citation link of the HTML and the Markdown points at a cited contribution shown in
    the handbook, and each such post exists and is visible."""
    made = await fixture_fair(db)
    book = await read_handbook(db, None, as_of=AS_OF)
    html = formats.to_html(book, environment(), BASE)
    page = outline(html)
    cited = {post_id for _n, post_id in page.cites}
    assert cited == {made.posts[0], made.posts[1]}
    assert {f"post-{post_id}" for post_id in cited} <= page.ids
    async with db.reading() as session:
        rows = await session.scalars(select(Contribution).where(Contribution.id.in_(cited)))
        assert sorted((c.id, c.hidden) for c in rows) == sorted((i, False) for i in cited)
    markdown = formats.to_markdown(book, BASE)
    for _n, post_id in markdown_cites(markdown):
        assert f'<a id="post-{post_id}"></a>' in markdown


async def test_headings_come_in_order_and_the_contents_list_them(db: Database) -> None:
    """Themes, then each discussion with its rounds that have opened (planned ones left out),
    then the panels referenced; the table of contents lists exactly those sections, in order."""
    await fixture_fair(db)
    book = await read_handbook(db, None, as_of=AS_OF)
    page = outline(formats.to_html(book, environment(), BASE))
    sections = [(anchor, text) for level, anchor, text in page.headings if level >= 2]
    assert sections == page.toc
    assert [(level, text) for level, _a, text in page.headings] == [
        (1, "A handbook of good practice"),
        (2, "Theme of Partnerships that last"),
        (3, "Partnerships that last"),
        (4, "Round 1"),
        (4, "Round 2"),
        (2, "Theme of Remittances and investment"),
        (3, "Remittances and investment"),
        (4, "Round 1"),
        (2, "Panels referenced"),
    ]


async def test_markdown_and_html_agree_on_headings_and_citations(db: Database) -> None:
    """The Markdown has the same headings, in the same order, and the same numbered citations
    pointing at the same posts as the HTML."""
    await fixture_fair(db)
    book = await read_handbook(db, None, as_of=AS_OF)
    page = outline(formats.to_html(book, environment(), BASE))
    markdown = formats.to_markdown(book, BASE)
    html_headings = [(level, text) for level, _a, text in page.headings]
    assert markdown_headings(markdown) == [html_headings[0], (2, "Contents"), *html_headings[1:]]
    assert markdown_cites(markdown) == page.cites
    assert page.cites == sorted(page.cites)


async def test_a_hidden_cited_post_appears_as_withdrawn(db: Database) -> None:
    """The hidden post keeps its number, marked withdrawn; its text is in no format."""
    made = await fixture_fair(db)
    book = await read_handbook(db, None, as_of=AS_OF)
    html = formats.to_html(book, environment(), BASE)
    markdown = formats.to_markdown(book, BASE)
    for text in (html, markdown):
        assert "Radio reaches the villages" not in text
        assert "[2, withdrawn]" in text
        assert f"#post-{made.hidden})" not in text and f'href="#post-{made.hidden}"' not in text
    assert "Withdrawn" in html and "*Withdrawn*" in markdown


async def test_cited_posts_show_author_organisation_and_country(db: Database) -> None:
    """A cited contribution is signed with its author's name, organisation and country, and the
    carried-over panel is listed with an absolute link."""
    made = await fixture_fair(db)
    book = await read_handbook(db, None, as_of=AS_OF)
    markdown = formats.to_markdown(book, BASE)
    assert "**[1]** Amina, Test org, Senegal" in markdown
    assert f"- [{made.panel_title}]({BASE}/panels/" in markdown


async def test_a_themes_handbook_holds_that_theme_only(db: Database) -> None:
    """Exporting one theme leaves the other theme's discussions out and names the theme."""
    made = await fixture_fair(db)
    book = await read_handbook(db, made.theme_id, as_of=AS_OF)
    assert [t.name for t in book.themes] == ["Theme of Partnerships that last"]
    assert book.title == "Theme of Partnerships that last: a handbook of good practice"


async def test_the_pdf_is_a_pdf_with_the_title(db: Database) -> None:
    """The PDF starts and ends as a PDF does and carries the handbook's title."""
    await fixture_fair(db)
    book = await read_handbook(db, None, as_of=AS_OF)
    pdf = formats.to_pdf(book, BASE)
    assert pdf.startswith(b"%PDF-1.") and pdf.rstrip().endswith(b"%%EOF")
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None and metadata.title == "A handbook of good practice"


async def test_the_same_snapshot_gives_the_same_documents(db: Database) -> None:
    """Reading and rendering twice gives byte-identical HTML, Markdown and PDF."""
    await fixture_fair(db)
    env = environment()
    outputs = []
    for _ in range(2):
        book = await read_handbook(db, None, as_of=AS_OF)
        outputs.append(
            (
                formats.to_html(book, env, BASE),
                formats.to_markdown(book, BASE),
                formats.to_pdf(book, BASE),
            )
        )
    assert outputs[0] == outputs[1]


def test_a_post_from_a_group_met_offline_is_labelled_in_every_format() -> None:
    """The offline-group hook's label shows beside the author in HTML, Markdown and PDF text;
    an ordinary post has none."""
    assert offline_label(Contribution(body="x")) is None
    grouped = Contribution(body="x", group_name="Village meeting in Kayes", group_size=40)
    label = offline_label(grouped)
    assert label == "On behalf of: Village meeting in Kayes, 40 people"
    cited = CitedPost(7, 1, False, "Awa", "Kayes Women", "Mali", label, "We need a *well*.")
    book = Handbook(
        "Handbook",
        "Fair",
        AS_OF,
        [
            HandbookTheme(
                "t",
                "Theme",
                "",
                [
                    HandbookDiscussion(
                        "d",
                        "Talk",
                        "",
                        [HandbookRound(1, "Why?", "synthesised", "Wells [[7]].", [cited])],
                    )
                ],
            )
        ],
    )
    assert "On behalf of: Village meeting in Kayes, 40 people" in formats.to_html(
        book, environment(), BASE
    )
    assert "Awa, Kayes Women, Mali — On behalf of: Village meeting in Kayes" in formats.to_markdown(
        book, BASE
    )
    assert formats.to_pdf(book, BASE).startswith(b"%PDF-")


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page of a PDF, as a reader other than fpdf2 extracts it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


WORLDLY = "Fédération — Łódź, Ελληνικά, “quotes”"


def one_round_book(title: str, theme: str, body: str) -> Handbook:
    cited = CitedPost(7, 1, False, "Zoë", "Ośrodek", "Ελλάδα", None, body)
    return Handbook(
        title,
        "Fair",
        AS_OF,
        [
            HandbookTheme(
                "t",
                theme,
                "",
                [
                    HandbookDiscussion(
                        "d",
                        "Talk",
                        "",
                        [HandbookRound(1, "Why?", "synthesised", "Wells [[7]].", [cited])],
                    )
                ],
            )
        ],
    )


def test_text_beyond_latin_1_comes_out_of_the_pdf_as_written() -> None:
    """Polish, Greek, an em dash and curly quotes in the title, a theme and a cited post are
    read back from the PDF as written, with no "?" put in their place."""
    book = one_round_book(WORLDLY, f"Theme {WORLDLY}", f"Post {WORLDLY}")
    text = "\n".join(pdf_text(formats.to_pdf(book, BASE)))
    for expected in (WORLDLY, f"Theme {WORLDLY}", f"Post {WORLDLY}", "Zoë, Ośrodek, Ελλάδα"):
        assert expected in text
    assert "?" not in text.replace("Why?", "")


async def test_the_pdf_contents_give_each_sections_page_and_every_page_its_number(
    db: Database,
) -> None:
    """The contents list every theme, discussion, round and referenced list with a page number
    on which that title is found; every page says "Page i of n"."""
    await fixture_fair(db)
    pages = pdf_text(formats.to_pdf(await read_handbook(db, None, as_of=AS_OF), BASE))
    [toc] = [text for text in pages if "\nContents\n" in text]
    entries = re.findall(r"^(.+?) (\d+)$", toc.split("\nContents\n", 1)[1], flags=re.MULTILINE)
    names = [name for name, _page in entries]
    assert names == [
        "Theme of Partnerships that last",
        "Partnerships that last",
        "Round 1",
        "Round 2",
        "Theme of Remittances and investment",
        "Remittances and investment",
        "Round 1",
        "Panels referenced",
    ]
    for name, page in entries:
        assert name in pages[int(page) - 1].splitlines()
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
