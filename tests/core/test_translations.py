"""The catalogues are complete, the templates translate every word they show, and the language
is negotiated in the documented order."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

from fair.core import i18n
from fair.core.i18n import LOCALE_DIR, negotiate, pick_language

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    [
        *ROOT.glob("fair/**/templates/**/*.html"),
        *ROOT.glob("fair/**/templates/**/*.txt"),
        *ROOT.glob("discussions/templates/**/*.html"),
    ]
)
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/fair.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def _strings(message: object) -> tuple[str, ...]:
    value = getattr(message, "string", "")
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _ids(message: object) -> tuple[str, ...]:
    value = getattr(message, "id", "")
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _placeholders_differ(ids: tuple[str, ...], strings: tuple[str, ...]) -> bool:
    """A translation names the placeholders of its msgid; a plural's forms together name those
    of its msgid and msgid_plural (a singular form may leave the number out)."""
    expected = {name for text in ids for name in PLACEHOLDER.findall(text)}
    found = [set(PLACEHOLDER.findall(text)) for text in strings]
    if len(ids) == 1:
        return any(names != expected for names in found)
    return any(not names <= expected for names in found) or set().union(*found) != expected


# The catalogues


def test_there_are_catalogues_to_check() -> None:
    """French and Spanish are served (so the checks below are not vacuous)."""
    assert {path.parts[-3] for path in CATALOGUES} >= {"fr", "es"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_a_catalogue_translates_every_message_of_the_template(path: Path) -> None:
    """Every msgid of fair.pot (with its context, if any: `pgettext("booth", "Published")`)
    is in the catalogue, translated, not fuzzy, and its translation keeps the same
    placeholders."""
    template = _read(LOCALE_DIR / "fair.pot")
    catalogue = _read(path)
    missing, untranslated, fuzzy, placeholders = [], [], [], []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalogue.get(wanted.id, context=wanted.context)
        if message is None:
            missing.append(wanted.id)
            continue
        if message.fuzzy:
            fuzzy.append(wanted.id)
        strings = _strings(message)
        if not all(strings):
            untranslated.append(wanted.id)
        if _placeholders_differ(_ids(message), strings):
            placeholders.append(wanted.id)
    assert not missing, f"not in {path}: {missing}"
    assert not untranslated, f"untranslated in {path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy}"
    assert not placeholders, f"placeholders changed in {path}: {placeholders}"


@pytest.mark.parametrize(
    ("ids", "strings", "differ"),
    [
        (("Hello %(name)s",), ("Bonjour %(name)s",), False),
        (("Hello %(name)s",), ("Bonjour %(nom)s",), True),
        (("Hello %(name)s",), ("Bonjour",), True),
        (("%(num)d booth", "%(num)d booths"), ("%(num)d stand", "%(num)d stands"), False),
        (("One export", "%(num)d exports"), ("Un export", "%(num)d exports"), False),
        (("One export", "%(num)d exports"), ("Un export", "Des exports"), True),
    ],
)
def test_the_placeholder_check_finds_a_changed_placeholder(
    ids: tuple[str, ...], strings: tuple[str, ...], differ: bool
) -> None:
    assert _placeholders_differ(ids, strings) is differ


# The templates: no word a person reads outside `_()` / `{% trans %}`

ALLOWED = {
    "PDF": "a file format's name, the same in every language",
    ".ics": "the calendar file's extension, shown as the link's text",
    "https://": "the start of a web address, as a placeholder",
    "Europe/Brussels": "an IANA time-zone name, as a placeholder",
    "qa.": "the start of an event code, which is not translated, as a placeholder",
}
"""Literal text that is the same in every language, each with the reason."""

_JINJA = re.compile(
    r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}|\{\{(.*?)\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL
)
_MARK = re.compile(r"\x00(\d*)\x00")
_WORD = re.compile(r"[^\W\d_]{2,}")
_ENTITY = re.compile(r"&#?\w+;")
_READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}
_BUTTON_INPUTS = {"submit", "button", "reset"}
_EXPRESSIONS = Environment(extensions=["jinja2.ext.i18n"])


def _printed_literals(expression: str) -> list[str]:
    """String constants an expression prints as they are (not those passed to `_()`, a
    filter's arguments, or compared)."""
    found: list[str] = []

    def visit(node: nodes.Node) -> None:
        if isinstance(node, nodes.Const) and isinstance(node.value, str):
            found.append(node.value)
        elif isinstance(node, nodes.CondExpr):
            visit(node.expr1)
            if node.expr2 is not None:
                visit(node.expr2)
        elif isinstance(node, nodes.Concat):
            for part in node.nodes:
                visit(part)
        elif isinstance(node, nodes.Filter) and node.node is not None:
            visit(node.node)
        elif isinstance(node, nodes.Getitem) and isinstance(node.node, nodes.Dict):
            for item in node.node.items:
                visit(item.value)

    for output in _EXPRESSIONS.parse("{{" + expression + "}}").find_all(nodes.Output):
        for node in output.nodes:
            visit(node)
    return found


class _Literals(HTMLParser):
    """Collects the words of text nodes and read attributes, and the literals printed there."""

    def __init__(self, expressions: list[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.expressions = expressions
        self.found: list[str] = []
        self.in_script = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self.in_script += 1
        kind = dict(attrs).get("type")
        for name, value in attrs:
            read = name in _READ_ATTRIBUTES or name.startswith("data-text")
            read = read or (name == "value" and tag == "input" and kind in _BUTTON_INPUTS)
            if value and read:
                self.check(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self.in_script -= 1

    def handle_data(self, data: str) -> None:
        if not self.in_script:
            self.check(data)

    def check(self, text: str) -> None:
        for mark in _MARK.finditer(text):
            if mark.group(1):
                self.found.extend(
                    literal
                    for literal in _printed_literals(self.expressions[int(mark.group(1))])
                    if _WORD.search(literal)
                )
        text = _ENTITY.sub(" ", _MARK.sub(" ", text))
        for allowed in ALLOWED:
            text = text.replace(allowed, " ")
        if _WORD.search(text):
            self.found.append(" ".join(text.split()))


def literal_strings(source: str, *, html: bool = True) -> list[str]:
    """What in a template a person would read untranslated."""
    expressions: list[str] = []

    def mark(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return " \x00\x00 "
        expressions.append(match.group(1))
        return f"\x00{len(expressions) - 1}\x00"

    marked = _JINJA.sub(mark, source)
    finder = _Literals(expressions)
    if html:
        finder.feed(marked)
        finder.close()
    else:
        finder.check(marked)
    return finder.found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ('<img alt="A logo" src="x">', ["A logo"]),
        ('<input type="submit" value="Send">', ["Send"]),
        ("<p>{{ 'Booth' if x else 'Panel' }}</p>", ["Booth", "Panel"]),
        ("<p>{{ _('Hello') }} · 3 &amp; {{ n }}</p>", []),
        ("<p>{% trans %}Hello {{ name }}{% endtrans %}</p>", []),
        ('<input type="hidden" name="kind" value="booth">', []),
        ("<p class=\"{{ 'ok' if x else 'refused' }}\">{{ x | label(\"booth.state\") }}</p>", []),
        ("<script>const x = 'words';</script>", []),
        ('<input{% if i %} id="{{ i }}"{% endif %} aria-label="Country">', ["Country"]),
    ],
)
def test_the_template_lint_finds_literal_words(source: str, found: list[str]) -> None:
    """The lint flags words in text, read attributes and printed literals, and nothing else."""
    assert literal_strings(source) == found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_a_template_shows_no_untranslated_words(path: Path) -> None:
    """Every word a template shows goes through gettext (or is in the short allowlist)."""
    assert literal_strings(path.read_text(), html=path.suffix == ".html") == []


# Negotiation


def test_the_saved_preference_comes_first() -> None:
    assert negotiate("es", "fr", "fr-FR,fr;q=0.9") == "es"


def test_the_switcher_comes_before_the_browser() -> None:
    assert negotiate(None, "fr", "es") == "fr"


def test_the_browser_comes_before_english() -> None:
    assert negotiate(None, None, "es-MX,es;q=0.8") == "es"


def test_english_when_nothing_is_known() -> None:
    assert negotiate(None, None, None) == "en"


def test_a_language_we_do_not_have_is_passed_over() -> None:
    """A saved or chosen language without a catalogue gives way to the next choice."""
    assert negotiate("pt", "xx", "de, es;q=0.5") == "es"


def test_a_regional_tag_finds_its_language() -> None:
    assert pick_language("fr-CA") == "fr"


def test_the_most_wanted_language_wins_whatever_the_order() -> None:
    """q-values decide, not the order of the header; q=0 means "not this one"."""
    assert pick_language("en;q=0.2, es;q=0.9, fr;q=0.5") == "es"
    assert pick_language("fr;q=0, es;q=0.1") == "es"
    assert pick_language("fr;q=oops, de") == "en"


def test_each_language_is_named_in_itself() -> None:
    names = {code: i18n.language_name(code) for code in i18n.available_languages()}
    assert names["en"] == "English"
    assert names["fr"] == "Français"
    assert names["es"] == "Español"


def test_a_word_agrees_with_what_it_describes() -> None:
    """One English "Published", three French and Spanish ones: a booth's state, a question's,
    the moderators' heading over the questions; English shows the word as written."""
    from fair.hall.rules import LABELS as HALL
    from fair.qa.rules import LABELS as QA

    booth, question = HALL["booth.state"]["published"], QA["question.state"]["approved"]
    with i18n.speaking("fr"):
        assert [i18n.gettext(booth), i18n.gettext(question)] == ["Publié", "Publiée"]
        assert i18n.pgettext("questions", "Published") == "Publiées"
    with i18n.speaking("es"):
        assert [i18n.gettext(booth), i18n.gettext(question)] == ["Publicado", "Publicada"]
    with i18n.speaking("en"):
        assert i18n.gettext(booth) == i18n.gettext(question) == "Published"
