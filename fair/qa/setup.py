"""Organisers set up panels: when, who answers, who moderates, which booths they relate to."""

from __future__ import annotations

from sqlalchemy import select

from fair.core.access import require
from fair.core.accounts.access import accounts_by_email
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.errors import Conflict, Invalid
from fair.core.i18n import gettext as _
from fair.core.slugs import slugify
from fair.core.tables import utcnow
from fair.core.zones import form_zone, in_zone
from fair.hall import public as hall
from fair.qa import events, views
from fair.qa.actions import PANEL_CREATED
from fair.qa.inputs import PanelCreation
from fair.qa.models import Panel, PanelBooth, PanelMember
from fair.qa.rules import PanelRole, PanelState


async def create_panel(
    db: Database, viewer: Viewer, form: PanelCreation, *, demo: bool = False
) -> Panel:
    """An organiser schedules a panel; times typed without a zone are in the fair's zone."""
    require(viewer, Capability.EDIT_FAIR)
    async with db.transaction(actor_id=viewer.user_id) as tx:
        slug = form.slug or slugify(form.title, "panel")
        if await tx.session.scalar(select(Panel.id).where(Panel.slug == slug)) is not None:
            raise Conflict(
                "qa.slug_taken",
                _("Another panel already has this address."),
                fields={"slug": _("Choose another address.")},
            )
        people = await accounts_by_email(
            tx.session, [*form.panelists, *form.moderators], "panelists"
        )
        booths = await hall.booths_by_slug(tx.session, form.booths)
        unknown = [slug for slug in form.booths if slug not in booths]
        if unknown:
            raise Invalid(
                "input.invalid",
                _("Some fields are missing or not valid."),
                fields={
                    "booths": _("No booth at these addresses: %(list)s")
                    % {"list": ", ".join(unknown)}
                },
            ).about(PanelCreation)
        interview_id = None
        if form.interview_from:
            interview_id = await hall.recorded_interview_of(tx.session, form.interview_from)
            if interview_id is None:
                raise Invalid(
                    "input.invalid",
                    _("Some fields are missing or not valid."),
                    fields={"interview_from": _("That booth has no recorded interview.")},
                ).about(PanelCreation)
        zone = await form_zone(tx.session, form.zone)
        panel = Panel(
            slug=slug,
            title=form.title,
            description=form.description,
            starts_at=in_zone(form.starts_at, zone),
            ends_at=in_zone(form.ends_at, zone),
            state=PanelState.SCHEDULED.value,
            moderation=form.moderation.value,
            stream_url=form.stream_url,
            interview_media_id=interview_id,
            demo=demo,
            created_at=utcnow(),
        )
        tx.session.add(panel)
        await tx.session.flush()
        for role, addresses in (
            (PanelRole.PANELIST, form.panelists),
            (PanelRole.MODERATOR, form.moderators),
        ):
            for email in dict.fromkeys(addresses):
                tx.session.add(
                    PanelMember(panel_id=panel.id, user_id=people[email].id, role=role.value)
                )
        for slug_ in dict.fromkeys(form.booths):
            tx.session.add(PanelBooth(panel_id=panel.id, booth_id=booths[slug_].id))
        view = views.panel_view(panel)
        tx.audit(
            viewer,
            PANEL_CREATED,
            panel.id,
            after={"slug": panel.slug, "title": panel.title, "starts_at": panel.starts_at},
        )
        tx.record(events.PanelScheduled(panel=view))
    return panel
