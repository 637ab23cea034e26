"""Invitation rules without a database: how a pasted list reads, the state an invitation
shows, what may be done with it; and which countries a search names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fair.core.accounts.countries import countries_named
from fair.core.accounts.invitations.rules import (
    InvitationState,
    invitees_from_text,
    may_resend,
    may_withdraw,
    shown_state,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_a_pasted_list_reads_one_person_a_line_or_several_addresses() -> None:
    """An address alone, an address then a name, a name in angle brackets, several addresses
    on a line; blank lines skipped; a line with no address kept whole for the form to refuse."""
    text = (
        "ama@example.org\n"
        "  kofi@example.org Kofi Annan \n"
        "\n"
        '"Diallo, Amina" <amina@example.org>\n'
        "a@example.org, b@example.org; c@example.org\n"
        "just a name\n"
    )
    assert invitees_from_text(text) == [
        {"email": "ama@example.org", "display_name": ""},
        {"email": "kofi@example.org", "display_name": "Kofi Annan"},
        {"email": "amina@example.org", "display_name": "Diallo, Amina"},
        {"email": "a@example.org", "display_name": ""},
        {"email": "b@example.org", "display_name": ""},
        {"email": "c@example.org", "display_name": ""},
        {"email": "just a name", "display_name": ""},
    ]
    assert invitees_from_text(" \n\t\n") == []


@pytest.mark.parametrize(
    ("stored", "expires_in", "shown"),
    [
        ("pending", timedelta(days=1), InvitationState.PENDING),
        ("pending", timedelta(0), InvitationState.EXPIRED),
        ("pending", -timedelta(seconds=1), InvitationState.EXPIRED),
        ("accepted", -timedelta(days=1), InvitationState.ACCEPTED),
        ("withdrawn", timedelta(days=1), InvitationState.WITHDRAWN),
    ],
)
def test_a_pending_invitation_past_its_expiry_shows_as_expired(
    stored: str, expires_in: timedelta, shown: InvitationState
) -> None:
    """Only a pending invitation expires; an accepted or withdrawn one stays what it is."""
    assert shown_state(stored, NOW + expires_in, NOW) is shown


def test_only_unanswered_invitations_are_sent_again_or_withdrawn() -> None:
    """Pending and expired ones can be sent again and withdrawn; accepted and withdrawn not."""
    for state in InvitationState:
        open_ = state in {InvitationState.PENDING, InvitationState.EXPIRED}
        assert may_resend(state) is open_ and may_withdraw(state) is open_


def test_a_search_names_countries_by_code_or_by_name_in_either_language() -> None:
    """`sn` is Senegal's code; `sene` part of its name; French names work in French, English
    ones always; accents and case aside; an empty search names none."""
    assert "SN" in countries_named("sn", "en")
    assert "SN" in countries_named("SENE", "en")
    assert countries_named("allemagne", "fr") == ["DE"]
    assert countries_named("Sénégal", "en") == ["SN"]
    assert countries_named("germany", "fr") == ["DE"]
    assert countries_named("  ", "en") == []
