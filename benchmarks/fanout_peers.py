"""What the two bare peers (the ceiling and the naive Starlette server) share: the votes.

Each keeps a count per question and one seq for the panel's channel, and
builds the frame the fair would send for a vote (`qa.votes.counted`) with the
fair's own encoding, so the followers read the same bytes from every server.
"""

from __future__ import annotations

import json
from typing import Any

from fanout_scene import PEER_PANEL

from fair.core.events import event_frame
from fair.core.tables import iso, utcnow

CHANNEL = f"qa:{PEER_PANEL}"


class Votes:
    """Vote counts per question and the channel's seq."""

    def __init__(self) -> None:
        self.seq = 0
        self.counts: dict[int, int] = {}

    def cast(self, data: dict[str, Any]) -> tuple[str, dict[str, int]]:
        """Count one vote (or its withdrawal); the event frame and the reply's data."""
        question = int(data["question_id"])
        count = max(0, self.counts.get(question, 0) + (1 if data.get("up", True) else -1))
        self.counts[question] = count
        self.seq += 1
        payload = json.dumps({"question_id": question, "votes": count}, separators=(",", ":"))
        return event_frame(CHANNEL, self.seq, "qa.votes.counted", iso(utcnow()), payload), {
            "votes": count
        }


def reply_frame(ref: Any, data: dict[str, Any]) -> str:
    frame = {"kind": "reply", "ref": ref, "ok": True, "data": data}
    return json.dumps(frame, separators=(",", ":"))
