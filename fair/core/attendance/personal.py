"""A person's attendance rows: their part of the data download, and the link that goes when
they delete their account (the figures keep counting them, as nobody in particular)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.attendance.models import Attendance
from fair.core.contract import Departure, PersonalRows
from fair.core.db import Tx


async def personal_data(session: AsyncSession, user_id: int) -> PersonalRows:
    """Each day they were at the fair and at which places, from which country."""
    rows = await session.scalars(
        select(Attendance)
        .where(Attendance.user_id == user_id)
        .order_by(Attendance.day, Attendance.place)
    )
    return {
        "attendance": [
            {"day": a.day, "place": a.place, "country": a.country, "first_at": a.first_at}
            for a in rows
        ]
    }


async def forget(tx: Tx, person: Departure) -> None:
    """The rows stay counted (visits, countries per day) but no longer name the account."""
    await tx.session.execute(
        update(Attendance).where(Attendance.user_id == person.user_id).values(user_id=None)
    )
