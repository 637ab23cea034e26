"""Roles and what each may do: pure rules, no database."""

from __future__ import annotations

from enum import StrEnum

from fair.core.i18n import N_


class Role(StrEnum):
    PARTICIPANT = "participant"
    EXHIBITOR = "exhibitor"
    PANELIST = "panelist"
    MODERATOR = "moderator"
    ORGANISER = "organiser"


ROLE_LABELS: dict[str, str] = {
    Role.PARTICIPANT: N_("participant"),
    Role.EXHIBITOR: N_("exhibitor"),
    Role.PANELIST: N_("panelist"),
    Role.MODERATOR: N_("moderator"),
    Role.ORGANISER: N_("organiser"),
}
"""How each role reads (the `label` filter translates it: `{{ role | label("role") }}`)."""


class Capability(StrEnum):
    """Something a role allows; features check capabilities, never role names."""

    TAKE_PART = "fair.take_part"
    SEE_PEOPLE = "accounts.people.see"
    CHANGE_ROLES = "accounts.roles.change"
    BAN = "accounts.ban"
    INVITE_PEOPLE = "accounts.people.invite"
    EDIT_FAIR = "fair.edit"
    RUN_BOOTH = "hall.booth.run"
    ANSWER = "qa.answer"
    MODERATE = "fair.moderate"


_EVERYONE = {Capability.TAKE_PART}

GRANTS: dict[Role, frozenset[Capability]] = {
    Role.PARTICIPANT: frozenset(_EVERYONE),
    Role.EXHIBITOR: frozenset(_EVERYONE | {Capability.RUN_BOOTH}),
    Role.PANELIST: frozenset(_EVERYONE | {Capability.ANSWER}),
    Role.MODERATOR: frozenset(_EVERYONE | {Capability.MODERATE}),
    Role.ORGANISER: frozenset(Capability),
}


def can(role: Role | None, capability: Capability) -> bool:
    """Whether `role` (None: not logged in) grants `capability`."""
    return role is not None and capability in GRANTS[role]
