"""Organisers set up panels: when, who answers, who moderates, which booths they relate to;
and change any of it afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.access import Purpose, require
from fair.core.accounts.access import accounts_by_email
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.audit import audited
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, Invalid
from fair.core.i18n import gettext as _
from fair.core.slugs import slugify
from fair.core.tables import utcnow
from fair.core.zones import form_zone, in_zone
from fair.hall import public as hall
from fair.qa import events, views
from fair.qa.access import access_panel
from fair.qa.actions import PANEL_CREATED
from fair.qa.inputs import PanelCreation, PanelDetails, PanelEdit
from fair.qa.models import Panel, PanelBooth, PanelMember
from fair.qa.rules import PanelRole, PanelState

PANEL_EDITED = audited(
    "qa.panel.edited",
    "panel",
    "An organiser changed a panel's details, times, people, booths or moderation mode.",
)


@dataclass(frozen=True)
class _Resolved:
    """A form's people and booths found in the database: account ids per role, booth ids."""

    members: dict[PanelRole, list[int]]
    booth_ids: list[int]


async def _resolve(tx: Tx, form: PanelDetails) -> _Resolved:
    """The accounts and booths the form names, or `Invalid` on the field naming unknown ones."""
    members: dict[PanelRole, list[int]] = {}
    for role, field in views.ROLE_FIELDS:
        addresses: list[str] = list(dict.fromkeys(getattr(form, field)))
        people = await accounts_by_email(tx.session, addresses, field)
        members[role] = [people[email].id for email in addresses]
    wanted = list(dict.fromkeys(form.booths))
    booths = await hall.booths_by_slug(tx.session, wanted)
    unknown = [slug for slug in wanted if slug not in booths]
    if unknown:
        raise Invalid(
            "input.invalid",
            _("Some fields are missing or not valid."),
            fields={
                "booths": _("No booth at these addresses: %(list)s") % {"list": ", ".join(unknown)}
            },
        ).about(PanelDetails)
    return _Resolved(members, [booths[slug].id for slug in wanted])


async def _interview(session: AsyncSession, booth_slug: str) -> int | None:
    """The recorded interview of the booth the form names (None when it names none)."""
    if not booth_slug:
        return None
    interview_id = await hall.recorded_interview_of(session, booth_slug)
    if interview_id is None:
        raise Invalid(
            "input.invalid",
            _("Some fields are missing or not valid."),
            fields={"interview_from": _("That booth has no recorded interview.")},
        ).about(PanelDetails)
    return interview_id


def _add_people_and_booths(tx: Tx, panel_id: int, resolved: _Resolved) -> None:
    for role, user_ids in resolved.members.items():
        for user_id in user_ids:
            tx.session.add(PanelMember(panel_id=panel_id, user_id=user_id, role=role.value))
    for booth_id in resolved.booth_ids:
        tx.session.add(PanelBooth(panel_id=panel_id, booth_id=booth_id))


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
        resolved = await _resolve(tx, form)
        interview_id = await _interview(tx.session, form.interview_from)
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
        _add_people_and_booths(tx, panel.id, resolved)
        view = views.panel_view(panel)
        tx.audit(
            viewer,
            PANEL_CREATED,
            panel.id,
            after={"slug": panel.slug, "title": panel.title, "starts_at": panel.starts_at},
        )
        tx.record(events.PanelScheduled(panel=view))
    return panel


async def edit_panel(db: Database, viewer: Viewer, panel_id: int, form: PanelEdit) -> Panel:
    """An organiser changes a panel after creating it: anything creation set but its address.
    What changed is recorded as one `qa.panel.changed` and audited; nothing changed, nothing
    recorded. A new moderation mode applies from the next question asked; a panelist or
    moderator taken off loses their rights at once.

    Organisers only, not the panel's moderators: moderators run the queue, but who moderates,
    who answers and when the panel runs are the programme's, and a moderator who could edit
    the panel could appoint moderators. An archived panel is the record and stays as it is.
    """
    require(viewer, Capability.EDIT_FAIR)
    async with db.transaction(actor_id=viewer.user_id) as tx:
        access = await access_panel(tx.session, viewer, panel_id, Purpose.MODERATE, lock=True)
        panel = access.panel
        if access.state == PanelState.ARCHIVED:
            raise Conflict("qa.archived", _("An archived panel is the record: it is not changed."))
        before = await views.panel_settings(tx.session, panel)
        resolved = await _resolve(tx, form)
        if form.interview_from != before["interview_from"]:
            panel.interview_media_id = await _interview(tx.session, form.interview_from)
        zone = await form_zone(tx.session, form.zone)
        panel.title, panel.description = form.title, form.description
        panel.starts_at = in_zone(form.starts_at, zone).astimezone(UTC)
        panel.ends_at = in_zone(form.ends_at, zone).astimezone(UTC)
        panel.moderation, panel.stream_url = form.moderation.value, form.stream_url
        await tx.session.execute(delete(PanelMember).where(PanelMember.panel_id == panel_id))
        await tx.session.execute(delete(PanelBooth).where(PanelBooth.panel_id == panel_id))
        _add_people_and_booths(tx, panel_id, resolved)
        await tx.session.flush()
        after = await views.panel_settings(tx.session, panel)
        changed = [name for name in after if after[name] != before[name]]
        if not changed:
            return panel
        tx.audit(
            viewer,
            PANEL_EDITED,
            panel_id,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
        tx.record(events.PanelChanged(panel=views.panel_view(panel), changed=changed))
    return panel
