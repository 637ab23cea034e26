"""Download my data: everything the fair holds about a person, one JSON document.

Each feature answers its own part (`Feature.personal_data`), read in one session: the
person's own rows only. Other people appear at most by id (a booth's or a panel's title, a
question's or a post's id), never by name or e-mail: a card the person left names the booth,
not its team; a card their booth received is listed by its id with the answer they wrote,
not with its sender; notices leave out the names they were sent with; mail lists subjects,
not bodies (a digest quotes other people).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.erasure import Mask, scrub_log
from fair.core.accounts.models import Login, User
from fair.core.accounts.viewers import Person
from fair.core.contract import Departure, PersonalData, PersonalRows
from fair.core.db import Database, Tx
from fair.core.tables import iso, utcnow

FORMAT = "fair.personal-data/1"


async def personal_data(
    db: Database, sources: Sequence[tuple[str, PersonalData]], person: Person
) -> dict[str, Any]:
    """The person's data from every feature, by feature name, read in one session."""
    async with db.reading() as session:
        parts = {name: dict(await source(session, person.user_id)) for name, source in sources}
    return {
        "format": FORMAT,
        "user_id": person.user_id,
        "generated_at": iso(utcnow()),
        "features": parts,
    }


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def as_json(document: dict[str, Any]) -> str:
    """The download's text: UTF-8 JSON, indented, moments in ISO 8601 UTC."""
    return json.dumps(document, ensure_ascii=False, indent=2, default=_plain)


async def account_data(session: AsyncSession, user_id: int) -> PersonalRows:
    """The accounts feature's part: the account's fields (never the password's hash) and
    every login, ended or not."""
    user = await session.get(User, user_id)
    if user is None:
        return {}
    logins = await session.scalars(
        select(Login).where(Login.user_id == user_id).order_by(Login.created_at)
    )
    return {
        "account": [
            {
                "id": user.id,
                "email": user.email,
                "display_name": user.display_name,
                "organisation": user.organisation,
                "country": user.country,
                "role": user.role,
                "language": user.language,
                "time_zone": user.time_zone,
                "created_at": user.created_at,
                "email_confirmed_at": user.email_confirmed_at,
            }
        ],
        "logins": [
            {
                "created_at": login.created_at,
                "expires_at": login.expires_at,
                "ended_at": login.ended_at,
                "user_agent": login.user_agent,
            }
            for login in logins
        ],
    }


async def forget_account(tx: Tx, person: Departure) -> None:
    """The accounts feature forgets: the logins go, and the person's views on `people` and
    `user:<id>` (registered, role changed, suspended) lose name, organisation and country."""
    await tx.session.execute(delete(Login).where(Login.user_id == person.user_id))
    await scrub_log(
        tx.session,
        person,
        ("account.",),
        [
            Mask(
                ("display_name",),
                key="id",
                ids=frozenset({person.user_id}),
                also={"organisation": "", "country": ""},
            )
        ],
    )
