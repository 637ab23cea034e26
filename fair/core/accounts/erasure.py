"""Deleting one's own account: every feature forgets the person in one transaction, their
contributions stay under a tombstone account ("former participant"), and their name leaves
the event log.

The account row is kept as a tombstone rather than deleted: questions, posts, chat messages,
votes and reactions keep pointing at an account that exists (no dangling reference, no cascade
taking the contributions with it, counts unchanged), and that account holds nothing of the
person: no name, e-mail, organisation, country, password, language or zone (see
fair/core/accounts/tombstones.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts import events
from fair.core.accounts.models import Login, User
from fair.core.accounts.profile import confirm_password
from fair.core.accounts.roles import Role
from fair.core.accounts.tombstones import FORMER_PARTICIPANT, tombstone_email
from fair.core.accounts.viewers import Person
from fair.core.contract import Departure, Forget
from fair.core.db import Database
from fair.core.errors import Forbidden
from fair.core.i18n import gettext as _
from fair.core.log import LoggedEvent


def is_former(user: User) -> bool:
    """Whether the account is the tombstone of a deleted one."""
    return user.email == tombstone_email(user.id)


@dataclass(frozen=True)
class Mask:
    """Where a payload names the person: in every object (nested ones too) whose `key` holds
    one of `ids` (any object, with `key` None), each of `fields` that holds the person's name
    becomes "former participant" and one that holds their e-mail becomes empty; an object
    where one did also gets those of `also` it has (its other fields about them: organisation,
    country). Matching the value as well as the id never rewrites a namesake's payload. With
    no `fields`, the id alone matches (a card of theirs, which names them only by its id)."""

    fields: tuple[str, ...]
    key: str | None = None
    ids: frozenset[int] = frozenset()
    also: Mapping[str, Any] = field(default_factory=dict)


def mask_payload(data: Any, person: Departure, masks: Sequence[Mask]) -> bool:
    """Apply `masks` to the decoded payload `data` in place; whether anything changed."""
    changed = False
    if isinstance(data, list):
        for item in data:
            changed = mask_payload(item, person, masks) or changed
    elif isinstance(data, dict):
        for value in data.values():
            changed = mask_payload(value, person, masks) or changed
        for mask in masks:
            if mask.key is not None and data.get(mask.key) not in mask.ids:
                continue
            hit = not mask.fields
            for name in mask.fields:
                value = data.get(name)
                if value == person.display_name and value != FORMER_PARTICIPANT:
                    data[name], hit = FORMER_PARTICIPANT, True
                elif value and value == person.email:
                    data[name], hit = "", True
            if hit:
                also = {k: v for k, v in mask.also.items() if k in data and data[k] != v}
                data.update(also)
                changed = changed or bool(also) or bool(mask.fields)
    return changed


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def scrub_log(
    session: AsyncSession,
    person: Departure,
    types: Iterable[str],
    masks: Sequence[Mask],
    *,
    named: bool = True,
) -> int:
    """Rewrite the logged events whose type starts with one of `types` and whose payload
    names the person (their name or e-mail, as a JSON string; every one of those types with
    `named` False), through `masks`; how many changed. Replays and resumes then read the
    scrubbed payloads."""
    needles = [json.dumps(v, ensure_ascii=False) for v in (person.display_name, person.email) if v]
    prefixes = [LoggedEvent.type.startswith(prefix, autoescape=True) for prefix in types]
    if not needles or not prefixes:
        return 0
    query = select(LoggedEvent.id, LoggedEvent.data).where(or_(*prefixes))
    if named:
        query = query.where(
            or_(*(LoggedEvent.data.like(_like(needle), escape="\\") for needle in needles))
        )
    rows = await session.execute(query)
    changed = 0
    for event_id, text in rows.all():
        data = json.loads(text)
        if mask_payload(data, person, masks):
            await session.execute(
                update(LoggedEvent)
                .where(LoggedEvent.id == event_id)
                .values(data=json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            )
            changed += 1
    return changed


async def delete_account(
    db: Database, forgetting: Sequence[Forget], person: Person, password: str
) -> None:
    """The person deletes their own account, confirming with their password: every feature
    forgets them, every login ends (their sockets close at once), and the account becomes a
    tombstone. All in one transaction: a refusal or a failure changes nothing. The fair's
    last organiser cannot leave it without one."""
    await confirm_password(db, person, password)
    async with db.transaction(actor_id=person.user_id) as tx:
        user = await tx.session.get(User, person.user_id, with_for_update=True)
        if user is None or is_former(user):
            return
        if user.role == Role.ORGANISER.value:
            others = await tx.session.scalar(
                select(func.count(User.id)).where(
                    User.role == Role.ORGANISER.value,
                    User.id != user.id,
                    User.banned.is_(False),
                )
            )
            if not others:
                raise Forbidden(
                    "account.last_organiser",
                    _("You are the fair's last organiser: give someone else that role first."),
                )
        departure = Departure(user.id, user.display_name, user.email)
        live = await tx.session.scalars(
            select(Login.id).where(Login.user_id == user.id, Login.ended_at.is_(None))
        )
        for login_id in live.all():
            tx.record(events.LoginEnded(login_id=login_id, user_id=user.id))
        for forget in forgetting:
            await forget(tx, departure)
        user.email = tombstone_email(user.id)
        user.display_name = FORMER_PARTICIPANT
        user.password_hash = ""
        user.country = ""
        user.organisation = ""
        user.role = Role.PARTICIPANT.value
        user.banned = True
        user.email_confirmed_at = None
        user.language = None
        user.time_zone = None
