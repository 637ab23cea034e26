"""Signed link tokens: a good token reads back; a tampered, expired, misdirected or unbound one
is refused."""

from __future__ import annotations

import pytest

from fair.core.signing import BadToken, ExpiredToken, sign, unsign

SECRET = "a-test-secret-that-is-long-enough-for-it"
NOW = 1_800_000_000.0


def test_a_token_reads_back_its_value() -> None:
    """A token made for a purpose gives its value back to a reader of that purpose."""
    token = sign(SECRET, "accounts.reset", "42", bind="hash-1", now=NOW)
    assert unsign(SECRET, "accounts.reset", token, max_age=3600, bind="hash-1", now=NOW + 5) == "42"


def test_a_tampered_token_is_refused() -> None:
    """Changing any character of the value, or signing with another secret, is refused."""
    token = sign(SECRET, "accounts.reset", "42", now=NOW)
    forged = sign(SECRET, "accounts.reset", "43", now=NOW).split(".")[0] + token[token.index(".") :]
    with pytest.raises(BadToken, match="signature"):
        unsign(SECRET, "accounts.reset", forged, max_age=3600, now=NOW)
    other = sign("another-secret-entirely-of-some-length", "accounts.reset", "42", now=NOW)
    with pytest.raises(BadToken):
        unsign(SECRET, "accounts.reset", other, max_age=3600, now=NOW)
    with pytest.raises(BadToken, match="malformed"):
        unsign(SECRET, "accounts.reset", "not-a-token", max_age=3600, now=NOW)


def test_an_old_token_is_expired() -> None:
    """A token older than the reader's max_age is refused as expired."""
    token = sign(SECRET, "accounts.reset", "42", now=NOW)
    with pytest.raises(ExpiredToken):
        unsign(SECRET, "accounts.reset", token, max_age=3600, now=NOW + 3601)


def test_a_token_of_another_purpose_or_binding_is_refused() -> None:
    """A confirmation token is no reset token, and a reset token dies once its binding changes."""
    token = sign(SECRET, "accounts.confirm", "42", bind="hash-1", now=NOW)
    with pytest.raises(BadToken):
        unsign(SECRET, "accounts.reset", token, max_age=3600, bind="hash-1", now=NOW)
    with pytest.raises(BadToken):
        unsign(SECRET, "accounts.confirm", token, max_age=3600, bind="hash-2", now=NOW)
