"""Bulk import of booths from CSV or JSON, with a report of what was refused per row and why.

Each row is checked completely (fields, theme, team accounts) before anything is written,
so a refused row changes nothing; accepted rows become draft booths.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from fair.core.access import require
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.errors import FairError, Invalid
from fair.core.home.models import Theme
from fair.core.i18n import N_
from fair.core.i18n import gettext as _
from fair.core.inputs import load_json, parse
from fair.hall.actions import booths
from fair.hall.inputs import BoothCreation, BoothDetails, Consortium, TeamInvitation
from fair.hall.rules import OrganisationKind

MAX_ROWS = 500
EXTRA_CELLS = "(cells beyond the header)"
LIST_FIELDS = ("origin_countries", "destination_countries", "team")
COLUMNS = (
    "title",
    "slug",
    "theme",
    "tagline",
    "description",
    "origin_countries",
    "destination_countries",
    "contact_email",
    "contact_phone",
    "website",
    "team",
    "organisations",
)

COLUMN_NOTES: dict[str, str] = {
    "title": N_("Required: the booth's name, 3 to 120 characters."),
    "slug": N_("Its address (lower-case letters, digits, dashes); empty: made from the title."),
    "theme": N_("The address of one of the fair's themes; may be empty."),
    "tagline": N_("One line under the title."),
    "description": N_("The booth's text, in Markdown."),
    "origin_countries": N_("Two-letter country codes separated by “;”, e.g. SN;ML."),
    "destination_countries": N_("Two-letter country codes separated by “;”, e.g. ES;FR."),
    "contact_email": N_("An e-mail address for visitors."),
    "contact_phone": N_("A phone number for visitors."),
    "website": N_("The project's website, starting with https://."),
    "team": N_("E-mails of existing accounts separated by “;”: they run the booth."),
    "organisations": N_(
        "The consortium: “Name|type|country” separated by “;”; the type is one of %(kinds)s."
    ),
}
"""What each column holds, as the import page documents it (every column may be empty but
the title)."""

EXAMPLE: dict[str, str] = {
    "title": "Remesas Solidarias (example)",
    "slug": "",
    "theme": "",
    "tagline": "Cheaper transfers, invested at home",
    "description": "Migrants in Spain and their home towns in Senegal pool remittances.",
    "origin_countries": "SN",
    "destination_countries": "ES;FR",
    "contact_email": "contact@example.org",
    "contact_phone": "+34 600 000 000",
    "website": "https://example.org",
    "team": "",
    "organisations": (
        f"Asociación Remesas Solidarias|{OrganisationKind.DIASPORA.value}|ES;"
        f" Commune de Kolda|{OrganisationKind.LOCAL_AUTHORITY.value}|SN"
    ),
}
"""The template's example row: it imports as it is (its theme is filled in with one of the
fair's, if it has any; its team is left empty, since only existing accounts may be named)."""


def template(theme: str = "") -> tuple[tuple[str, ...], list[list[str]]]:
    """The CSV template's header row and its one example row, in `theme` if given."""
    example = {**EXAMPLE, "theme": theme}
    return COLUMNS, [[example[column] for column in COLUMNS]]


def column_notes() -> list[tuple[str, str]]:
    """Each column and what it holds, in the page's language."""
    kinds = ", ".join(f"“{kind.value}”" for kind in OrganisationKind)
    return [(column, _(COLUMN_NOTES[column]) % {"kinds": kinds}) for column in COLUMNS]


@dataclass
class RowReport:
    row: int
    title: str
    created: bool = False
    booth_id: int | None = None
    problems: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Plan:
    creation: BoothCreation
    details: BoothDetails
    consortium: Consortium
    team: list[TeamInvitation]


def read_rows(filename: str, content: bytes) -> list[dict[str, Any]]:
    """Rows from a .json file (a list of objects) or a .csv file (a header row, then rows)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("hall.import_encoding", _("The file must be UTF-8 text.")) from None
    if filename.lower().endswith(".json"):
        rows = load_json(
            text, code="hall.import_format", message=_("The JSON file cannot be read.")
        )
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise Invalid("hall.import_format", _("The JSON file must hold a list of booths."))
    elif filename.lower().endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text), restval="", restkey=EXTRA_CELLS)
        rows = [dict(row) for row in reader]
    else:
        raise Invalid("hall.import_format", _("Import a .csv or a .json file."))
    if len(rows) > MAX_ROWS:
        raise Invalid(
            "hall.import_too_many", _("At most %(n)s booths at a time.") % {"n": MAX_ROWS}
        )
    return rows


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").split(";") if part.strip()]


def _organisations(value: Any) -> list[dict[str, str]]:
    """`Name|kind|country; ...` in CSV, or a list of {name, kind, country} in JSON."""
    if isinstance(value, list):
        # Anything that is not an object is kept as a name, so validation reports what is wrong.
        return [dict(v) if isinstance(v, dict) else {"name": str(v)} for v in value]
    members = []
    for entry in _split(value):
        name, _sep, rest = entry.partition("|")
        kind, _sep, country = rest.partition("|")
        members.append({"name": name.strip(), "kind": kind.strip(), "country": country.strip()})
    return members


def _plan(raw: dict[str, Any]) -> _Plan:
    unknown = set(raw) - set(COLUMNS)
    if unknown:
        raise Invalid(
            "input.invalid",
            _("Some fields are missing or not valid."),
            fields={str(n): _("This field is not accepted.") for n in sorted(unknown, key=str)},
        )
    value = {key: raw.get(key, "") for key in COLUMNS}
    for key in LIST_FIELDS:
        value[key] = _split(value[key])
    problems: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    checks: list[tuple[str, Any]] = [
        (
            "creation",
            lambda: parse(
                BoothCreation, {k: value[k] for k in ("title", "slug", "theme", "tagline")}
            ),
        ),
        (
            "details",
            lambda: parse(
                BoothDetails,
                {
                    k: value[k]
                    for k in (
                        "title",
                        "tagline",
                        "description",
                        "theme",
                        "origin_countries",
                        "destination_countries",
                        "contact_email",
                        "contact_phone",
                        "website",
                    )
                },
            ),
        ),
        (
            "consortium",
            lambda: parse(Consortium, {"members": _organisations(value["organisations"])}),
        ),
        ("team", lambda: [parse(TeamInvitation, {"email": email}) for email in value["team"]]),
    ]
    for name, check in checks:
        try:
            parsed[name] = check()
        except FairError as refusal:
            problems.update(
                {
                    f"{name}.{k}" if name == "consortium" else k: v
                    for k, v in (refusal.fields or {"_": refusal.message}).items()
                }
            )
    if problems:
        raise Invalid("input.invalid", _("Some fields are missing or not valid."), fields=problems)
    return _Plan(parsed["creation"], parsed["details"], parsed["consortium"], parsed["team"])


async def import_booths(
    db: Database, viewer: Viewer, rows: list[dict[str, Any]]
) -> list[RowReport]:
    """Create a draft booth for every valid row; report each row's outcome."""
    require(viewer, Capability.EDIT_FAIR)
    async with db.reading() as session:
        theme_slugs = set(await session.scalars(select(Theme.slug)))
    reports: list[RowReport] = []
    for number, raw in enumerate(rows, start=1):
        report = RowReport(row=number, title=str(raw.get("title", ""))[:120])
        reports.append(report)
        try:
            plan = _plan(raw)
            if plan.details.theme and plan.details.theme not in theme_slugs:
                raise Invalid(
                    "input.invalid", "", fields={"theme": _("Choose a theme from the list.")}
                )
            async with db.reading() as session:
                emails = [invitation.email for invitation in plan.team]
                known = set(await session.scalars(select(User.email).where(User.email.in_(emails))))
            missing = [email for email in emails if email not in known]
            if missing:
                raise Invalid(
                    "input.invalid",
                    "",
                    fields={
                        "team": _("No account with these e-mails: %(list)s")
                        % {"list": ", ".join(missing)}
                    },
                )
            booth = await booths.create_booth(db, viewer, plan.creation)
            report.booth_id = booth.id
            await booths.edit_booth(db, viewer, booth.id, plan.details)
            await booths.set_consortium(db, viewer, booth.id, plan.consortium)
            for invitation in plan.team:
                await booths.add_team_member(db, viewer, booth.id, invitation)
            report.created = True
        except FairError as refusal:
            report.problems = refusal.fields or {"_": refusal.message}
    return reports
