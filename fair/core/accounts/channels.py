"""Account channel names: the name is the audience."""

from __future__ import annotations

PEOPLE = "people"


def user_channel(user_id: int) -> str:
    """Everything that only this person may see."""
    return f"user:{user_id}"


def channel_user(channel: str) -> int | None:
    """The person a `user:<id>` channel belongs to, or None for any other channel."""
    prefix, _, rest = channel.partition(":")
    if prefix != "user" or not rest.isdigit():
        return None
    return int(rest)
