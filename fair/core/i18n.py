"""Translations: every user-facing string goes through gettext.

The active translation is per request (a context variable). Its language is, in order: the
person's saved preference, the language chosen with the switcher (a cookie), the browser's
`Accept-Language`, English (`negotiate`). English is the source language, so with no
catalogue the strings are shown as written. A language is a folder
fair/locale/<code>/LC_MESSAGES with the `fair` catalogue.
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext as _gettext
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from babel import Locale

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "fair"
LANGUAGE_COOKIE = "fair_language"
"""The language a visitor chose with the switcher (a logged-in person's is also saved)."""

_SOURCE_LANGUAGE = _gettext.NullTranslations()
_active: contextvars.ContextVar[_gettext.NullTranslations] = contextvars.ContextVar("translations")


@cache
def translations_for(language: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


@cache
def available_languages() -> list[str]:
    """English, then every language with a folder under fair/locale."""
    if not LOCALE_DIR.is_dir():
        return ["en"]
    return ["en", *sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())]


def language_name(language: str) -> str:
    """The language's name in itself (English, Français, Español), as the switcher shows it."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def _weighted(accept_language: str) -> list[str]:
    """The header's tags, most wanted first (a stable sort on q; q=0 means "not this")."""
    tags: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _sep, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            tags.append((quality, tag.lower()))
    return [tag for _quality, tag in sorted(tags, key=lambda pair: -pair[0])]


def supported(language: str | None) -> str | None:
    """`language` (`fr`, `fr-CA`, `fr_CA`) as one of ours, if we have it or its base."""
    if not language:
        return None
    available = set(available_languages())
    tag = language.strip().lower().replace("_", "-")
    for candidate in (tag, tag.split("-")[0]):
        if candidate in available:
            return candidate
    return None


def pick_language(accept_language: str | None) -> str:
    """The most wanted language in the header that has a catalogue, else English."""
    for tag in _weighted(accept_language or ""):
        found = supported(tag)
        if found is not None:
            return found
    return "en"


def negotiate(saved: str | None, chosen: str | None, accept_language: str | None) -> str:
    """The language to speak: the saved preference, else the switcher's choice, else the
    browser's, else English (each only if we have it)."""
    return supported(saved) or supported(chosen) or pick_language(accept_language)


def activate(language: str) -> contextvars.Token[_gettext.NullTranslations]:
    return _active.set(translations_for(language))


def speak_saved(language: str | None) -> None:
    """Once the person is known: switch to the language they saved, if they saved one we have
    (it comes before the switcher's cookie and the browser's wish)."""
    found = supported(language)
    if found is not None:
        activate(found)


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """Translate into `language` inside the block (a mail to someone in theirs), then go back
    to the language that was active."""
    token = activate(language)
    try:
        yield
    finally:
        _active.reset(token)


_CONTEXT = "\x04"
"""What separates a message's context from its text (gettext's own convention)."""


def gettext(message: str) -> str:
    if _CONTEXT in message:
        context, _sep, text = message.partition(_CONTEXT)
        return pgettext(context, text)
    return _active.get(_SOURCE_LANGUAGE).gettext(message)


def pgettext(context: str, message: str) -> str:
    """`message` as said of `context` ("Published" of a booth, of a question), for languages
    whose words agree with what they describe."""
    return _active.get(_SOURCE_LANGUAGE).pgettext(context, message)


def N_(message: str) -> str:
    """Marks `message` for `make messages` where it cannot be translated yet (declared at import
    time); whoever shows it translates it then."""
    return message


def NP_(context: str, message: str) -> str:
    """`N_` with a context: marks `message` as said of `context`; `gettext` translates the
    result with that context (and English shows `message`)."""
    return f"{context}{_CONTEXT}{message}"


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active.get(_SOURCE_LANGUAGE).ngettext(singular, plural, n)


def current_language() -> str:
    """The language of the active catalogue ("en" when none is active)."""
    info = _active.get(_SOURCE_LANGUAGE).info()
    return str(info.get("language") or "en")
