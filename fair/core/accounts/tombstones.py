"""What is left of a deleted account: a tombstone row that names no one.

Its name is `FORMER_PARTICIPANT`, stored in English and translated wherever a template shows
it (the environment's `finalize`, fair/core/templates.py); its e-mail is
`former-<id>@deleted.invalid`: unique, never deliverable (`.invalid` is reserved), never one
a person registers with."""

from __future__ import annotations

from fair.core.i18n import N_

FORMER_PARTICIPANT = N_("former participant")
TOMBSTONE_DOMAIN = "deleted.invalid"


def tombstone_email(user_id: int) -> str:
    return f"former-{user_id}@{TOMBSTONE_DOMAIN}"
