"""One access contract: who acts (an `Actor`), for what (a `Purpose`), and the kernel's checks.

Every feature's `access_<thing>(session, who, thing_id, purpose, *, lock=False)` loads the
thing and returns its access (with the `actor` for any purpose but SEE) or refuses with a
stable code; channel rules are built from the same functions (`fair.core.channels.access_rule`),
so who may follow `booth:7:team` and who may act on booth 7 as its team are one decision.
"""

from __future__ import annotations

from enum import StrEnum

from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import SYSTEM, Actor, Person, System, Who
from fair.core.errors import Forbidden, NotAuthenticated
from fair.core.i18n import gettext as _


class Purpose(StrEnum):
    """What someone wants to do with a thing: the one vocabulary of every `access_*` helper."""

    SEE = "see"
    """Look at it and follow its public channel."""
    CONTRIBUTE = "contribute"
    """Add to it: a chat message, a question, a post."""
    REACT = "react"
    """Respond to what others contributed: a vote."""
    CONTACT = "contact"
    """Leave one's card for the people who run it."""
    RUN = "run"
    """Change it as the people in charge of it do (a booth's team, organisers)."""
    MODERATE = "moderate"
    """Curate what others contributed (decide, hide, remove)."""
    ANSWER = "answer"
    """Answer as one of its panelists."""
    BACKSTAGE = "backstage"
    """Be among the people who staff it, in their private space."""


def acting(who: Who) -> Actor:
    """The actor behind `who`: the platform, or a logged-in person; else refuse."""
    if isinstance(who, System):
        return SYSTEM
    return acting_person(who)


def acting_person(who: Who) -> Person:
    """The logged-in person behind `who`; the platform itself is no person (it asks nothing)."""
    if isinstance(who, System):
        raise Forbidden("account.person_needed", _("Only a person can do this."))
    if who.user_id is None or who.role is None:
        raise NotAuthenticated("account.login_required", _("Log in to do this."))
    return Person(who.user_id, who.role, who.display_name, who.login_id)


def require(who: Who, capability: Capability) -> Actor:
    """The actor, if logged in (or the platform) with a role that grants `capability`."""
    actor = acting(who)
    if not actor.can(capability):
        raise Forbidden("account.forbidden", _("Your role does not allow this."))
    return actor


def require_person(who: Who, capability: Capability) -> Person:
    """The logged-in person behind `who`, if their role grants `capability`."""
    person = acting_person(who)
    if not person.can(capability):
        raise Forbidden("account.forbidden", _("Your role does not allow this."))
    return person


def person_of(actor: Actor | None) -> Person:
    """The person in an access's `actor`, for what only a person does (chat, ask, vote)."""
    if isinstance(actor, Person):
        return actor
    return acting_person(SYSTEM)
