"""Hall actions: each changes state and records its events in one transaction.

The hall's audited actions (`fair.core.audit`) are declared here, one place for the feature:
what organisers and moderators do to the fair's booths and to what others wrote in them.
"""

from __future__ import annotations

from fair.core.audit import audited

BOOTH_CREATED = audited("hall.booth.created", "booth", "An organiser opened a new booth.")
BOOTH_EDITED = audited(
    "hall.booth.edited", "booth", "A booth's team or an organiser changed its details."
)
CONSORTIUM_SET = audited(
    "hall.booth.consortium_set", "booth", "A booth's team or an organiser set its consortium."
)
BOOTH_STATE_CHANGED = audited(
    "hall.booth.state_changed", "booth", "An organiser published, unpublished or archived a booth."
)
TEAM_MEMBER_ADDED = audited(
    "hall.team.member_added", "booth", "An organiser added an account to a booth's team."
)
TEAM_MEMBER_REMOVED = audited(
    "hall.team.member_removed", "booth", "An organiser took an account off a booth's team."
)
CHAT_MESSAGE_REMOVED = audited(
    "hall.chat.message_removed",
    "chat_message",
    "A booth's team or a moderator removed a message, with a reason.",
)
CHAT_MESSAGE_RESTORED = audited(
    "hall.chat.message_restored",
    "chat_message",
    "A booth's team or a moderator brought a removed message back, with a reason.",
)
