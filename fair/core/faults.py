"""Which failures mean "the database is away" rather than "the program is wrong".

`unavailable()` is the one mapping from driver, pool and timeout exceptions to the
refusal `db.unavailable` (HTTP 503, socket error code): a lost or refused link, a
timed-out connect, query, lock or pool wait, a server shutting down, SQLite busy.
Everything else (integrity errors, bad SQL, a missing table) stays a programming
error and is not disguised as an outage.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

from sqlalchemy import exc as sa_exc

from fair.core.errors import Unavailable
from fair.core.i18n import gettext as _

# SQLSTATEs of PostgreSQL that mean the server or the link is in trouble, not the query:
# connection exceptions (08), insufficient resources (53), operator intervention such as
# a cancelled statement or a shutdown (57), lock not available, idle-in-transaction timeout.
TRANSIENT_STATES = ("08", "53", "57", "55P03", "25P03")
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def unavailable(error: BaseException) -> Unavailable | None:
    """The `db.unavailable` refusal for `error` if it means the database is away, else None."""
    if _transient(error):
        return Unavailable(
            "db.unavailable",
            _("The fair cannot reach its database just now. Please try again in a moment."),
        )
    return None


@contextlib.contextmanager
def mapped() -> Iterator[None]:
    """Inside the block, a database outage is raised as `db.unavailable`."""
    try:
        yield
    except Unavailable:
        raise
    except Exception as error:
        refusal = unavailable(error)
        if refusal is None:
            raise
        raise refusal from error


def _transient(error: BaseException) -> bool:
    if isinstance(error, sa_exc.TimeoutError | TimeoutError | asyncio.TimeoutError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        if error.orig is not None and _transient_driver_error(error.orig):
            return True
        return isinstance(error, sa_exc.OperationalError) and _sqlite_busy(error)
    if isinstance(error, OSError):
        return True
    return _transient_driver_error(error)


def _transient_driver_error(error: BaseException) -> bool:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if isinstance(state, str) and state.startswith(TRANSIENT_STATES):
        return True
    cause = error.__cause__
    if isinstance(cause, TimeoutError | OSError):
        return True
    name = type(error).__name__
    # asyncpg's own link errors carry no SQLSTATE.
    return name in {"ConnectionDoesNotExistError", "InterfaceError"} and "closed" in str(error)


def _sqlite_busy(error: sa_exc.DBAPIError) -> bool:
    return str(error.orig).lower().startswith(SQLITE_BUSY)
