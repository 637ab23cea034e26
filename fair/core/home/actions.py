"""Setting up the fair: its details, its themes and the countries in play.

Each of the three writes one audit row (`fair.core.audit`), the demo loader's as the platform.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from fair.core.access import require
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Who
from fair.core.audit import audited
from fair.core.db import Database, Tx
from fair.core.errors import Invalid
from fair.core.events import Event, View
from fair.core.home.inputs import Countries, FairDetails, Themes
from fair.core.home.models import FairCountry, FairInfo, Theme
from fair.core.home.queries import FairView, fair_view
from fair.core.i18n import gettext as _

FAIR_CHANNEL = "fair"
FAIR_TARGET = "fair"
"""The target id of the fair itself in the audit log (there is one fair)."""

DETAILS_SET = audited("fair.details.set", "fair", "An organiser set the fair's details.")
THEMES_SET = audited("fair.themes.set", "fair", "An organiser set the fair's themes.")
COUNTRIES_SET = audited("fair.countries.set", "fair", "An organiser set the countries in play.")


class ThemeView(View):
    slug: str
    name: str
    description: str


class FairDetailsChanged(Event):
    """The fair's name, dates, time zone or description changed. Seen by everyone on `fair`."""

    type = "fair.details.changed"
    fair: FairView

    def audience(self) -> tuple[str, ...]:
        return (FAIR_CHANNEL,)


class FairThemesChanged(Event):
    """The fair's themes (priority areas) changed. Seen by everyone on `fair`."""

    type = "fair.themes.changed"
    themes: list[ThemeView]

    def audience(self) -> tuple[str, ...]:
        return (FAIR_CHANNEL,)


class FairCountriesChanged(Event):
    """The list of countries in play changed. Seen by everyone on `fair`."""

    type = "fair.countries.changed"
    countries: list[str]

    def audience(self) -> tuple[str, ...]:
        return (FAIR_CHANNEL,)


async def _fair_row(tx: Tx) -> FairInfo | None:
    return await tx.session.scalar(select(FairInfo).order_by(FairInfo.id).limit(1))


async def set_fair_details(db: Database, who: Who, form: FairDetails) -> FairView:
    """An organiser (or the demo loader, as the platform) sets the fair's details."""
    actor = require(who, Capability.EDIT_FAIR)
    async with db.transaction(actor_id=actor.user_id) as tx:
        info = await _fair_row(tx)
        before = None if info is None else fair_view(info).model_dump(mode="json")
        if info is None:
            info = FairInfo()
            tx.session.add(info)
        info.name, info.tagline, info.timezone = form.name, form.tagline, form.timezone
        info.starts_on, info.ends_on, info.description = (
            form.starts_on,
            form.ends_on,
            form.description,
        )
        view = fair_view(info)
        tx.audit(actor, DETAILS_SET, FAIR_TARGET, before=before, after=view.model_dump(mode="json"))
        tx.record(FairDetailsChanged(fair=view))
    return view


async def set_themes(db: Database, who: Who, form: Themes) -> list[ThemeView]:
    """An organiser sets the themes, in order; themes kept by slug keep their booths."""
    actor = require(who, Capability.EDIT_FAIR)
    slugs = [theme.slug for theme in form.themes]
    if len(set(slugs)) != len(slugs):
        raise Invalid(
            "input.invalid",
            _("Two themes have the same short name."),
            fields={"themes": _("Short names must differ.")},
        ).about(Themes)
    async with db.transaction(actor_id=actor.user_id) as tx:
        existing = {t.slug: t for t in await tx.session.scalars(select(Theme))}
        before = [t.slug for t in sorted(existing.values(), key=lambda t: t.position)]
        for position, theme in enumerate(form.themes):
            row = existing.pop(theme.slug, None) or Theme(slug=theme.slug)
            row.name, row.description, row.position = theme.name, theme.description, position
            tx.session.add(row)
        for row in existing.values():
            await tx.session.delete(row)
        views = [
            ThemeView(slug=t.slug, name=t.name, description=t.description) for t in form.themes
        ]
        tx.audit(actor, THEMES_SET, FAIR_TARGET, before={"themes": before}, after={"themes": slugs})
        tx.record(FairThemesChanged(themes=views))
    return views


async def set_countries(db: Database, who: Who, form: Countries) -> list[str]:
    """An organiser sets the countries in play (the hall's country filter offers these)."""
    actor = require(who, Capability.EDIT_FAIR)
    codes = sorted(set(form.countries))
    async with db.transaction(actor_id=actor.user_id) as tx:
        before = sorted(await tx.session.scalars(select(FairCountry.code)))
        tx.audit(
            actor,
            COUNTRIES_SET,
            FAIR_TARGET,
            before={"countries": before},
            after={"countries": codes},
        )
        await tx.session.execute(delete(FairCountry))
        tx.session.add_all([FairCountry(code=code) for code in codes])
        tx.record(FairCountriesChanged(countries=codes))
    return codes
