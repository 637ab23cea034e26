"""Account channel names: the name is the audience."""

from __future__ import annotations

PEOPLE = "people"


def user_channel(user_id: int) -> str:
    """Everything that only this person may see."""
    return f"user:{user_id}"
