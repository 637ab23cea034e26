"""Reading accounts: the viewer behind a cookie, and the people list for organisers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false, func, or_, select

from fair.core.access import require
from fair.core.accounts.actions import login_id_for
from fair.core.accounts.countries import countries_named
from fair.core.accounts.models import Login, User
from fair.core.accounts.roles import Capability, Role
from fair.core.accounts.tombstones import TOMBSTONE_DOMAIN
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


PER_PAGE = 50
"""People on one page of the people list."""
EXPORT_LIMIT = 100_000
"""People in one CSV export at most."""
PICKER_LIMIT = 20
"""Matches the people picker offers at most."""


@dataclass(frozen=True)
class PersonRow:
    """A person on the organisers' people list (their e-mail included)."""

    id: int
    display_name: str
    email: str
    country: str
    organisation: str
    role: str
    banned: bool
    created_at: datetime


@dataclass(frozen=True)
class PeoplePage:
    people: list[PersonRow]
    total: int
    """How many people match the filter, on every page."""
    page: int
    per_page: int

    @property
    def first(self) -> int:
        """The position of the first person shown (1-based; 0 when none)."""
        return (self.page - 1) * self.per_page + 1 if self.people else 0

    @property
    def last(self) -> int:
        return self.first + len(self.people) - 1 if self.people else 0

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matching(term: str, language: str | None = None) -> ColumnElement[bool]:
    """People whose name, e-mail or organisation holds `term` (case aside), or whose country
    is named by it (its code, or its name in `language` or English)."""
    conditions: list[ColumnElement[bool]] = []
    for variant in dict.fromkeys((term, term.lower())):
        pattern = _like(variant)
        conditions += [
            func.lower(User.display_name).like(pattern, escape="\\"),
            func.lower(User.email).like(pattern, escape="\\"),
            func.lower(User.organisation).like(pattern, escape="\\"),
        ]
    codes = countries_named(term, language)
    if codes:
        conditions.append(User.country.in_(codes))
    return or_(*conditions) if conditions else false()


SelectT = TypeVar("SelectT", bound=Select[Any])


def _filtered(query: SelectT, term: str, role: Role | None) -> SelectT:
    """People matching `term` and `role`; never what is left of a deleted account."""
    query = query.where(User.email.not_like(f"%@{TOMBSTONE_DOMAIN}"))
    if term:
        query = query.where(matching(term))
    if role is not None:
        query = query.where(User.role == role.value)
    return query


async def people(
    db: Database,
    viewer: Viewer,
    *,
    term: str = "",
    role: Role | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> PeoplePage:
    """People matching `term` (name, e-mail, organisation, country) and `role`, newest first,
    one page of them, for organisers; and how many match."""
    require(viewer, Capability.SEE_PEOPLE)
    async with db.reading() as session:
        total = (
            await session.scalar(
                _filtered(select(func.count(User.id)).select_from(User), term, role)
            )
            or 0
        )
        users = await session.scalars(
            _filtered(select(User), term, role)
            .order_by(User.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        return PeoplePage([_row(user) for user in users], total, page, per_page)


async def people_to_export(
    db: Database, viewer: Viewer, *, term: str = "", role: Role | None = None
) -> list[PersonRow]:
    """Everyone the people list's filter matches (up to EXPORT_LIMIT), oldest first."""
    require(viewer, Capability.SEE_PEOPLE)
    async with db.reading() as session:
        users = await session.scalars(
            _filtered(select(User), term, role).order_by(User.id).limit(EXPORT_LIMIT)
        )
        return [_row(user) for user in users]


async def people_to_pick(db: Database, viewer: Viewer, term: str) -> list[PersonRow]:
    """At most PICKER_LIMIT people in good standing matching `term` (two characters at
    least), by name: what the people picker offers an organiser filling a form."""
    require(viewer, Capability.SEE_PEOPLE)
    if len(term) < 2:
        return []
    async with db.reading() as session:
        users = await session.scalars(
            _filtered(select(User), term, None)
            .where(User.banned.is_(False))
            .order_by(func.lower(User.display_name), User.id)
            .limit(PICKER_LIMIT)
        )
        return [_row(user) for user in users]


def _row(user: User) -> PersonRow:
    return PersonRow(
        id=user.id,
        display_name=user.display_name,
        email=user.email,
        country=user.country,
        organisation=user.organisation,
        role=user.role,
        banned=user.banned,
        created_at=user.created_at,
    )
