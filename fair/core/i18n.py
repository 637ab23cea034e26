"""Translations: every user-facing string goes through gettext.

The active translation is per request (a context variable), chosen from the
`Accept-Language` header among the catalogues under fair/locale; English is the
source language, so with no catalogue the strings are shown as written.
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext as _gettext
from collections.abc import Iterator
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "fair"

_SOURCE_LANGUAGE = _gettext.NullTranslations()
_active: contextvars.ContextVar[_gettext.NullTranslations] = contextvars.ContextVar("translations")


@cache
def translations_for(language: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def available_languages() -> list[str]:
    if not LOCALE_DIR.is_dir():
        return ["en"]
    return ["en", *sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())]


def pick_language(accept_language: str | None) -> str:
    """The first language in the header that has a catalogue, else English."""
    available = set(available_languages())
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        for candidate in (tag, tag.split("-")[0]):
            if candidate in available:
                return candidate
    return "en"


def activate(language: str) -> contextvars.Token[_gettext.NullTranslations]:
    return _active.set(translations_for(language))


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """Translate into `language` inside the block (a mail to someone in theirs), then go back
    to the language that was active."""
    token = activate(language)
    try:
        yield
    finally:
        _active.reset(token)


def gettext(message: str) -> str:
    return _active.get(_SOURCE_LANGUAGE).gettext(message)


def N_(message: str) -> str:
    """Marks `message` for `make messages` where it cannot be translated yet (declared at import
    time); whoever shows it translates it then."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active.get(_SOURCE_LANGUAGE).ngettext(singular, plural, n)


def current_language() -> str:
    """The language of the active catalogue ("en" when none is active)."""
    info = _active.get(_SOURCE_LANGUAGE).info()
    return str(info.get("language") or "en")
