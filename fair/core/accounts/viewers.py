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

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def person(self) -> str:
        """The key presence counts by: one per account, else one per browser."""
        return f"u{self.user_id}" if self.user_id is not None else f"v{self.visitor}"

    def can(self, capability: Capability) -> bool:
        return can(self.role, capability)


@dataclass(frozen=True, slots=True)
class System:
    """The platform itself (scheduled jobs): allowed everything, acting for no account."""

    user_id: None = None


SYSTEM = System()


def anonymous(visitor: str) -> Viewer:
    return Viewer(user_id=None, role=None, display_name="", login_id=None, visitor=visitor)
