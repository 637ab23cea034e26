"""Wrong passwords: counted per account and address, per address and per account, with waits
that double after the first few, so a stranger slows themselves, not the account's owner."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from redis.exceptions import RedisError

from fair.core.errors import RateLimited
from fair.core.i18n import ngettext
from fair.core.limits import Limits

logger = logging.getLogger(__name__)

MAX_WAIT_SECONDS = 900
KEEP_SECONDS = 3600
"""Failures are forgotten an hour after the latest one."""


@dataclass(frozen=True)
class Scope:
    """Failures counted together: the `free`-th makes the first wait, each one after doubles it."""

    name: str
    free: int


ACCOUNT_AT_ADDRESS = Scope("account+address", 5)
ADDRESS = Scope("address", 20)
ACCOUNT = Scope("account", 100)
"""Much higher than the others: only many addresses together slow the owner down too."""


def wait_after(failures: int, free: int) -> int:
    """Seconds to wait after the `failures`-th failure: none before the `free`-th, then 1, 2, 4."""
    if failures < free:
        return 0
    return min(MAX_WAIT_SECONDS, 1 << min(failures - free, 20))


class LoginThrottle:
    """Refuses a login while one of its scopes must wait; counts wrong passwords only."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def _keys(self, email: str, address: str) -> list[tuple[Scope, str]]:
        return [
            (ACCOUNT_AT_ADDRESS, f"login:{ACCOUNT_AT_ADDRESS.name}:{email}:{address}"),
            (ADDRESS, f"login:{ADDRESS.name}:{address}"),
            (ACCOUNT, f"login:{ACCOUNT.name}:{email}"),
        ]

    async def check(self, email: str, address: str) -> None:
        """Refuse, saying how long to wait, while this account at this address must wait."""
        now = self.limits.clock()
        wait = 0.0
        try:
            for _scope, key in self._keys(email, address):
                _count, until = await self.limits.counter.failures(key)
                wait = max(wait, until - now)
        except (RedisError, OSError):
            logger.warning("limits: counter unreachable; allowing a login attempt")
            return
        if wait > 0:
            seconds = math.ceil(wait)
            raise RateLimited(
                "account.login.rate_limited",
                ngettext(
                    "Too many wrong passwords. Try again in %(n)s second.",
                    "Too many wrong passwords. Try again in %(n)s seconds.",
                    seconds,
                )
                % {"n": seconds},
                retry_after=seconds,
            )

    async def failed(self, email: str, address: str) -> None:
        """A wrong password: count it in every scope and make the scopes past their free
        failures wait."""
        now = self.limits.clock()
        try:
            for scope, key in self._keys(email, address):
                count = await self.limits.counter.add_failure(key, KEEP_SECONDS)
                wait = wait_after(count, scope.free)
                if wait:
                    await self.limits.counter.hold(key, now + wait)
        except (RedisError, OSError):
            logger.warning("limits: counter unreachable; a wrong password was not counted")

    async def succeeded(self, email: str, address: str) -> None:
        """The right password: this address's failures are forgotten (the account's count across
        all addresses stays)."""
        try:
            for scope, key in self._keys(email, address):
                if scope is not ACCOUNT:
                    await self.limits.counter.forget(key)
        except (RedisError, OSError):
            logger.warning("limits: counter unreachable; failures were not forgotten")
