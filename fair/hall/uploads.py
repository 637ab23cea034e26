"""Uploads: checked by their content (never by name or declared type), capped, stored under
names the server makes, and served with headers that keep browsers from reinterpreting them."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fair.core.errors import Invalid
from fair.core.i18n import gettext as _
from fair.core.text import clean_line
from fair.hall.rules import MediaKind

MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    family: str  # "video", "audio", "document" or "image"


@dataclass(frozen=True)
class StoredFile:
    name: str
    content_type: str
    size: int
    original_name: str


ACCEPTED_FAMILIES: dict[MediaKind, set[str]] = {
    MediaKind.INTERVIEW: {"video", "audio"},
    MediaKind.DOCUMENT: {"document"},
    MediaKind.IMAGE: {"image"},
    MediaKind.LOGO: {"image"},
}

SIZE_CAPS: dict[str, int] = {
    "video": 200 * MB,
    "audio": 50 * MB,
    "document": 20 * MB,
    "image": 5 * MB,
}
MAX_UPLOAD_BODY = max(SIZE_CAPS.values()) + MB  # the upload route's body limit: file + form fields


def sniff(head: bytes) -> FileType | None:
    """The type of a file from its first bytes; None for anything not accepted (HTML, SVG...)."""
    if head.startswith(b"%PDF-"):
        return FileType("application/pdf", ".pdf", "document")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType("image/png", ".png", "image")
    if head.startswith(b"\xff\xd8\xff"):
        return FileType("image/jpeg", ".jpg", "image")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return FileType("image/gif", ".gif", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType("image/webp", ".webp", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return FileType("audio/wav", ".wav", "audio")
    if head.startswith(b"OggS"):
        return FileType("audio/ogg", ".ogg", "audio")
    if head.startswith(b"fLaC"):
        return FileType("audio/flac", ".flac", "audio")
    if head.startswith(b"ID3") or head[:2] in {b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"}:
        return FileType("audio/mpeg", ".mp3", "audio")
    if head[4:8] == b"ftyp":
        if head[8:12] in {b"M4A ", b"M4B "}:
            return FileType("audio/mp4", ".m4a", "audio")
        return FileType("video/mp4", ".mp4", "video")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return FileType("video/webm", ".webm", "video")
    return None


def safe_original_name(name: str | None) -> str:
    """The uploader's file name, for display only: no folders, no control characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    return clean_line(base)[:200] or "file"


AUDIO_ONLY = frozenset({"audio"})
"""What an interview's audio-only version may be."""


def _check(
    kind: MediaKind, head: bytes, size: int, families: frozenset[str] | None = None
) -> FileType:
    if size == 0:
        raise Invalid(
            "hall.upload_empty", _("The file is empty."), fields={"file": _("Empty file.")}
        )
    found = sniff(head)
    accepted = families if families is not None else ACCEPTED_FAMILIES[kind]
    if found is None or found.family not in accepted:
        expected = (
            _("an audio file (MP3, M4A, Ogg, WAV)")
            if families == AUDIO_ONLY
            else {
                MediaKind.INTERVIEW: _("an audio or video file (MP4, WebM, MP3, M4A, Ogg, WAV)"),
                MediaKind.DOCUMENT: _("a PDF document"),
                MediaKind.IMAGE: _("an image (PNG, JPEG, WebP or GIF)"),
                MediaKind.LOGO: _("an image (PNG, JPEG, WebP or GIF)"),
            }[kind]
        )
        raise Invalid(
            "hall.upload_type",
            _("This file is not %(expected)s.") % {"expected": expected},
            fields={"file": _("Not an accepted file type.")},
        )
    cap = SIZE_CAPS[found.family]
    if size > cap:
        raise Invalid(
            "hall.upload_too_big",
            _("The file is too big: at most %(n)s MB for this kind.") % {"n": cap // MB},
            fields={"file": _("Too big.")},
        )
    return found


class Storage:
    """Files in one folder, named `<uuid><extension>` by the server."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if path.parent != self.root.resolve():
            raise ValueError("stored names never contain folders")
        return path

    async def save(
        self,
        kind: MediaKind,
        source: BinaryIO,
        original_name: str | None,
        families: frozenset[str] | None = None,
    ) -> StoredFile:
        """Check and store an upload; refuse with a clear message, keeping nothing, if wrong.
        `families` narrows what the kind accepts (an interview's audio version: AUDIO_ONLY)."""
        return await asyncio.to_thread(self._save, kind, source, original_name, families)

    def _save(
        self,
        kind: MediaKind,
        source: BinaryIO,
        original_name: str | None,
        families: frozenset[str] | None,
    ) -> StoredFile:
        source.seek(0, os.SEEK_END)
        size = source.tell()
        source.seek(0)
        found = _check(kind, source.read(64), size, families)
        source.seek(0)
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}{found.extension}"
        target = self.path_of(name)
        partial = target.with_suffix(target.suffix + ".part")
        try:
            with partial.open("xb") as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
            partial.rename(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return StoredFile(name, found.content_type, size, safe_original_name(original_name))

    async def remove(self, name: str) -> None:
        await asyncio.to_thread(self.path_of(name).unlink, True)
