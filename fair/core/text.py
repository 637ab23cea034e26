"""Cleaning user text: one-line fields, multi-line text, and Markdown rendered to safe HTML."""

from __future__ import annotations

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_SPACES = re.compile(r"\s+")
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


def _drop_controls(value: str, keep: str = "") -> str:
    return "".join(
        ch
        for ch in value
        if ch in keep or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )


def clean_line(value: str) -> str:
    """One line of text: NFC, no control or format characters, single spaces, trimmed."""
    value = unicodedata.normalize("NFC", value)
    return _SPACES.sub(" ", _drop_controls(value, keep=" \t\n\r\x0b\x0c")).strip()


def clean_text(value: str) -> str:
    """Several lines of text: like `clean_line` per line, at most one blank line in a row."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [
        _SPACES.sub(" ", _drop_controls(line, keep=" \t")).strip() for line in value.split("\n")
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def spreadsheet_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; such text is quoted."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def render_markdown(source: str) -> Markup:
    """Markdown to HTML that is safe to show: raw HTML is not rendered, links get rel=noopener."""
    html = _MARKDOWN.render(clean_text(source))
    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above


def plain_excerpt(source: str, limit: int = 280) -> str:
    """The start of a text on one line, for lists that quote it (shown escaped, not rendered)."""
    line = " ".join(source.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
