"""What organisers do with the outbox."""

from __future__ import annotations

from fair.core.access import require
from fair.core.accounts.roles import Capability
from fair.core.accounts.viewers import Who
from fair.core.audit import audited
from fair.core.db import Database
from fair.core.errors import Conflict, NotFound
from fair.core.i18n import gettext as _
from fair.core.mail.models import MailMessage, MailState
from fair.core.tables import utcnow

MAIL_CAPABILITY = Capability.EDIT_FAIR
"""Seeing the outbox and retrying mail: organisers, who run the fair's set-up."""

MESSAGE_RETRIED = audited(
    "mail.message.retried",
    "mail_message",
    "An organiser queued a message that had failed to send for another round of attempts.",
)


async def retry_message(db: Database, who: Who, message_id: int) -> None:
    """An organiser queues a failed message again, due at once, with a fresh set of attempts."""
    actor = require(who, MAIL_CAPABILITY)
    async with db.transaction(actor_id=getattr(actor, "user_id", None)) as tx:
        message = await tx.session.get(MailMessage, message_id, with_for_update=True)
        if message is None:
            raise NotFound("mail.message_not_found", _("There is no such message."))
        if message.state != MailState.FAILED.value:
            raise Conflict("mail.not_failed", _("Only a message that failed can be retried."))
        before = {"state": message.state, "attempts": message.attempts}
        message.state = MailState.QUEUED.value
        message.attempts = 0
        message.next_attempt_at = utcnow()
        tx.audit(actor, MESSAGE_RETRIED, message.id, before=before, after={"state": "queued"})
