"""Masks that take a deleted person's name out of logged payloads (pure, no database), and
the tombstone's name as pages show it."""

from __future__ import annotations

from typing import Any

from fair.core.accounts.erasure import Mask, mask_payload
from fair.core.accounts.tombstones import FORMER_PARTICIPANT
from fair.core.contract import Departure
from fair.core.i18n import speaking
from fair.core.templates import shown

WANDA = Departure(7, "Wanda Whitfield", "wanda@example.org")


def test_a_mask_renames_the_person_in_nested_objects_with_their_id() -> None:
    """The author's name becomes "former participant" wherever their id stands beside it, in
    lists and nested objects too, and the fields in `also` are emptied with it."""
    data: dict[str, Any] = {
        "message": {"author_id": 7, "author_name": "Wanda Whitfield", "author_country": "SN"},
        "replies": [{"author_id": 7, "author_name": "Wanda Whitfield", "author_country": "SN"}],
    }
    mask = Mask(("author_name",), "author_id", frozenset({7}), also={"author_country": ""})
    assert mask_payload(data, WANDA, [mask])
    for shown_message in (data["message"], data["replies"][0]):
        assert shown_message == {
            "author_id": 7,
            "author_name": FORMER_PARTICIPANT,
            "author_country": "",
        }


def test_a_namesake_and_other_ids_are_left_alone() -> None:
    """Another account of the same name, or the person's id beside another name, is not
    rewritten; nothing changed is reported as such."""
    data = {
        "a": {"author_id": 8, "author_name": "Wanda Whitfield"},
        "b": {"author_id": 7, "author_name": "Someone Else"},
    }
    before = {k: dict(v) for k, v in data.items()}
    assert not mask_payload(data, WANDA, [Mask(("author_name",), "author_id", frozenset({7}))])
    assert data == before


def test_an_email_match_empties_it_and_renames_the_object() -> None:
    """With no key, an object holding the person's e-mail (unique) loses it, and its name
    becomes "former participant" through `also`."""
    sender = {"shared": True, "display_name": "Wanda Whitfield", "email": "wanda@example.org"}
    other = {"shared": True, "display_name": "Xavier", "email": "x@example.org"}
    mask = Mask(("email",), also={"display_name": FORMER_PARTICIPANT})
    assert mask_payload([sender, other], WANDA, [mask])
    assert sender == {"shared": True, "display_name": FORMER_PARTICIPANT, "email": ""}
    assert other["email"] == "x@example.org"


def test_an_id_only_mask_applies_its_fields_once() -> None:
    """A mask without fields matches on the id alone (a card of theirs); applied again, it
    changes nothing more."""
    card = {"id": 3, "message": "Call me", "sender": {"country": "SN"}}
    mask = Mask((), "id", frozenset({3}), also={"message": "", "sender": {}})
    assert mask_payload(card, WANDA, [mask])
    assert card == {"id": 3, "message": "", "sender": {}}
    assert not mask_payload(card, WANDA, [mask])


def test_the_tombstones_name_is_shown_in_the_viewers_language() -> None:
    """Pages print "former participant" translated; any other value as it is."""
    with speaking("fr"):
        assert shown(FORMER_PARTICIPANT) == "ancien participant"
        assert shown("Wanda Whitfield") == "Wanda Whitfield"
    with speaking("es"):
        assert shown(FORMER_PARTICIPANT) == "antiguo participante"
    assert shown(3) == 3
