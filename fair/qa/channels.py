"""Q&A channel names: the name is the audience."""

from __future__ import annotations

PROGRAMME = "programme"
"""Everyone: the programme of panels."""


PLACE = "qa"
"""How the core names a panel (its follows, its queue's channel): `qa:<id>`."""


def panel_channel(panel_id: int) -> str:
    """Everyone following the panel: published questions, votes, now answering, answers."""
    return f"{PLACE}:{panel_id}"


def moderation_channel(panel_id: int) -> str:
    """The panel's moderators (and organisers): every question, pending ones included."""
    return f"qa:{panel_id}:moderation"


def backstage_channel(panel_id: int) -> str:
    """Moderators and panelists exchanging notes during the live slot."""
    return f"qa:{panel_id}:backstage"
