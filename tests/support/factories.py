"""Making things for tests through the real actions: people, logins and test events."""

from __future__ import annotations

import itertools

from pydantic import Field

from fair.core.accounts.actions import log_in, register
from fair.core.accounts.inputs import Credentials, Registration
from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.db import Database
from fair.core.events import Event
from fair.core.security import LOGIN_COOKIE

_numbers = itertools.count(1)
PASSWORD = "correct horse battery"


class Pinged(Event):
    """A test-only event: something numbered `n` happened on a channel."""

    type = "test.pinged"
    n: int
    channel: str = Field(exclude=True)
    """Where it goes (any channel a test names); not part of the payload."""

    def audience(self) -> tuple[str, ...]:
        return (self.channel,)


async def person(db: Database, role: Role = Role.PARTICIPANT, name: str | None = None) -> User:
    n = next(_numbers)
    form = Registration(
        display_name=name or f"Person {n}",
        email=f"person{n}@example.org",
        password=PASSWORD,
        country="SN",
        organisation="Test org",
    )
    return await register(db, form, role=role)


async def login_cookies(db: Database, user: User) -> dict[str, str]:
    token, _ = await log_in(db, Credentials(email=user.email, password=PASSWORD))
    return {LOGIN_COOKIE: token}


async def produce(db: Database, channel: str, numbers: range, *, per_transaction: int = 1) -> None:
    """Commit one `test.pinged` event per number, `per_transaction` events to a transaction."""
    for start in range(numbers.start, numbers.stop, per_transaction):
        async with db.transaction() as tx:
            for n in range(start, min(start + per_transaction, numbers.stop)):
                tx.record(Pinged(n=n, channel=channel))


class Padded(Event):
    """A test-only event with a large payload, to fill socket buffers quickly."""

    type = "test.padded"
    n: int
    pad: str
    channel: str = Field(exclude=True)

    def audience(self) -> tuple[str, ...]:
        return (self.channel,)


async def produce_padded(db: Database, channel: str, numbers: range, size: int) -> None:
    for n in numbers:
        async with db.transaction() as tx:
            tx.record(Padded(n=n, pad="x" * size, channel=channel))
