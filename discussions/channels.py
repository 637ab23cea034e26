"""Discussion channel names: the name is the audience."""

from __future__ import annotations

PLACE = "discussion"
"""How the core names a discussion (its follows, its queue's channel): `discussion:<id>`."""

INDEX = "discussions"
"""Everyone: themes and discussions as they are set up."""


def discussion_channel(discussion_id: int) -> str:
    """Everyone following a discussion: its rounds, posts, replies and stances."""
    return f"{PLACE}:{discussion_id}"


def moderation_channel(discussion_id: int) -> str:
    """A discussion's moderators and organisers: hidden posts, reports on its posts, people's
    standing (mutes, focal points), synthesis drafts."""
    return f"discussion:{discussion_id}:moderation"


HANDBOOKS = "handbook:fair:staff"
"""The organisers: handbook exports as they are queued, worked through and finished."""
