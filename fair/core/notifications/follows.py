"""Following: who wants to hear of a place (a discussion, a panel, a booth). The table and its
helpers are the core's; each feature decides who may follow its places (its own action checks
access first) and reads its followers when it tells them something. A place is named as its
channel is: `discussion` 4, `qa` 7, `booth` 2."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from fair.core.db import Database, Tx
from fair.core.tables import Base, UTCDateTime, utcnow


class Follow(Base):
    """One person follows one place."""

    __tablename__ = "follows"
    __table_args__ = (Index("ix_follows_place_place_id", "place", "place_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    place: Mapped[str] = mapped_column(String(40), primary_key=True)
    place_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime)


async def follow(tx: Tx, user_id: int, place: str, place_id: int) -> bool:
    """`user_id` follows the place (in the caller's transaction); False if they already did."""
    if await tx.session.get(Follow, (user_id, place, place_id)) is not None:
        return False
    try:
        async with tx.session.begin_nested():
            tx.session.add(Follow(user_id=user_id, place=place, place_id=place_id, since=utcnow()))
            await tx.session.flush()
    except IntegrityError:
        return False  # the same person following from two tabs at once
    return True


async def unfollow(tx: Tx, user_id: int, place: str, place_id: int) -> bool:
    """`user_id` no longer follows the place; False if they did not."""
    removed = await tx.session.execute(
        delete(Follow)
        .where(Follow.user_id == user_id, Follow.place == place, Follow.place_id == place_id)
        .returning(Follow.user_id)
    )
    return bool(removed.all())


async def set_following(tx: Tx, user_id: int, place: str, place_id: int, following: bool) -> bool:
    """Follow the place or stop (in the caller's transaction); whether anything changed."""
    if following:
        return await follow(tx, user_id, place, place_id)
    return await unfollow(tx, user_id, place, place_id)


async def follows(session: AsyncSession, user_id: int, place: str, place_id: int) -> bool:
    return await session.get(Follow, (user_id, place, place_id)) is not None


async def followers(session: AsyncSession, place: str, place_id: int) -> Sequence[int]:
    """The people following the place, by id."""
    return list(
        await session.scalars(
            select(Follow.user_id)
            .where(Follow.place == place, Follow.place_id == place_id)
            .order_by(Follow.user_id)
        )
    )


async def is_following(db: Database, user_id: int | None, place: str, place_id: int) -> bool:
    """For a page: whether its viewer (perhaps nobody) follows the place."""
    if user_id is None:
        return False
    async with db.reading() as session:
        return await follows(session, user_id, place, place_id)
