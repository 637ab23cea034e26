"""Queueing mail: the row commits with the caller's change and rolls back with it; a repeated
dedupe key queues nothing and leaves the caller's change alone."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fair.core.accounts.models import User
from fair.core.db import Database
from fair.core.mail.models import MailMessage, MailState
from fair.core.mail.outbox import queue_mail
from tests.support.factories import person


class Refused(Exception):
    pass


async def outbox(db: Database) -> list[MailMessage]:
    async with db.reading() as session:
        return list((await session.scalars(select(MailMessage).order_by(MailMessage.id))).all())


async def name_of(db: Database, user_id: int) -> str:
    async with db.reading() as session:
        return str(await session.scalar(select(User.display_name).where(User.id == user_id)))


async def test_a_queued_message_commits_with_the_callers_change(db: Database) -> None:
    """The state change and its message are stored by the same commit, the message due now."""
    someone = await person(db, name="Awa")
    async with db.transaction() as tx:
        user = await tx.session.get(User, someone.id)
        assert user is not None
        user.display_name = "Awa D."
        message_id = await queue_mail(
            tx,
            to=someone.email,
            subject="Hello",
            text="Hi",
            headers={"X-Fair": "1"},
            kind="test.hello",
        )
    (stored,) = await outbox(db)
    assert stored.id == message_id and await name_of(db, someone.id) == "Awa D."
    assert (stored.state, stored.attempts, stored.headers) == (
        MailState.QUEUED.value,
        0,
        {"X-Fair": "1"},
    )


async def test_a_rolled_back_change_queues_no_message(db: Database) -> None:
    """When the caller's transaction fails, neither its change nor its message is kept."""
    someone = await person(db, name="Bola")
    with pytest.raises(Refused):
        async with db.transaction() as tx:
            user = await tx.session.get(User, someone.id)
            assert user is not None
            user.display_name = "Changed"
            await queue_mail(tx, to=someone.email, subject="S", text="T", kind="test.hello")
            raise Refused
    assert await outbox(db) == [] and await name_of(db, someone.id) == "Bola"


async def test_a_repeated_dedupe_key_queues_nothing_more(db: Database) -> None:
    """The second message with a dedupe key gets None; the caller's transaction goes on."""
    async with db.transaction() as tx:
        first = await queue_mail(
            tx, to="a@example.org", subject="1", text="1", kind="test.digest", dedupe_key="d:1"
        )
    someone = await person(db, name="Chidi")
    async with db.transaction() as tx:
        user = await tx.session.get(User, someone.id)
        assert user is not None
        user.display_name = "Chidi O."
        again = await queue_mail(
            tx, to="a@example.org", subject="2", text="2", kind="test.digest", dedupe_key="d:1"
        )
        other = await queue_mail(tx, to="b@example.org", subject="3", text="3", kind="test.x")
    assert first is not None and again is None and other is not None
    async with db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(MailMessage)) == 2
    assert await name_of(db, someone.id) == "Chidi O."
