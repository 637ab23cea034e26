"""`Database.unit()` inside a unit joins it: a command run as one unit (with its idempotency
key) whose action is itself a unit of several transactions still commits once, or not at all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fair.core.accounts.models import User
from fair.core.db import Database
from tests.support.factories import person


async def names(db: Database) -> list[str]:
    async with db.reading() as session:
        return list(await session.scalars(select(User.display_name).order_by(User.id)))


async def test_a_unit_inside_a_unit_rolls_back_with_the_outer_one(db: Database) -> None:
    """A write in an inner unit is undone when the outer unit fails after it ended."""
    user = await person(db, name="Before")
    with pytest.raises(RuntimeError):
        async with db.unit():
            async with db.unit():
                async with db.transaction() as tx:
                    found = await tx.session.get(User, user.id)
                    assert found is not None
                    found.display_name = "Inside"
            raise RuntimeError("the outer work failed")
    assert await names(db) == ["Before"]


async def test_a_unit_inside_a_unit_commits_with_the_outer_one(db: Database) -> None:
    """Both units' writes land together when the outer one ends."""
    user = await person(db, name="Before")
    async with db.unit():
        async with db.unit():
            async with db.transaction() as tx:
                found = await tx.session.get(User, user.id)
                assert found is not None
                found.display_name = "Inner"
        async with db.transaction() as tx:
            count = await tx.session.scalar(select(func.count()).select_from(User))
            assert count == 1
    assert await names(db) == ["Inner"]
