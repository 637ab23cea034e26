"""An interview's length, size and audio-only version over HTTP: the booth page offers the
transcript and the light version before the player; only the team may attach one, and only
an audio file within the audio cap."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import select

from fair.core.accounts.roles import Role
from fair.hall.models import Media
from fair.hall.settings import HallSettings
from fair.hall.uploads import MB, SIZE_CAPS
from tests.core.test_accounts_http import browser, form_error, form_token
from tests.support.factories import login_cookies, person
from tests.support.hall import MP4, PDF, booth, someone
from tests.support.servers import RunningServer

OGG = b"OggS\x00\x02" + b"\x00" * 400


def uploads_of(server: RunningServer) -> list[str]:
    folder = server.services.settings.section(HallSettings).upload_path
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def interview(server: RunningServer) -> tuple[Media, str, dict[str, str]]:
    """An MP4 interview of 12:30 with a transcript, uploaded through the edit form by the
    exhibitor of a published booth; the booth's address and the exhibitor's cookies."""
    db = server.services.db
    exhibitor = await person(db)
    made = await booth(db, await someone(db, Role.ORGANISER), team=[exhibitor])
    cookies = await login_cookies(db, exhibitor)
    async with browser(server, cookies) as http:
        token = await form_token(http, f"/booths/{made.id}/edit")
        response = await http.post(
            f"/booths/{made.id}/media",
            data={
                "csrf": token,
                "kind": "interview",
                "title": "Founders",
                "duration": "12:30",
                "transcript": "We began in 2019.",
            },
            files={"file": ("founders.mp4", MP4, "video/mp4")},
        )
        assert response.status_code == 303, response.text
    async with db.reading() as session:
        [row] = (await session.scalars(select(Media))).all()
    return row, made.slug, cookies


async def attach(
    server: RunningServer, cookies: dict[str, str], media_id: int, name: str, body: object
) -> httpx.Response:
    """The team's (or anyone's) browser posts `body` as the interview's audio-only version."""
    async with browser(server, cookies) as http:
        token = await form_token(http, "/")
        response = await http.post(
            f"/media/{media_id}/audio",
            data={"csrf": token},
            files={"file": (name, body, "application/octet-stream")},
        )
    return response


async def test_the_booth_offers_length_size_transcript_and_audio_before_the_player(
    server: RunningServer,
) -> None:
    """After the team attaches an Ogg version, the booth page says the interview's length and
    size, then links the transcript and "Listen (audio only, ...)", all before the player; the
    audio is served inline and sandboxed, and a second one replaces the first's file."""
    row, slug, cookies = await interview(server)
    assert row.duration == 12 * 60 + 30
    assert (await attach(server, cookies, row.id, "founders.ogg", OGG)).status_code == 303
    [first] = [name for name in uploads_of(server) if name.endswith(".ogg")]
    async with browser(server) as http:
        page = (await http.get(f"/booths/{slug}")).text
        audio = await http.get(f"/media/{row.id}/audio")
    figure = page[page.index('<figure class="interview">') : page.index("</figure>")]
    facts = figure.index(f"Length: 12:30 · File: {len(MP4)} bytes")
    transcript = figure.index(f'<a href="#transcript-{row.id}">Read the transcript</a>')
    listen = figure.index(f'<a href="/media/{row.id}/audio" data-media-id="{row.id}">')
    assert facts < transcript < listen < figure.index("<video")
    assert f"Listen (audio only, {len(OGG)} bytes)" in figure
    assert audio.status_code == 200 and audio.content == OGG
    assert audio.headers["content-type"] == "audio/ogg"
    assert audio.headers["content-disposition"].startswith("inline;")
    assert "sandbox" in audio.headers["content-security-policy"]
    assert (await attach(server, cookies, row.id, "again.ogg", OGG)).status_code == 303
    audios = [name for name in uploads_of(server) if name.endswith(".ogg")]
    assert len(audios) == 1 and audios != [first]


async def test_only_the_team_attaches_and_only_audio_within_the_cap(
    server: RunningServer, tmp_path: Path
) -> None:
    """A participant is refused (403); a video, or an audio file over the audio cap, is refused
    with its reason (422); a document gets no audio version (404); nothing is kept."""
    row, _slug, cookies = await interview(server)
    db = server.services.db
    stranger = await login_cookies(db, await person(db))
    assert (await attach(server, stranger, row.id, "spam.ogg", OGG)).status_code == 403
    video = await attach(server, cookies, row.id, "video.ogg", MP4)
    assert video.status_code == 422 and "This file is not an audio file" in form_error(video)
    big = tmp_path / "big.ogg"
    with big.open("wb") as out:
        out.write(OGG)
        out.truncate(SIZE_CAPS["audio"] + 1)
    with big.open("rb") as source:
        too_big = await attach(server, cookies, row.id, "big.ogg", source)
    assert too_big.status_code == 422
    assert f"at most {SIZE_CAPS['audio'] // MB} MB" in form_error(too_big)
    async with browser(server, cookies) as http:
        token = await form_token(http, "/")
        await http.post(
            f"/booths/{row.booth_id}/media",
            data={"csrf": token, "kind": "document", "title": "Report"},
            files={"file": ("report.pdf", PDF, "application/pdf")},
        )
    async with db.reading() as session:
        document = await session.scalar(select(Media).where(Media.kind == "document"))
        assert document is not None
        kept = uploads_of(server)
        assert (await attach(server, cookies, document.id, "doc.ogg", OGG)).status_code == 404
        interview_row = await session.get(Media, row.id)
    assert uploads_of(server) == kept
    assert interview_row is not None and interview_row.audio_name is None
