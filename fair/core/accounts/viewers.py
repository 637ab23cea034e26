"""The viewer: who is asking, as every page, command and access helper sees them."""

from __future__ import annotations

from dataclasses import dataclass

from fair.core.accounts.roles import Capability, Role, can


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: int | None
    role: Role | None
    display_name: str
    login_id: str | None
    visitor: str
    language: str | None = None
    """The language the person saved (the switcher saves it); None: not chosen, or anonymous."""
    time_zone: str | None = None
    """The zone the person saved (`Asia/Manila`); None: pages use the fair's."""

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def person(self) -> str:
        """The key presence counts by: one per account, else one per browser."""
        return f"u{self.user_id}" if self.user_id is not None else f"v{self.visitor}"

    def can(self, capability: Capability) -> bool:
        return can(self.role, capability)


def anonymous(visitor: str) -> Viewer:
    return Viewer(user_id=None, role=None, display_name="", login_id=None, visitor=visitor)


@dataclass(frozen=True, slots=True)
class Person:
    """A logged-in person acting: always an account with a real id."""

    user_id: int
    role: Role
    display_name: str
    login_id: str | None

    def can(self, capability: Capability) -> bool:
        return can(self.role, capability)


class System:
    """The platform itself acting (a scheduled job, the demo loader): no account, and allowed
    every purpose, so that no check is skipped by passing "nobody"."""

    __slots__ = ()
    user_id: None = None
    display_name = "the fair"

    def can(self, capability: Capability) -> bool:
        return True

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = System()

Actor = Person | System
"""Who a write is done by: a person, or the platform itself."""

Who = Viewer | System
"""Who an access check is for: whoever is looking (perhaps not logged in), or the platform."""
