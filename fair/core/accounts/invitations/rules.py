"""Invitation rules, pure: the state an invitation shows, what may be done with it, and how a
typed list of people reads (one person a line, or several e-mails on one)."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from fair.core.i18n import N_

MAX_PEOPLE = 50
"""People one invitation form may name."""


class InvitationState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    """Shown, never stored: a pending invitation whose time ran out."""


STATE_LABELS: dict[str, str] = {
    InvitationState.PENDING: N_("pending"),
    InvitationState.ACCEPTED: N_("accepted"),
    InvitationState.WITHDRAWN: N_("withdrawn"),
    InvitationState.EXPIRED: N_("expired"),
}


def shown_state(stored: str, expires_at: datetime, now: datetime) -> InvitationState:
    """What an invitation is now: a pending one past its expiry reads as expired."""
    state = InvitationState(stored)
    if state is InvitationState.PENDING and expires_at <= now:
        return InvitationState.EXPIRED
    return state


def may_resend(state: InvitationState) -> bool:
    """Pending and expired invitations can be sent again (a new link, a new expiry)."""
    return state in {InvitationState.PENDING, InvitationState.EXPIRED}


def may_withdraw(state: InvitationState) -> bool:
    """Only an invitation still waiting for its answer can be withdrawn."""
    return state in {InvitationState.PENDING, InvitationState.EXPIRED}


_ANGLE = re.compile(r"^(?P<name>[^<>]*)<(?P<email>[^<>]+)>\s*$")
_SEPARATORS = re.compile(r"[,;\s]+")


def invitees_from_text(text: str) -> list[dict[str, str]]:
    """The people a pasted list names, as the invitation form's fields: one a line as
    `name@example.org`, `name@example.org Ama Mensah`, `Ama Mensah <name@example.org>`, or
    several e-mails on one line separated by commas (no names then). Blank lines are skipped;
    a line without an address is kept whole as the e-mail, for the form to refuse."""
    people: list[dict[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        angle = _ANGLE.match(line)
        if angle:
            name = angle.group("name").strip().strip(",;").strip().strip('"')
            people.append({"email": angle.group("email").strip(), "display_name": name})
            continue
        words = [word for word in _SEPARATORS.split(line) if word]
        addresses = [word for word in words if "@" in word]
        if len(addresses) == 1:
            rest = [word for word in words if word != addresses[0]]
            people.append({"email": addresses[0], "display_name": " ".join(rest)})
        elif addresses:
            people.extend({"email": address, "display_name": ""} for address in addresses)
        else:
            people.append({"email": line, "display_name": ""})
    return people
