"""Human names of the fields that mean the same in every input and refusal."""

from __future__ import annotations

from collections.abc import Mapping

from fair.core.i18n import N_, NP_

SHARED_LABELS: Mapping[str, str] = {
    "booth_id": N_("Booth"),
    "card_id": N_("Card"),
    "content_id": N_("Content"),
    "contribution_id": NP_("field", "Post"),
    "discussion_id": N_("Discussion"),
    "into_id": N_("Merge into"),
    "message_id": N_("Message"),
    "panel_id": N_("Panel"),
    "question_id": N_("Question"),
    "quote_id": N_("Quoted post"),
    "reply_to_id": N_("Replying to"),
    "round_id": N_("Round"),
    "theme_id": N_("Theme"),
    "thread_id": N_("Thread"),
    "user_id": N_("Person"),
    "before_id": N_("Page"),
    "zone": N_("Time zone"),
    "reason": N_("Reason"),
    "file": N_("File"),
    "email": N_("E-mail"),
    "theme": N_("Theme"),
    "slug": N_("Short address"),
    "moderators": N_("Moderators"),
    "panelists": N_("Panelists"),
}
"""Labels of fields that mean the same in every input (mostly the hidden ids of a form)."""
