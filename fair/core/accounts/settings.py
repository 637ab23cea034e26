"""The accounts settings: the `[accounts]` table of the config file, env FAIR_ACCOUNTS_<KEY>."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fair.core.settings import SettingsError


@dataclass(frozen=True)
class AccountSettings:
    SECTION: ClassVar[str] = "accounts"

    invitation_days: int = 14
    """How long an invitation's link works after it was sent (or sent again)."""

    def __post_init__(self) -> None:
        if not 1 <= self.invitation_days <= 365:
            raise SettingsError(
                "[accounts] invitation_days (FAIR_ACCOUNTS_INVITATION_DAYS) must be 1 to 365, "
                f"not {self.invitation_days!r}"
            )
