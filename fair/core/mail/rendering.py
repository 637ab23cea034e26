"""Mail written from templates under `mail/`: a plain text part and a minimal HTML part, in the
language of the person it is for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment

from fair.core.i18n import speaking


@dataclass(frozen=True)
class Written:
    subject: str
    text: str
    html: str


def write_mail(env: Environment, name: str, language: str, context: dict[str, Any]) -> Written:
    """`mail/<name>.txt` and `mail/<name>.html`, rendered in `language`; the subject is the
    text template's first line."""
    with speaking(language):
        text = env.get_template(f"mail/{name}.txt").render(context)
        html = env.get_template(f"mail/{name}.html").render(context)
    subject, _, body = text.partition("\n")
    return Written(subject.strip(), body.lstrip("\n"), html)
