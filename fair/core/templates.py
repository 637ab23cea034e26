"""The Jinja2 environment: every feature's templates, gettext, and a few filters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date, format_datetime
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.templating import Jinja2Templates

from fair.core import i18n
from fair.core.features import Feature
from fair.core.settings import Settings
from fair.core.text import render_markdown

CORE_TEMPLATES = Path(__file__).with_name("templates")


def _current_language() -> str:
    return i18n.current_language()


def format_day(value: date) -> str:
    return format_date(value, format="long", locale=_current_language())


def format_moment(value: datetime) -> str:
    return format_datetime(value, format="medium", locale=_current_language())


def create_templates(settings: Settings, features: Sequence[Feature]) -> Jinja2Templates:
    loaders = [FileSystemLoader(str(f.templates)) for f in features if f.templates is not None]
    env = Environment(
        loader=ChoiceLoader([*loaders, FileSystemLoader(str(CORE_TEMPLATES))]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["markdown"] = render_markdown
    env.filters["day"] = format_day
    env.filters["moment"] = format_moment
    env.globals["production"] = settings.production
    return Jinja2Templates(env=env)
