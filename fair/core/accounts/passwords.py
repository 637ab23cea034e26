"""Password hashing with argon2id, run in a thread so the event loop keeps serving."""

from __future__ import annotations

import asyncio

from argon2 import Parameters, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class _Hashing:
    """The hasher and a decoy hash made with it: verifying against the decoy when the e-mail
    is unknown makes both paths take as long."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        self.decoy = hasher.hash("decoy password that matches nothing")


# argon2id with the library's current recommended parameters.
_hashing = _Hashing(PasswordHasher())


def use_parameters(parameters: Parameters) -> None:
    """Hash new passwords with other argon2 parameters. For the test suite, which registers
    thousands of people: `argon2.profiles.CHEAPEST` there. Hashes already made keep verifying,
    since each carries its own parameters."""
    global _hashing
    _hashing = _Hashing(PasswordHasher.from_parameters(parameters))


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hashing.hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    hashing = _hashing

    def check() -> bool:
        try:
            matched = hashing.hasher.verify(password_hash or hashing.decoy, password)
        except (VerificationError, InvalidHashError):
            return False
        return matched and password_hash is not None

    return await asyncio.to_thread(check)
