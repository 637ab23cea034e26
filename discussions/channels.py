"""Discussion channel names: the name is the audience."""

from __future__ import annotations

INDEX = "discussions"
"""Everyone: themes and discussions as they are set up."""


def discussion_channel(discussion_id: int) -> str:
    """Everyone following a discussion: its rounds, posts, replies and stances."""
    return f"discussion:{discussion_id}"


HANDBOOKS = "handbook:fair:staff"
"""The organisers: handbook exports as they are queued, worked through and finished."""
