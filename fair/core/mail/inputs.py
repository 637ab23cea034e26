"""What organisers send about the outbox."""

from __future__ import annotations

from fair.core.fields import Id
from fair.core.inputs import Input


class RetryInput(Input):
    message_id: Id


class OutboxFilter(Input):
    before_id: Id | None = None
    """Show messages older than this one (the next page)."""
