"""Setting up booths: create, edit, consortium, state, team, office hours."""

from __future__ import annotations

import json

from sqlalchemy import delete, select

from fair.core.access import Purpose, require
from fair.core.accounts.actions import person_view
from fair.core.accounts.countries import country_names
from fair.core.accounts.events import RoleChanged
from fair.core.accounts.models import User
from fair.core.accounts.roles import Capability, Role
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database, Tx
from fair.core.errors import Conflict, Invalid, NotFound
from fair.core.home.models import Theme
from fair.core.i18n import gettext as _
from fair.core.slugs import slugify
from fair.core.tables import utcnow
from fair.core.zones import form_zone, in_zone
from fair.hall import events, views
from fair.hall.access import access_booth
from fair.hall.actions import (
    BOOTH_CREATED,
    BOOTH_EDITED,
    BOOTH_STATE_CHANGED,
    CONSORTIUM_SET,
    TEAM_MEMBER_ADDED,
    TEAM_MEMBER_REMOVED,
)
from fair.hall.inputs import (
    BoothCreation,
    BoothDetails,
    Consortium,
    OfficeHourInput,
    StateChange,
    TeamInvitation,
)
from fair.hall.models import Booth, BoothCountry, ConsortiumMember, OfficeHour, TeamMember
from fair.hall.rules import BoothState, CountryRole, may_transition


def _details(booth: Booth) -> dict[str, object]:
    """What an edit of the booth's details can change, for the audit log."""
    return {
        "title": booth.title,
        "tagline": booth.tagline,
        "description": booth.description,
        "theme_id": booth.theme_id,
        "contact_email": booth.contact_email,
        "contact_phone": booth.contact_phone,
        "website": booth.website,
        "links": booth.links,
    }


async def _theme_id(tx: Tx, slug: str) -> int | None:
    if not slug:
        return None
    theme_id = await tx.session.scalar(select(Theme.id).where(Theme.slug == slug))
    if theme_id is None:
        raise Invalid(
            "input.invalid",
            _("Some fields are missing or not valid."),
            fields={"theme": _("Choose a theme from the list.")},
        )
    return theme_id


async def _unique_slug(tx: Tx, wanted: str) -> str:
    slug, n = wanted, 1
    while await tx.session.scalar(select(Booth.id).where(Booth.slug == slug)) is not None:
        n += 1
        slug = f"{wanted[:75]}-{n}"
    return slug


async def refresh_search_text(tx: Tx, booth: Booth) -> None:
    """What the hall's search looks in: title, tagline, description, consortium and countries."""
    names = await tx.session.scalars(
        select(ConsortiumMember.name).where(ConsortiumMember.booth_id == booth.id)
    )
    codes = await tx.session.scalars(
        select(BoothCountry.code).where(BoothCountry.booth_id == booth.id)
    )
    countries = country_names("en")  # the search text is stored, in one language
    parts = [
        booth.title,
        booth.tagline,
        booth.description,
        *names,
        *(countries.get(c, c) for c in codes),
    ]
    booth.search_text = " ".join(parts).lower()


async def create_booth(
    db: Database, viewer: Viewer, form: BoothCreation, *, demo: bool = False
) -> Booth:
    """An organiser opens a new booth, as a draft."""
    require(viewer, Capability.EDIT_FAIR)
    now = utcnow()
    async with db.transaction(actor_id=viewer.user_id) as tx:
        slug = form.slug or slugify(form.title, "booth")
        if form.slug and await tx.session.scalar(select(Booth.id).where(Booth.slug == slug)):
            raise Conflict(
                "hall.slug_taken",
                _("Another booth already has this address."),
                fields={"slug": _("Choose another address.")},
            )
        booth = Booth(
            slug=await _unique_slug(tx, slug),
            title=form.title,
            tagline=form.tagline,
            theme_id=await _theme_id(tx, form.theme),
            state=BoothState.DRAFT.value,
            created_at=now,
            updated_at=now,
            demo=demo,
        )
        tx.session.add(booth)
        await tx.session.flush()
        await refresh_search_text(tx, booth)
        tx.audit(viewer, BOOTH_CREATED, booth.id, after={"slug": booth.slug, "title": booth.title})
        tx.record(events.BoothCreated(booth=await views.summary(tx.session, booth)))
    return booth


async def edit_booth(db: Database, viewer: Viewer, booth_id: int, form: BoothDetails) -> Booth:
    """The team (or an organiser) changes the booth's details and countries."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        booth = (await access_booth(tx.session, viewer, booth_id, Purpose.RUN)).booth
        before = _details(booth)
        booth.title, booth.tagline, booth.description = form.title, form.tagline, form.description
        booth.theme_id = await _theme_id(tx, form.theme)
        booth.contact_email, booth.contact_phone = form.contact_email, form.contact_phone
        booth.website = form.website
        booth.links = json.dumps([link.model_dump() for link in form.links])
        booth.updated_at = utcnow()
        await tx.session.execute(delete(BoothCountry).where(BoothCountry.booth_id == booth_id))
        for role, codes in (
            (CountryRole.ORIGIN, form.origin_countries),
            (CountryRole.DESTINATION, form.destination_countries),
        ):
            for code in dict.fromkeys(codes):
                tx.session.add(BoothCountry(booth_id=booth_id, code=code, kind=role.value))
        await tx.session.flush()
        await refresh_search_text(tx, booth)
        after = {
            **_details(booth),
            "origin_countries": form.origin_countries,
            "destination_countries": form.destination_countries,
        }
        tx.audit(viewer, BOOTH_EDITED, booth.id, before=before, after=after)
        tx.record(events.BoothChanged(booth=await views.summary(tx.session, booth)))
    return booth


async def set_consortium(db: Database, viewer: Viewer, booth_id: int, form: Consortium) -> None:
    """The team lists the organisations of the project's consortium, in order."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        booth = (await access_booth(tx.session, viewer, booth_id, Purpose.RUN)).booth
        before = list(
            await tx.session.scalars(
                select(ConsortiumMember.name)
                .where(ConsortiumMember.booth_id == booth_id)
                .order_by(ConsortiumMember.position)
            )
        )
        await tx.session.execute(
            delete(ConsortiumMember).where(ConsortiumMember.booth_id == booth_id)
        )
        for position, member in enumerate(form.members):
            tx.session.add(
                ConsortiumMember(
                    booth_id=booth_id,
                    name=member.name,
                    kind=member.kind.value,
                    country=member.country,
                    position=position,
                )
            )
        booth.updated_at = utcnow()
        await tx.session.flush()
        await refresh_search_text(tx, booth)
        tx.audit(
            viewer,
            CONSORTIUM_SET,
            booth_id,
            before={"members": before},
            after={"members": [member.name for member in form.members]},
        )
        tx.record(events.BoothChanged(booth=await views.summary(tx.session, booth)))


async def change_state(db: Database, viewer: Viewer, booth_id: int, form: StateChange) -> Booth:
    """An organiser publishes a booth, takes it back to draft, or archives it."""
    require(viewer, Capability.EDIT_FAIR)
    async with db.transaction(actor_id=viewer.user_id) as tx:
        booth = (await access_booth(tx.session, viewer, booth_id, Purpose.RUN)).booth
        current = BoothState(booth.state)
        if current == form.state:
            return booth
        if not may_transition(current, form.state):
            raise Conflict(
                "hall.bad_transition",
                _("A %(current)s booth cannot become %(target)s.")
                % {"current": current.value, "target": form.state.value},
            )
        tx.audit(
            viewer,
            BOOTH_STATE_CHANGED,
            booth_id,
            before={"state": current.value},
            after={"state": form.state.value},
        )
        booth.state = form.state.value
        booth.updated_at = utcnow()
        if form.state == BoothState.PUBLISHED and booth.published_at is None:
            booth.published_at = booth.updated_at
        view = await views.summary(tx.session, booth)
        tx.record(events.BoothStateChanged(booth=view))
    return booth


async def add_team_member(
    db: Database, viewer: Viewer, booth_id: int, form: TeamInvitation
) -> User:
    """An organiser adds an account to a booth's team; a participant becomes an exhibitor."""
    require(viewer, Capability.EDIT_FAIR)
    async with db.transaction(actor_id=viewer.user_id) as tx:
        await access_booth(tx.session, viewer, booth_id, Purpose.RUN)
        user = await tx.session.scalar(select(User).where(User.email == form.email))
        if user is None:
            raise NotFound(
                "hall.no_such_account",
                _("Nobody has registered with this e-mail yet. Ask them to register first."),
                fields={"email": _("No account with this e-mail.")},
            )
        on_team = await tx.session.get(TeamMember, (booth_id, user.id)) is not None
        if not on_team:
            tx.session.add(TeamMember(booth_id=booth_id, user_id=user.id, added_at=utcnow()))
        tx.audit(
            viewer,
            TEAM_MEMBER_ADDED,
            booth_id,
            before={"user_id": user.id, "on_team": on_team, "role": user.role},
            after={
                "user_id": user.id,
                "on_team": True,
                "role": Role.EXHIBITOR.value if user.role == Role.PARTICIPANT.value else user.role,
            },
        )
        if user.role == Role.PARTICIPANT.value:
            user.role = Role.EXHIBITOR.value
            tx.record(RoleChanged(person=person_view(user)))
        await tx.session.flush()
        members = await views.team(tx.session, booth_id)
        tx.record(events.TeamChanged(booth_id=booth_id, members=members))
    return user


async def remove_team_member(db: Database, viewer: Viewer, booth_id: int, user_id: int) -> None:
    """An organiser takes an account off a booth's team."""
    require(viewer, Capability.EDIT_FAIR)
    async with db.transaction(actor_id=viewer.user_id) as tx:
        await access_booth(tx.session, viewer, booth_id, Purpose.RUN)
        member = await tx.session.get(TeamMember, (booth_id, user_id))
        if member is None:
            return
        tx.audit(
            viewer,
            TEAM_MEMBER_REMOVED,
            booth_id,
            before={"user_id": user_id, "on_team": True},
            after={"user_id": user_id, "on_team": False},
        )
        await tx.session.delete(member)
        await tx.session.flush()
        members = await views.team(tx.session, booth_id)
        tx.record(events.TeamChanged(booth_id=booth_id, members=members))


async def add_office_hour(
    db: Database, viewer: Viewer, booth_id: int, form: OfficeHourInput
) -> None:
    """The team says when someone is on duty at the booth."""
    async with db.transaction(actor_id=viewer.user_id) as tx:
        await access_booth(tx.session, viewer, booth_id, Purpose.RUN)
        zone = await form_zone(tx.session, form.zone)
        tx.session.add(
            OfficeHour(
                booth_id=booth_id,
                starts_at=in_zone(form.starts_at, zone),
                ends_at=in_zone(form.ends_at, zone),
                note=form.note,
            )
        )
        await tx.session.flush()
        hours = await views.office_hours(tx.session, booth_id)
        tx.record(events.OfficeHoursChanged(booth_id=booth_id, hours=hours))


async def remove_office_hour(db: Database, viewer: Viewer, booth_id: int, hour_id: int) -> None:
    async with db.transaction(actor_id=viewer.user_id) as tx:
        await access_booth(tx.session, viewer, booth_id, Purpose.RUN)
        hour = await tx.session.get(OfficeHour, hour_id)
        if hour is None or hour.booth_id != booth_id:
            raise NotFound("hall.no_such_slot", _("There is no such slot."))
        await tx.session.delete(hour)
        await tx.session.flush()
        hours = await views.office_hours(tx.session, booth_id)
        tx.record(events.OfficeHoursChanged(booth_id=booth_id, hours=hours))
