"""The audit log: one append-only row per action done with a moderator's or organiser's power.

What is audited: an action done with power over other people's contributions (deciding,
correcting, merging, tagging, hiding or answering a question, removing a chat message), over
people (their role, their suspension) or over the fair's set-up (its details, themes and
countries, panels and their state, booths: creation, details, consortium, state, team).
Not audited: what people do with their own things (asking, voting, chatting, a card, a
backstage note) and a booth team's own material (media, office hours, answers to cards),
which is theirs to change.

Each audited action is declared once, with `audited(name, target_type, doc)`, in the actions
module that performs it; `audited_actions()` lists them all, so a test walks every one. A row
is written only by `Tx.audit` (fair/core/db.py), in the transaction of the action: a
rolled-back or refused action leaves none. Nothing updates or deletes a row: the migration
adds a trigger that refuses both, on PostgreSQL and on SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fair.core.accounts.viewers import Actor, System, Viewer
from fair.core.tables import Base, UTCDateTime, utcnow

SYSTEM_ROLE = "system"
"""The `actor_role` of a row written by the platform itself (a scheduled job, the demo loader)."""

Snapshot = Mapping[str, object]
"""What a target looked like before or after the action: a few fields, stored as JSON text."""


class AuditEntry(Base):
    """One audited action: who did it, in which role, to what, and what it changed."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_action", "action"),
        Index("ix_audit_log_actor_id", "actor_id"),
        Index("ix_audit_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(100))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(100))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True)
class AuditAction:
    """An action the audit log records: `qa.question.decided`, done to a `question`."""

    name: str
    target_type: str
    doc: str


_ACTIONS: dict[str, AuditAction] = {}


def audited(name: str, target_type: str, doc: str) -> AuditAction:
    """Declare an audited action; each name is declared once, by the module that does it."""
    if name in _ACTIONS:
        raise ValueError(f"audit action {name} is declared twice")
    if "." not in name or name != name.lower() or " " in name:
        raise ValueError(f"audit action {name} must be dotted and lower case: area.thing.done")
    action = AuditAction(name, target_type, doc)
    _ACTIONS[name] = action
    return action


def audited_actions() -> list[AuditAction]:
    """Every audited action declared by the modules imported so far, by name."""
    return sorted(_ACTIONS.values(), key=lambda action: action.name)


def _json(snapshot: Snapshot | None) -> str | None:
    if snapshot is None:
        return None
    return json.dumps(dict(snapshot), sort_keys=True, ensure_ascii=False, default=str)


def entry(
    actor: Actor | Viewer,
    action: AuditAction,
    target_id: int | str,
    *,
    before: Snapshot | None,
    after: Snapshot | None,
) -> AuditEntry:
    """The row for `action` done by `actor` to `target_id` (for `Tx.audit` to add)."""
    if _ACTIONS.get(action.name) is not action:
        raise ValueError(f"audit action {action.name} was not declared with audited()")
    if isinstance(actor, System):
        actor_id, role = None, SYSTEM_ROLE
    else:
        if actor.user_id is None or actor.role is None:
            raise ValueError("an audited action needs a logged-in person or the platform")
        actor_id, role = actor.user_id, actor.role.value
    return AuditEntry(
        at=utcnow(),
        actor_id=actor_id,
        actor_role=role,
        action=action.name,
        target_type=action.target_type,
        target_id=str(target_id),
        before=_json(before),
        after=_json(after),
    )
