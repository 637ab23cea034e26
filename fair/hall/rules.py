"""The hall's rules: booth states, organisation kinds and who may do what. Pure: no database."""

from __future__ import annotations

from enum import StrEnum

from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Viewer
from fair.core.i18n import N_, NP_


class BoothState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


TRANSITIONS: dict[BoothState, frozenset[BoothState]] = {
    BoothState.DRAFT: frozenset({BoothState.PUBLISHED}),
    BoothState.PUBLISHED: frozenset({BoothState.DRAFT, BoothState.ARCHIVED}),
    BoothState.ARCHIVED: frozenset({BoothState.PUBLISHED}),
}


class OrganisationKind(StrEnum):
    DIASPORA = "diaspora association"
    LOCAL_AUTHORITY = "local authority"
    NGO = "NGO"
    ACADEMIA = "academia"
    INTERNATIONAL = "international organisation"
    GOVERNMENT = "government"
    PRIVATE = "private sector"
    FOUNDATION = "foundation"


class MediaKind(StrEnum):
    INTERVIEW = "interview"
    DOCUMENT = "document"
    IMAGE = "image"
    LOGO = "logo"


class CountryRole(StrEnum):
    ORIGIN = "origin"
    DESTINATION = "destination"


def may_transition(current: BoothState, target: BoothState) -> bool:
    return target in TRANSITIONS[current]


def is_staff(viewer: Viewer) -> bool:
    """Organisers and moderators see every booth, whatever its state."""
    return viewer.can(Capability.EDIT_FAIR) or viewer.can(Capability.MODERATE)


def may_see(viewer: Viewer, state: BoothState, on_team: bool) -> bool:
    """Published and archived booths are public; drafts only for their team and the staff."""
    return state != BoothState.DRAFT or on_team or is_staff(viewer)


def may_run(viewer: Viewer, on_team: bool) -> bool:
    """Edit the booth, its media and office hours, answer cards: its exhibitor team, organisers."""
    return (on_team and viewer.can(Capability.RUN_BOOTH)) or viewer.can(Capability.EDIT_FAIR)


def may_remove_chat(viewer: Viewer, on_team: bool) -> bool:
    return may_run(viewer, on_team) or viewer.can(Capability.MODERATE)


def chat_is_open(state: BoothState) -> bool:
    return state == BoothState.PUBLISHED


def may_leave_card(viewer: Viewer, state: BoothState, on_team: bool) -> bool:
    return viewer.authenticated and state == BoothState.PUBLISHED and not on_team


LABELS: dict[str, dict[str, str]] = {
    "booth.state": {
        BoothState.DRAFT: N_("Draft"),
        # The word agrees with "booth" (un stand publié), not with a question (publiée).
        BoothState.PUBLISHED: NP_("booth", "Published"),
        BoothState.ARCHIVED: N_("Archived"),
    },
    "organisation.kind": {
        OrganisationKind.DIASPORA: N_("diaspora association"),
        OrganisationKind.LOCAL_AUTHORITY: N_("local authority"),
        OrganisationKind.NGO: N_("NGO"),
        OrganisationKind.ACADEMIA: N_("academia"),
        OrganisationKind.INTERNATIONAL: N_("international organisation"),
        OrganisationKind.GOVERNMENT: N_("government"),
        OrganisationKind.PRIVATE: N_("private sector"),
        OrganisationKind.FOUNDATION: N_("foundation"),
    },
    "media.kind": {
        MediaKind.INTERVIEW: N_("interview"),
        MediaKind.DOCUMENT: N_("document"),
        MediaKind.IMAGE: N_("image"),
        MediaKind.LOGO: N_("logo"),
    },
}
"""How the hall's enums read (the `label` filter translates them)."""
