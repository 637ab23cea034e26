"""Idempotency keys: a command sent again with the same key replies with its first result.

The page makes a key per submission (a command frame's `key`, a form's hidden `idem`
field) and sends the same key when it retries. The key's row is written in the same
transaction as the command's own writes (`Database.unit`), so both landed or neither
did: a retry after "committed, but the sender saw a failure" finds the row and gets the
stored result instead of writing twice. Keys are kept `command_key_hours`; expired ones
are purged by the next keyed write.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Index, String, Text, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from fair.core.db import Database
from fair.core.errors import Conflict
from fair.core.i18n import gettext as _
from fair.core.tables import Base, UTCDateTime, utcnow

KEY_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
"""What a key looks like: a UUID, or any 8 to 64 URL-safe characters."""
FORM_FIELD = "idem"


def new_key() -> str:
    """A fresh key, for a form about to be rendered."""
    return str(uuid.uuid4())


def valid_key(key: str) -> bool:
    return re.fullmatch(KEY_PATTERN, key) is not None


Result = dict[str, Any] | None


class CommandKey(Base):
    """A command that ran for a person under a key, and what it replied."""

    __tablename__ = "command_keys"
    __table_args__ = (Index("ix_command_keys_created", "created"),)

    person: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    command: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(UTCDateTime)


class _AlreadyDone(Exception):
    """Another run with the same key committed first."""


async def run_once(
    db: Database,
    person: str,
    command: str,
    key: str | None,
    run: Callable[[], Awaitable[Result]],
    *,
    window_hours: float,
) -> Result:
    """Run `command` for `person` once per `key`: a repeat within the window returns the first
    result and writes nothing. Without a key, `run()` simply runs."""
    if key is None:
        return await run()
    cutoff = utcnow() - timedelta(hours=window_hours)
    first = await _first(db, person, key, cutoff)
    if first is not None:
        return _replay(first, command)

    def remember(result: Result) -> Callable[[AsyncSession], Awaitable[None]]:
        async def write(session: AsyncSession) -> None:
            await session.execute(delete(CommandKey).where(CommandKey.created < cutoff))
            try:
                async with session.begin_nested():
                    session.add(
                        CommandKey(
                            person=person,
                            key=key,
                            command=command,
                            result=json.dumps(result),
                            created=utcnow(),
                        )
                    )
            except IntegrityError:
                raise _AlreadyDone from None

        return write

    try:
        async with db.unit():
            result = await run()
            db.set_before_commit(remember(result))
    except _AlreadyDone:
        first = await _first(db, person, key, cutoff)
        if first is None:
            raise
        return _replay(first, command)
    return result


async def _first(db: Database, person: str, key: str, cutoff: datetime) -> CommandKey | None:
    async with db.reading() as session:
        row = await session.get(CommandKey, (person, key))
    return row if row is not None and row.created >= cutoff else None


def _replay(first: CommandKey, command: str) -> Result:
    if first.command != command:
        raise Conflict("command.key_reused", _("This key was already used for another action."))
    result: Result = json.loads(first.result)
    return result
