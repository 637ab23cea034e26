"""Reading accounts: the viewer behind a cookie, and the people list for organisers."""

from __future__ import annotations

from sqlalchemy import func, select

from fair.core.access import require
from fair.core.accounts.actions import login_id_for, person_view
from fair.core.accounts.events import PersonView
from fair.core.accounts.models import Login, User
from fair.core.accounts.roles import Capability, Role
from fair.core.accounts.viewers import Viewer, anonymous
from fair.core.db import Database
from fair.core.tables import utcnow


async def viewer_for(db: Database, token: str | None, visitor: str) -> Viewer:
    """Who holds this login token: a live login of an account in good standing, else anonymous."""
    if not token:
        return anonymous(visitor)
    login_id = login_id_for(token)
    async with db.reading() as session:
        row = (
            await session.execute(
                select(
                    User.id,
                    User.role,
                    User.display_name,
                    User.language,
                    User.banned,
                    User.time_zone,
                    Login.expires_at,
                    Login.ended_at,
                )
                .join(Login, Login.user_id == User.id)
                .where(Login.id == login_id)
            )
        ).first()
    if row is None or row.banned or row.ended_at is not None or row.expires_at <= utcnow():
        return anonymous(visitor)
    return Viewer(
        user_id=row.id,
        role=Role(row.role),
        display_name=row.display_name,
        login_id=login_id,
        visitor=visitor,
        language=row.language,
        time_zone=row.time_zone,
    )


async def login_is_live(db: Database, login_id: str) -> tuple[bool, str | None]:
    """Whether the login still stands, and the role its account has now."""
    async with db.reading() as session:
        row = (
            await session.execute(
                select(User.role, User.banned, Login.ended_at, Login.expires_at)
                .join(Login, Login.user_id == User.id)
                .where(Login.id == login_id)
            )
        ).first()
    if row is None or row.banned or row.ended_at is not None or row.expires_at <= utcnow():
        return False, None
    return True, row.role


async def people(
    db: Database, viewer: Viewer, *, page: int = 1, per_page: int = 50
) -> tuple[list[PersonView], int]:
    """People with their roles, newest first, for organisers; and how many there are."""
    require(viewer, Capability.SEE_PEOPLE)
    async with db.reading() as session:
        total = await session.scalar(select(func.count(User.id))) or 0
        users = await session.scalars(
            select(User).order_by(User.id.desc()).offset((page - 1) * per_page).limit(per_page)
        )
        return [person_view(user) for user in users], total
