"""Hall channel names: the name is the audience."""

from __future__ import annotations

HALL = "hall"
PLACE = "booth"
"""How the core names a booth (its follows, its queue's channel): `booth:<id>`."""


def booth_channel(booth_id: int) -> str:
    """Everyone who may see the booth: its chat, media, office hours and details."""
    return f"{PLACE}:{booth_id}"


def team_channel(booth_id: int) -> str:
    """The booth's team and the organisers: cards, visits, team changes."""
    return f"booth:{booth_id}:team"


def staff_channel(booth_id: int) -> str:
    """Followed, with presence, by team members who are at the booth; its count is public."""
    return f"booth:{booth_id}:staff"
