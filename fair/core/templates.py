"""The Jinja2 environment: every feature's templates, gettext, and a few filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.templating import Jinja2Templates

from fair.core import i18n
from fair.core.accounts.countries import country_names
from fair.core.accounts.tombstones import FORMER_PARTICIPANT
from fair.core.assets import StaticAssets
from fair.core.contract import Feature
from fair.core.field_errors import field_error, invalid
from fair.core.reports.rules import Reason, reason_label
from fair.core.settings import Settings
from fair.core.text import render_markdown
from fair.core.zones import zone_choices

CORE_TEMPLATES = Path(__file__).with_name("templates")


def _current_language() -> str:
    return i18n.current_language()


def country_name(code: str) -> str:
    return country_names(_current_language()).get(code, code)


def format_day(value: date, format: str = "long") -> str:
    """A calendar day in the viewer's language; `full` names the weekday too."""
    return format_date(value, format=format, locale=_current_language())


def format_moment(value: datetime, zone: str = "UTC") -> str:
    """A moment in the given time zone, named: the page script rewrites it in the viewer's."""
    return format_datetime(
        value, format="EEE d MMM, HH:mm zzz", tzinfo=ZoneInfo(zone), locale=_current_language()
    )


def format_number(value: float) -> str:
    """A count or figure written the language's way (1,234 / 1 234 / 1.234)."""
    return format_decimal(value, locale=_current_language())


def format_duration(seconds: int) -> str:
    """A length as hours:minutes:seconds, or minutes:seconds under an hour (`12:30`)."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def format_size(size: int) -> str:
    if size < 1024:
        return i18n.gettext("%(n)s bytes") % {"n": format_number(size)}
    if size < 1024 * 1024:
        return i18n.gettext("%(n)s KB") % {
            "n": format_decimal(size / 1024, "0.0", locale=_current_language())
        }
    return i18n.gettext("%(n)s MB") % {
        "n": format_decimal(size / (1024 * 1024), "0.0", locale=_current_language())
    }


def labeller(features: Sequence[Feature]) -> Callable[[object, str], str]:
    """The `label` filter: an enum value as it reads in the active language, from the
    features' `labels` (an unknown vocabulary is a mistake in a template: KeyError)."""
    vocabularies: dict[str, Mapping[str, str]] = {
        name: labels for feature in features for name, labels in feature.labels.items()
    }

    def label(value: object, vocabulary: str) -> str:
        message = vocabularies[vocabulary].get(str(value))
        return i18n.gettext(message) if message is not None else str(value)

    return label


def languages() -> list[tuple[str, str]]:
    """The switcher's choices: each language's code and its own name."""
    return [(code, i18n.language_name(code)) for code in i18n.available_languages()]


def report_reasons() -> list[tuple[str, str]]:
    """The reasons a report may give, with their labels in the viewer's language."""
    return [(reason.value, reason_label(reason)) for reason in Reason]


def shown(value: object) -> object:
    """What every `{{ ... }}` prints: the value, but a deleted account's stored name
    ("former participant") in the viewer's language, wherever a page names an author."""
    if isinstance(value, str) and value == FORMER_PARTICIPANT:
        return i18n.gettext(FORMER_PARTICIPANT)
    return value


def create_templates(
    settings: Settings, features: Sequence[Feature], assets: StaticAssets | None = None
) -> Jinja2Templates:
    assets = assets or StaticAssets.scan()
    loaders = [FileSystemLoader(str(f.templates)) for f in features if f.templates is not None]
    env = Environment(
        loader=ChoiceLoader([*loaders, FileSystemLoader(str(CORE_TEMPLATES))]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=shown,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext
    )
    env.filters["markdown"] = render_markdown
    env.filters["country"] = country_name
    env.filters["countries"] = lambda codes: ", ".join(country_name(code) for code in codes)
    env.filters["day"] = format_day
    env.filters["moment"] = format_moment
    env.filters["size"] = format_size
    env.filters["number"] = format_number
    env.filters["duration"] = format_duration
    env.filters["label"] = labeller(features)
    env.globals["languages"] = languages
    env.globals["current_language"] = i18n.current_language
    env.globals["production"] = settings.production
    env.globals["organise_links"] = [link for feature in features for link in feature.organise]
    env.globals["report_reasons"] = report_reasons
    env.globals["country_choices"] = lambda: country_names(_current_language())
    env.globals["static_url"] = assets.url
    env.globals["importmap"] = assets.importmap
    env.globals["zone_choices"] = zone_choices
    env.globals["invalid"] = invalid
    env.globals["field_error"] = field_error
    return Jinja2Templates(env=env)
