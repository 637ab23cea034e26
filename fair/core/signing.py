"""Signed tokens for links sent by mail (a password reset, an address confirmation).

A token carries a purpose, a value and the moment it was made, signed with HMAC-SHA256 under
a key derived from the app's secret and the purpose: a token made for one purpose is refused
for any other, and one older than the reader's `max_age` is refused as expired. `bind` mixes
something into the signature without carrying it (a password hash): once that changes, every
token made with the old one is refused, which makes a reset link single-use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time


class BadToken(ValueError):
    """A token that is tampered with, malformed, or made for another purpose or binding."""


class ExpiredToken(BadToken):
    """A token that was good, but is older than its reader accepts."""


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, purpose: str, payload: str, bind: str) -> str:
    key = hmac.new(secret.encode(), f"fair.signing:{purpose}".encode(), hashlib.sha256).digest()
    mac = hmac.new(key, f"{payload}|{bind}".encode(), hashlib.sha256).digest()
    return _encode(mac)


def sign(secret: str, purpose: str, value: str, *, bind: str = "", now: float | None = None) -> str:
    """A token for `value`, good for `purpose` (and while `bind` stays the same)."""
    made = int(time.time() if now is None else now)
    payload = f"{_encode(value.encode())}.{made:x}"
    return f"{payload}.{_signature(secret, purpose, payload, bind)}"


def unsign(
    secret: str,
    purpose: str,
    token: str,
    *,
    max_age: float,
    bind: str = "",
    now: float | None = None,
) -> str:
    """The value of a token made by `sign` for `purpose` and `bind` at most `max_age` seconds
    ago; otherwise `ExpiredToken`, or `BadToken` for anything else wrong."""
    value, sep, rest = token.partition(".")
    made_hex, sep2, signature = rest.partition(".")
    if not (sep and sep2 and value and made_hex and signature):
        raise BadToken("the token is malformed")
    expected = _signature(secret, purpose, f"{value}.{made_hex}", bind)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise BadToken("the token's signature does not match")
    try:
        made = int(made_hex, 16)
        text = _decode(value).decode()
    except ValueError:
        raise BadToken("the token is malformed") from None
    age = (time.time() if now is None else now) - made
    if age > max_age:
        raise ExpiredToken(f"the token expired {int(age - max_age)} seconds ago")
    if age < -60:
        raise BadToken("the token was made in the future")
    return text


def unverified_value(token: str) -> str:
    """The value a token claims to carry, NOT checked: only to find what to `bind` before
    calling `unsign` (the account whose password hash the token is bound to)."""
    value = token.partition(".")[0]
    try:
        return _decode(value).decode()
    except ValueError:
        raise BadToken("the token is malformed") from None
