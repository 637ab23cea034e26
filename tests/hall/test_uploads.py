"""Uploads: checked by their content, capped, stored under server-made names, served safely."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from fair.core.accounts.roles import Role
from fair.core.errors import Invalid
from fair.hall import queries
from fair.hall.models import Booth, Media
from fair.hall.rules import MediaKind
from fair.hall.settings import HallSettings
from fair.hall.uploads import MB, SIZE_CAPS, Storage, sniff
from tests.core.test_accounts_http import browser, form_error, form_token
from tests.support.factories import login_cookies, person
from tests.support.hall import HTML, MP4, PDF, PNG, SVG, booth, someone, stored_media, viewer
from tests.support.servers import RunningServer

STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]+$")

ACCEPTED = {
    "pdf": (b"%PDF-1.7\n", "application/pdf", ".pdf", "document"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png", ".png", "image"),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg", ".jpg", "image"),
    "gif87a": (b"GIF87a\x01\x00", "image/gif", ".gif", "image"),
    "gif89a": (b"GIF89a\x01\x00", "image/gif", ".gif", "image"),
    "webp": (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp", ".webp", "image"),
    "wav": (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav", ".wav", "audio"),
    "ogg": (b"OggS\x00\x02", "audio/ogg", ".ogg", "audio"),
    "flac": (b"fLaC\x00\x00", "audio/flac", ".flac", "audio"),
    "mp3-id3": (b"ID3\x04\x00\x00", "audio/mpeg", ".mp3", "audio"),
    "mp3-fb": (b"\xff\xfb\x90\x64", "audio/mpeg", ".mp3", "audio"),
    "mp3-f3": (b"\xff\xf3\x90\x64", "audio/mpeg", ".mp3", "audio"),
    "mp3-f2": (b"\xff\xf2\x90\x64", "audio/mpeg", ".mp3", "audio"),
    "m4a": (b"\x00\x00\x00\x20ftypM4A \x00\x00", "audio/mp4", ".m4a", "audio"),
    "m4b": (b"\x00\x00\x00\x20ftypM4B \x00\x00", "audio/mp4", ".m4a", "audio"),
    "mp4": (b"\x00\x00\x00\x18ftypmp42\x00\x00", "video/mp4", ".mp4", "video"),
    "webm": (b"\x1a\x45\xdf\xa3\x9f\x42\x86", "video/webm", ".webm", "video"),
}

REFUSED = {
    "html": HTML,
    "html-with-bom": b"\xef\xbb\xbf<html><body>hi</body></html>",
    "svg": SVG,
    "xml-svg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    "javascript": b"alert(document.cookie)",
    "plain-text": b"just some words",
    "zip": b"PK\x03\x04\x14\x00",
    "windows-exe": b"MZ\x90\x00\x03\x00",
    "avi": b"RIFF\x24\x00\x00\x00AVI LIST",
    "pdf-without-dash": b"%PDF1.4",
    "empty": b"",
}


# Sniffing


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_sniff_recognises_every_accepted_type(name: str) -> None:
    """Each accepted format is known from its first bytes, with its type, extension and family."""
    head, content_type, extension, family = ACCEPTED[name]
    found = sniff(head)
    assert found is not None
    assert (found.content_type, found.extension, found.family) == (content_type, extension, family)


@pytest.mark.parametrize("name", list(REFUSED))
def test_sniff_refuses_everything_else(name: str) -> None:
    """HTML, SVG, scripts, archives, programs and unknown bytes are not accepted types."""
    assert sniff(REFUSED[name]) is None


# Storing


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    return uploads


async def test_storage_refuses_an_html_document(folder: Path) -> None:
    """An HTML page uploaded as a document is refused as not a PDF; nothing is kept."""
    with pytest.raises(Invalid) as refused:
        await Storage(folder).save(MediaKind.DOCUMENT, io.BytesIO(HTML), "report.pdf")
    assert refused.value.code == "hall.upload_type"
    assert refused.value.message == "This file is not a PDF document."
    assert refused.value.fields == {"file": "Not an accepted file type."}
    assert list(folder.iterdir()) == []


async def test_storage_refuses_an_svg_renamed_to_pdf(folder: Path) -> None:
    """An SVG with a script, named .pdf and sent as a document, is refused by its content."""
    with pytest.raises(Invalid) as refused:
        await Storage(folder).save(MediaKind.DOCUMENT, io.BytesIO(SVG), "brochure.pdf")
    assert refused.value.code == "hall.upload_type"
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        (MediaKind.DOCUMENT, PNG),
        (MediaKind.IMAGE, PDF),
        (MediaKind.LOGO, MP4),
        (MediaKind.INTERVIEW, PDF),
        (MediaKind.INTERVIEW, PNG),
    ],
    ids=[
        "png-as-document",
        "pdf-as-image",
        "video-as-logo",
        "pdf-as-interview",
        "png-as-interview",
    ],
)
async def test_storage_refuses_a_good_file_of_the_wrong_kind(
    folder: Path, kind: MediaKind, content: bytes
) -> None:
    """A real file of one family is refused where another is expected; nothing is kept."""
    with pytest.raises(Invalid) as refused:
        await Storage(folder).save(kind, io.BytesIO(content), "file")
    assert refused.value.code == "hall.upload_type"
    assert list(folder.iterdir()) == []


def sparse_file(path: Path, head: bytes, size: int) -> Path:
    """A file of `size` bytes starting with `head`, without writing all of them to disk."""
    with path.open("wb") as out:
        out.write(head)
        out.truncate(size)
    return path


async def test_storage_refuses_an_image_just_over_its_cap(folder: Path, tmp_path: Path) -> None:
    """A PNG one byte over 5 MB is refused as too big, naming the cap; nothing is kept."""
    assert SIZE_CAPS["image"] == 5 * MB
    big = sparse_file(tmp_path / "big.png", PNG, 5 * MB + 1)
    with big.open("rb") as source, pytest.raises(Invalid) as refused:
        await Storage(folder).save(MediaKind.IMAGE, source, "big.png")
    assert refused.value.code == "hall.upload_too_big"
    assert "5 MB" in refused.value.message
    assert list(folder.iterdir()) == []


async def test_storage_keeps_an_image_exactly_at_its_cap(folder: Path, tmp_path: Path) -> None:
    """A PNG of exactly 5 MB is accepted and stored whole."""
    full = sparse_file(tmp_path / "full.png", PNG, 5 * MB)
    with full.open("rb") as source:
        stored = await Storage(folder).save(MediaKind.IMAGE, source, "full.png")
    assert stored.size == 5 * MB
    assert (folder / stored.name).stat().st_size == 5 * MB


async def test_storage_refuses_an_empty_file_as_empty(folder: Path) -> None:
    """An empty upload is refused with hall.upload_empty ("The file is empty."); nothing is kept."""
    with pytest.raises(Invalid) as refused:
        await Storage(folder).save(MediaKind.DOCUMENT, io.BytesIO(b""), "empty.pdf")
    assert list(folder.iterdir()) == []
    assert (refused.value.code, refused.value.message) == (
        "hall.upload_empty",
        "The file is empty.",
    )


@pytest.mark.parametrize(
    ("original", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("a/b\\c.pdf", "c.pdf"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("/absolute/report.html", "report.html"),
        ("", "file"),
        (None, "file"),
    ],
)
async def test_storage_names_files_itself_whatever_the_upload_is_called(
    folder: Path, original: str | None, shown: str
) -> None:
    """The file goes in the folder as <uuid>.pdf; the original name is kept, folders stripped."""
    stored = await Storage(folder).save(MediaKind.DOCUMENT, io.BytesIO(PDF), original)
    assert STORED_NAME.match(stored.name)
    assert stored.name.endswith(".pdf")
    assert stored.original_name == shown
    assert [p.name for p in folder.iterdir()] == [stored.name]
    assert (folder / stored.name).read_bytes() == PDF
    assert stored.content_type == "application/pdf"
    assert stored.size == len(PDF)


async def test_storage_takes_the_extension_from_the_content(folder: Path) -> None:
    """A PNG called 'logo.html' is stored as .png and typed image/png."""
    stored = await Storage(folder).save(MediaKind.LOGO, io.BytesIO(PNG), "logo.html")
    assert stored.name.endswith(".png")
    assert stored.content_type == "image/png"


def test_storage_never_resolves_a_name_outside_its_folder(folder: Path) -> None:
    """A stored name holding a folder is refused before any file is touched."""
    storage = Storage(folder)
    for name in ("../escape.pdf", "sub/file.pdf", "/etc/passwd"):
        with pytest.raises(ValueError):
            storage.path_of(name)


# Over HTTP


@contextlib.asynccontextmanager
async def as_user(
    server: RunningServer, cookies: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(server, cookies) as http:
        yield http


async def media_rows(server: RunningServer) -> int:
    async with server.services.db.reading() as session:
        return await session.scalar(select(func.count(Media.id))) or 0


def uploads_of(server: RunningServer) -> list[str]:
    folder = server.services.settings.section(HallSettings).upload_path
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def team_booth(
    server: RunningServer, *, published: bool = True
) -> tuple[Booth, dict[str, str]]:
    """A booth and the login cookies of its exhibitor."""
    db = server.services.db
    exhibitor = await person(db)
    made = await booth(db, await someone(db, Role.ORGANISER), published=published, team=[exhibitor])
    return made, await login_cookies(db, exhibitor)


async def test_exhibitor_uploads_a_pdf_and_it_is_listed(server: RunningServer) -> None:
    """The edit form's multipart post stores the PDF, and the booth lists and links it."""
    made, cookies = await team_booth(server)
    async with as_user(server, cookies) as http:
        token = await form_token(http, f"/booths/{made.id}/edit")
        response = await http.post(
            f"/booths/{made.id}/media",
            data={"csrf": token, "kind": "document", "title": "Annual report"},
            files={"file": ("report.pdf", PDF, "application/pdf")},
        )
        assert response.status_code == 303
        assert response.headers["location"] == f"/booths/{made.id}/edit?saved=media#media"
        edit = await http.get(f"/booths/{made.id}/edit")
    async with server.services.db.reading() as session:
        [row] = (await session.scalars(select(Media))).all()
    assert (row.kind, row.title, row.original_name, row.size) == (
        "document",
        "Annual report",
        "report.pdf",
        len(PDF),
    )
    assert uploads_of(server) == [row.stored_name]
    assert f'<a href="/media/{row.id}">Annual report</a>' in edit.text
    page = await queries.booth_page(server.services.db, await someone(server.services.db), made.id)
    assert [(m.title, m.url) for m in page.documents] == [("Annual report", f"/media/{row.id}")]


async def test_upload_refused_for_its_content_is_422_and_keeps_nothing(
    server: RunningServer,
) -> None:
    """An SVG named .pdf gets 422 with the message on the edit page, no row and no file."""
    made, cookies = await team_booth(server)
    async with as_user(server, cookies) as http:
        token = await form_token(http, f"/booths/{made.id}/edit")
        response = await http.post(
            f"/booths/{made.id}/media",
            data={"csrf": token, "kind": "document", "title": "Brochure"},
            files={"file": ("brochure.pdf", SVG, "application/pdf")},
        )
    assert response.status_code == 422
    assert "This file is not a PDF document." in form_error(response)
    assert await media_rows(server) == 0
    assert uploads_of(server) == []


async def test_upload_by_a_participant_is_refused_and_keeps_nothing(server: RunningServer) -> None:
    """A participant posting a valid PDF to a booth gets 403; no row and no file remain."""
    made, _team_cookies = await team_booth(server)
    db = server.services.db
    cookies = await login_cookies(db, await person(db))
    async with as_user(server, cookies) as http:
        token = await form_token(http, "/")
        response = await http.post(
            f"/booths/{made.id}/media",
            data={"csrf": token, "kind": "document", "title": "Spam"},
            files={"file": ("spam.pdf", PDF, "application/pdf")},
        )
    assert response.status_code == 403
    assert await media_rows(server) == 0
    assert uploads_of(server) == []


async def test_upload_without_csrf_token_is_refused(server: RunningServer) -> None:
    """The team's own browser posting a file without the token gets 403 and keeps nothing."""
    made, cookies = await team_booth(server)
    async with as_user(server, cookies) as http:
        response = await http.post(
            f"/booths/{made.id}/media",
            data={"kind": "document", "title": "Forged"},
            files={"file": ("forged.pdf", PDF, "application/pdf")},
        )
    assert response.status_code == 403
    assert await media_rows(server) == 0
    assert uploads_of(server) == []


async def document(
    server: RunningServer, *, published: bool = True
) -> tuple[Media, dict[str, str]]:
    """A PDF stored at a booth by its exhibitor, and that exhibitor's login cookies."""
    db = server.services.db
    exhibitor = await person(db)
    made = await booth(db, await someone(db, Role.ORGANISER), published=published, team=[exhibitor])
    item = await stored_media(
        db,
        await viewer(db, exhibitor),
        made.id,
        Storage(server.services.settings.section(HallSettings).upload_path),
        MediaKind.DOCUMENT,
        PDF,
        title="Report",
        filename="report.pdf",
    )
    return item, await login_cookies(db, exhibitor)


async def test_document_is_served_as_a_sandboxed_attachment_with_ranges(
    server: RunningServer,
) -> None:
    """A document comes whole as an attachment, announcing byte ranges, inside a sandbox CSP."""
    item, _team = await document(server)
    async with browser(server) as http:
        response = await http.get(f"/media/{item.id}")
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-disposition"] == "attachment; filename*=UTF-8''report.pdf"
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_range_request_gets_206_with_the_part_asked_for(server: RunningServer) -> None:
    """`Range: bytes=0-99` gets 206, content-range 0-99 of the size, and those 100 bytes."""
    item, _team = await document(server)
    async with browser(server) as http:
        response = await http.get(f"/media/{item.id}", headers={"range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 0-99/{len(PDF)}"
    assert response.content == PDF[:100]


async def test_file_of_a_draft_booth_is_not_found_for_participants(server: RunningServer) -> None:
    """A participant and a stranger get 404 for a draft booth's file; its team gets it."""
    item, team = await document(server, published=False)
    db = server.services.db
    participant = await login_cookies(db, await person(db))
    async with as_user(server, participant) as http:
        assert (await http.get(f"/media/{item.id}")).status_code == 404
    async with browser(server) as http:
        assert (await http.get(f"/media/{item.id}")).status_code == 404
    async with as_user(server, team) as http:
        seen = await http.get(f"/media/{item.id}")
    assert seen.status_code == 200 and seen.content == PDF
