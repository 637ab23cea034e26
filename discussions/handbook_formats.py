"""The handbook in its three formats, each rendered from the same `Handbook` structure:
printable HTML (a template with a print stylesheet, page breaks, no interface chrome),
Markdown, and PDF (fpdf2). The same structure gives the same bytes: no clock, no randomness.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.outline import OutlineSection
from jinja2 import Environment

from discussions.handbook import CitedPost, Handbook, HandbookRound, Heading
from discussions.rules import CITATION
from fair.core.i18n import current_language
from fair.core.i18n import gettext as _

FONT_DIR = Path(__file__).parent / "fonts"
"""DejaVu Sans, regular and bold, shipped with the package (licence in its LICENSE): the PDF
shows every script the font covers, whatever the system has installed."""


def headings(handbook: Handbook) -> list[Heading]:
    return list(handbook.headings(_("Round %(n)d"), _("Booths referenced"), _("Panels referenced")))


def _absolute(base_url: str, url: str) -> str:
    return base_url.rstrip("/") + url if url.startswith("/") else url


def to_html(handbook: Handbook, env: Environment, base_url: str) -> str:
    """The printable HTML document."""
    template = env.get_template("discussions/handbook_document.html")
    return template.render(
        book=handbook,
        lang=current_language(),
        toc=headings(handbook),
        absolute=lambda url: _absolute(base_url, url),
    )


def _quote(markdown: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in markdown.splitlines())


def _markdown_synthesis(round_: HandbookRound) -> str:
    numbers = round_.numbers
    withdrawn = {post.id for post in round_.cited if post.withdrawn}

    def cite(found: re.Match[str]) -> str:
        post_id = int(found.group(1))
        number = numbers.get(post_id)
        if number is None:
            return found.group(0)
        if post_id in withdrawn:
            return f"[{number}, {_('withdrawn')}]"
        return f"[\\[{number}\\]](#post-{post_id})"

    body = round_.synthesis or ""
    text = CITATION.sub(cite, body)
    marked = {int(found) for found in CITATION.findall(body)}
    rest = [post for post in round_.cited if post.id not in marked]
    if rest:
        links = " ".join(
            f"[{post.number}, {_('withdrawn')}]"
            if post.withdrawn
            else f"[\\[{post.number}\\]](#post-{post.id})"
            for post in rest
        )
        text = f"{text.rstrip()}\n\n{_('See also')}: {links}"
    return text


def _markdown_post(post: CitedPost) -> list[str]:
    if post.withdrawn:
        return [f'<a id="{post.anchor}"></a>**[{post.number}]** *{_("Withdrawn")}*', ""]
    label = f" — {post.offline_label}" if post.offline_label else ""
    return [
        f'<a id="{post.anchor}"></a>**[{post.number}]** {post.byline}{label}',
        "",
        _quote(post.body),
        "",
    ]


def to_markdown(handbook: Handbook, base_url: str) -> str:
    """The Markdown document: the same headings, anchors and citations as the HTML."""
    lines = [f"# {handbook.title}", ""]
    if handbook.fair_name:
        lines += [handbook.fair_name, ""]
    lines += [_("As of %(day)s") % {"day": handbook.as_of.date().isoformat()}, ""]
    lines += [f"## {_('Contents')}", ""]
    for heading in headings(handbook):
        indent = "  " * (heading.level - 2)
        lines.append(f"{indent}- [{heading.text}](#{heading.anchor})")
    lines.append("")
    for theme in handbook.themes:
        lines += [f'<a id="{theme.anchor}"></a>', "", f"## {theme.name}", ""]
        if theme.introduction:
            lines += [theme.introduction.strip(), ""]
        for discussion in theme.discussions:
            lines += [f'<a id="{discussion.anchor}"></a>', "", f"### {discussion.title}", ""]
            if discussion.introduction:
                lines += [discussion.introduction.strip(), ""]
            if not discussion.rounds:
                lines += [f"*{_('No round of this discussion has opened yet.')}*", ""]
            for round_ in discussion.rounds:
                anchor = f"{discussion.anchor}-round-{round_.position}"
                lines += [
                    f'<a id="{anchor}"></a>',
                    "",
                    f"#### {_('Round %(n)d') % {'n': round_.position}}",
                    "",
                ]
                lines += [f"**{_('Guiding question')}:** {round_.question}", ""]
                if round_.synthesis is None:
                    lines += [f"*{round_.pending_note}*", ""]
                    continue
                lines += [f"**{_('Synthesis')}**", "", _markdown_synthesis(round_).strip(), ""]
                if round_.cited:
                    lines += [f"**{_('Contributions cited')}**", ""]
                    for post in round_.cited:
                        lines += _markdown_post(post)
    for anchor, title, links in (
        ("booths", _("Booths referenced"), handbook.booths),
        ("panels", _("Panels referenced"), handbook.panels),
    ):
        if links:
            lines += [f'<a id="{anchor}"></a>', "", f"## {title}", ""]
            lines += [f"- [{link.title}]({_absolute(base_url, link.url)})" for link in links]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_INLINE_MARKS = re.compile(r"(\*\*|__|\*|_|`)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_CITE_LINK = re.compile(r"\[\\\[(\d+)\\\]\]\(#post-\d+\)")


def _plain(markdown: str) -> str:
    """Markdown as plain text for the PDF: links keep their words, emphasis marks go."""
    text = _CITE_LINK.sub(r"[\1]", markdown)
    text = _LINK.sub(r"\1", text)
    text = _INLINE_MARKS.sub("", text)
    return text.replace("\\", "")


NB_PAGES = "{nb}"
TOC_LINES_PER_PAGE = 32
"""Fewer than fit on an A4 page at 11 pt (about 40), so the pages set aside always suffice."""


def _contents(pdf: FPDF, outline: list[OutlineSection]) -> None:
    """The table of contents: each section indented by its level, its page on the right."""
    assert isinstance(pdf, _Document)
    # fpdf2 comes back to the reserved page with x where the last footer left it.
    pdf.set_x(pdf.l_margin)
    pdf.para(_("Contents"), "B", 16, gap=4)
    for entry in outline:
        pdf.use("B" if entry.level == 0 else "", 11)
        indent = 6 * entry.level
        pdf.set_x(pdf.l_margin + indent)
        width = pdf.epw - indent - 15
        link = pdf.add_link(page=entry.page_number)
        pdf.cell(width, 6, entry.name, link=link)
        pdf.cell(15, 6, str(entry.page_number), align="R", link=link, new_x="LMARGIN", new_y="NEXT")


class _Document(FPDF):
    def __init__(self, title: str, as_of: datetime) -> None:
        super().__init__(format="A4")
        self.book_title = title
        self.set_title(title)
        self.set_creator("fair")
        self.set_creation_date(as_of)
        self.add_font("Body", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("Body", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages(NB_PAGES)

    def use(self, style: str = "", size: float = 11) -> None:
        self.set_font("Body", style, size)

    def footer(self) -> None:
        self.set_y(-12)
        self.use("", 8)
        # fpdf2 puts the page count in place of the alias when the document is written.
        page = _("Page %(page)d of %(pages)s") % {"page": self.page_no(), "pages": NB_PAGES}
        self.cell(0, 8, f"{self.book_title} · {page}", align="C")

    def section(self, title: str, level: int, style: str, size: float, gap: float) -> None:
        """A heading the contents list, with the page it starts on."""
        self.use(style, size)
        self.start_section(title, level)
        self.para(title, style, size, gap)

    def para(self, text: str, style: str = "", size: float = 11, gap: float = 2) -> None:
        self.use(style, size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)


def to_pdf(handbook: Handbook, base_url: str) -> bytes:
    """The PDF: a title page, the contents, then the same sections as the other formats."""
    pdf = _Document(handbook.title, handbook.as_of)
    pdf.add_page()
    pdf.ln(60)
    pdf.para(handbook.title, "B", 24, gap=6)
    if handbook.fair_name:
        pdf.para(handbook.fair_name, "", 14)
    pdf.para(_("As of %(day)s") % {"day": handbook.as_of.date().isoformat()}, "", 11)
    pdf.add_page()
    entries = len(headings(handbook))
    pdf.insert_toc_placeholder(_contents, pages=max(1, math.ceil(entries / TOC_LINES_PER_PAGE)))
    for theme in handbook.themes:
        if pdf.y > pdf.t_margin:
            pdf.add_page()
        pdf.section(theme.name, 0, "B", 18, gap=4)
        if theme.introduction:
            pdf.para(_plain(theme.introduction))
        for discussion in theme.discussions:
            pdf.ln(2)
            pdf.section(discussion.title, 1, "B", 15, gap=3)
            if discussion.introduction:
                pdf.para(_plain(discussion.introduction))
            if not discussion.rounds:
                pdf.para(_("No round of this discussion has opened yet."))
            for round_ in discussion.rounds:
                pdf.section(_("Round %(n)d") % {"n": round_.position}, 2, "B", 13, gap=2)
                pdf.para(f"{_('Guiding question')}: {round_.question}")
                if round_.synthesis is None:
                    pdf.para(round_.pending_note)
                    continue
                pdf.para(_("Synthesis"), "B")
                pdf.para(_plain(_markdown_synthesis(round_)))
                if round_.cited:
                    pdf.para(_("Contributions cited"), "B")
                for post in round_.cited:
                    if post.withdrawn:
                        pdf.para(f"[{post.number}] {_('Withdrawn')}")
                        continue
                    label = f" — {post.offline_label}" if post.offline_label else ""
                    pdf.para(f"[{post.number}] {post.byline}{label}", "B", 10, gap=0.5)
                    pdf.para(_plain(post.body), "", 10)
    for title, links in (
        (_("Booths referenced"), handbook.booths),
        (_("Panels referenced"), handbook.panels),
    ):
        if links:
            if pdf.y > pdf.t_margin:
                pdf.add_page()
            pdf.section(title, 0, "B", 16, gap=4)
            for link in links:
                pdf.para(f"{link.title} — {_absolute(base_url, link.url)}")
    return bytes(pdf.output())
