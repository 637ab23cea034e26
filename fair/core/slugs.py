"""Slugs: the readable part of an address (`/booths/remittances-senegal`)."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 80


def slugify(text: str, fallback: str = "item") -> str:
    """Lowercase ASCII words joined by hyphens, at most 80 characters; `fallback` if none."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_SLUG] or fallback
