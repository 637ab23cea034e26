"""The e-mail digest: when it is due, what it says (grouped, in the reader's zone, small), once
per person and period whatever the workers do, and its one-click unsubscribe."""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, update

from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.consumers import caught_up
from fair.core.contract import Delivery, Notice, Services
from fair.core.db import Database
from fair.core.features import load_features
from fair.core.mail.models import MailMessage
from fair.core.mail.settings import MailSettings
from fair.core.notifications import actions, follows
from fair.core.notifications.consumer import notifications_consumer
from fair.core.notifications.digest import (
    MAX_BYTES,
    Writing,
    digest_now,
    queue_digests,
    send_moments,
    unsubscribe_link,
)
from fair.core.notifications.inputs import ChoicesInput
from fair.core.notifications.settings import Choices, Digest, choices_for
from fair.core.services import collect_notice_kinds, collect_programmes
from fair.core.tables import utcnow
from fair.core.templates import create_templates
from fair.core.zones import DEFAULT_ZONE
from fair.qa.channels import PLACE as QA_PLACE
from fair.qa.inputs import PanelCreation
from fair.qa.setup import create_panel
from tests.conftest import DemoFair, make_settings
from tests.support.databases import configured_features
from tests.support.jobs import QUICK, services_on, until
from tests.support.qa import Member, members
from tests.support.servers import serve

DAKAR = ZoneInfo("Africa/Dakar")
MEXICO = ZoneInfo("America/Mexico_City")
FEATURES = load_features(configured_features())
KINDS = collect_notice_kinds(FEATURES)


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)  # type: ignore[misc]


def test_a_daily_digest_is_due_at_the_readers_hour_in_their_zone() -> None:
    """07:00 in Mexico City is 13:00 UTC: a window over it has the moment, one that ends just
    before has none; a weekly digest is only due on Mondays; off is never due."""
    daily = Choices(digest=Digest.DAILY, digest_hour=7)
    moment = at(MEXICO, 2026, 12, 2, 7)
    assert send_moments(moment - timedelta(minutes=5), moment, MEXICO, daily) == [moment]
    before = moment - timedelta(seconds=1)
    assert send_moments(before - timedelta(minutes=5), before, MEXICO, daily) == []
    week = (at(UTC, 2026, 11, 30), at(UTC, 2026, 12, 7))  # Monday to Monday
    weekly = Choices(digest=Digest.WEEKLY, digest_hour=7)
    mondays = send_moments(*week, DAKAR, weekly)
    assert mondays == [at(DAKAR, 2026, 11, 30, 7)]
    assert send_moments(*week, DAKAR, Choices(digest=Digest.OFF)) == []
    assert len(send_moments(*week, DAKAR, daily)) == 7


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    async with services_on(database_url) as made:
        yield made


def writing() -> Writing:
    settings = make_settings("sqlite+aiosqlite:///:memory:")
    env = create_templates(settings, FEATURES).env
    programmes = collect_programmes(FEATURES)
    return Writing(env, KINDS, "https://fair.example.org", settings.secret_key, programmes)


async def tell(db: Database, person: Member, kind: str, text: str, when: datetime) -> None:
    """A notice for `person`, stored as the consumer would store it, made at `when`."""
    async with db.transaction() as tx:
        await actions.notify(
            tx,
            Delivery("test:1", int(when.timestamp() * 1000), "test.told", {}, when, None),
            [Notice(user_id=person.id, kind=kind, message=text, link="/hall")],
        )


async def confirm(db: Database, *people: Member) -> None:
    async with db.transaction() as tx:
        await tx.session.execute(
            update(User)
            .where(User.id.in_([p.id for p in people]))
            .values(email_confirmed_at=utcnow())
        )


async def test_a_day_of_notices_is_grouped_with_syntheses_first_in_the_readers_zone(
    services: Services,
) -> None:
    """A reply, an answer and a synthesis in the day before 07:00 Dakar time (one from the day
    before that is left out): the digest lists the synthesis first, then the answer, then the
    reply, each with its Dakar time and an absolute link, and a signed unsubscribe link."""
    db = services.db
    (amina,) = await members(db, "Amina")
    end = at(DAKAR, 2026, 12, 2, 7)
    await tell(
        db, amina, "discussions.reply", "Bo replied to your post.", end - timedelta(hours=20)
    )
    await tell(
        db, amina, "qa.question_answered", "Your question was answered.", end - timedelta(hours=9)
    )
    await tell(
        db,
        amina,
        "discussions.synthesis_published",
        "A synthesis is out.",
        end - timedelta(hours=2),
    )
    await tell(db, amina, "discussions.reply", "An old reply.", end - timedelta(days=1, hours=1))
    async with db.reading() as session:
        user = await session.get(User, amina.id)
        assert user is not None
        written = await writing().compose(session, user, Choices(), DAKAR, end)
    assert written is not None
    assert written.subject == "Your day at the fair"
    text = written.text
    order = [text.index(t) for t in ("New syntheses", "Your questions", "Replies to you")]
    assert order == sorted(order)
    assert "- 05:00 A synthesis is out.\n  https://fair.example.org/hall" in text
    assert "- 22:00 Your question was answered." in text
    assert "An old reply." not in text
    assert "Times are in Africa/Dakar." in text
    assert "/notifications/unsubscribe?token=" in text and "<img" not in written.html


async def test_a_quiet_day_sends_nothing_and_a_busy_one_stays_small(services: Services) -> None:
    """No notice in the period: no digest. Four hundred: the message stays under 20 KB and
    says how many more there are."""
    db = services.db
    quiet, busy = await members(db, "Quiet", "Busy")
    end = at(DAKAR, 2026, 12, 2, 7)
    for n in range(400):
        await tell(
            db,
            busy,
            "discussions.reply",
            f"Reply number {n} to your long post.",
            end - timedelta(minutes=n + 1),
        )
    async with db.reading() as session:
        nobody = await session.get(User, quiet.id)
        someone = await session.get(User, busy.id)
        assert nobody is not None and someone is not None
        assert await writing().compose(session, nobody, Choices(), DAKAR, end) is None
        written = await writing().compose(session, someone, Choices(), DAKAR, end)
    assert written is not None
    assert len(written.text.encode()) + len(written.html.encode()) <= MAX_BYTES
    assert "and 385 more" in written.text


async def scheduled(db: Database, organiser: Member, title: str, starts: datetime) -> int:
    made = await create_panel(
        db,
        organiser.viewer,
        PanelCreation(title=title, starts_at=starts, ends_at=starts + timedelta(hours=1)),
    )
    return made.id


async def test_the_coming_days_panels_are_listed_and_a_bookmarked_one_alone_is_worth_a_digest(
    services: Services,
) -> None:
    """Panels starting in the day after the digest's moment are its programme, in the reader's
    zone, the bookmarked one marked; one starting later is not. With no notice at all, a day
    whose programme holds only panels nobody bookmarked sends nothing; a bookmark makes it
    worth sending."""
    db = services.db
    organiser, keen, idle = await members(db, Role.ORGANISER, "Keen", "Idle")
    end = (
        (utcnow() + timedelta(days=2))
        .astimezone(DAKAR)
        .replace(hour=7, minute=0, second=0, microsecond=0)
    )
    talk = await scheduled(db, organiser, "Remittances at home", end + timedelta(hours=3))
    await scheduled(db, organiser, "Rights at work", end + timedelta(hours=9, minutes=30))
    await scheduled(db, organiser, "Next week's panel", end + timedelta(days=1, hours=1))
    async with db.transaction() as tx:
        await follows.follow(tx, keen.id, QA_PLACE, talk)
    async with db.reading() as session:
        reader = await session.get(User, keen.id)
        other = await session.get(User, idle.id)
        assert reader is not None and other is not None
        written = await writing().compose(session, reader, Choices(), DAKAR, end)
        assert await writing().compose(session, other, Choices(), DAKAR, end) is None
    assert written is not None
    text = written.text
    assert "Coming up\n- 10:00 Remittances at home (bookmarked)\n" in text
    assert "- 16:30 Rights at work\n" in text
    assert "Next week's panel" not in text
    assert "Rights at work</a>" in written.html


async def digest_rows(db: Database) -> list[tuple[str, str]]:
    async with db.reading() as session:
        rows = await session.execute(select(MailMessage.to_address, MailMessage.dedupe_key))
        return sorted((to, key or "") for to, key in rows)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_workers_and_a_rerun_queue_one_digest_per_person(database_url: str) -> None:
    """Two app instances run the digest over the same window at once, and again after a
    "restart": each confirmed person with news has exactly one digest queued; the unconfirmed
    one none."""
    async with services_on(database_url) as first, services_on(database_url) as second:
        db = first.db
        amina, bo, unconfirmed = await members(db, "Amina", "Bo", "Unconfirmed")
        await confirm(db, amina, bo)
        moment = at(ZoneInfo(DEFAULT_ZONE), 2026, 12, 1, 7)  # the fair's zone, the default hour
        for person in (amina, bo, unconfirmed):
            await tell(db, person, "discussions.reply", "A reply.", moment - timedelta(hours=1))
        since, now = moment - timedelta(minutes=5), moment + timedelta(minutes=5)
        await asyncio.gather(
            queue_digests(first.db, Writing.of(first), since, now),
            queue_digests(second.db, Writing.of(second), since, now),
        )
        await queue_digests(first.db, Writing.of(first), since - timedelta(hours=1), now)
        rows = await digest_rows(db)
        async with db.reading() as session:
            headers = await session.scalar(select(MailMessage.headers).limit(1))
    assert [to for to, _key in rows] == sorted([amina.user.email, bo.user.email])
    assert len({key for _to, key in rows}) == 2
    assert headers is not None
    assert (
        headers["List-Unsubscribe"].startswith("<http") and "token=" in headers["List-Unsubscribe"]
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


async def test_the_unsubscribe_link_works_without_logging_in_and_a_forged_one_does_not(
    sqlite_url: str,
) -> None:
    """The digest's link turns Amina's digest off from a browser with no login; a link with
    another person's id in it, or cut short, is refused and changes nothing."""
    async with serve(make_settings(sqlite_url)) as server:
        db = server.services.db
        amina, bo = await members(db, "Amina", "Bo")
        secret = server.services.settings.secret_key
        link = unsubscribe_link(server.base_url, secret, amina.id)
        # Bo's id in the token, with Amina's signature (people are made concurrently: either
        # may have the lower id).
        amina_value = link.split("token=")[1].split(".")[0]
        bo_value = base64.urlsafe_b64encode(str(bo.id).encode()).rstrip(b"=").decode()
        assert bo_value != amina_value
        forged = link.replace(f"token={amina_value}.", f"token={bo_value}.")
        async with httpx.AsyncClient() as http:
            for bad in (forged, link[:-4], f"{server.base_url}/notifications/unsubscribe"):
                refused = await http.get(bad)
                assert refused.status_code == 422
                assert "not valid" in refused.text
            async with db.reading() as session:
                assert (await choices_for(session, bo.id)).digest is Digest.DAILY
                assert (await choices_for(session, amina.id)).digest is Digest.DAILY
            done = await http.get(link)
            assert done.status_code == 200 and "no more e-mail digests" in done.text
            again = await http.post(link)
            assert again.status_code == 200
        async with db.reading() as session:
            assert (await choices_for(session, amina.id)).digest is Digest.OFF
            assert (await choices_for(session, bo.id)).digest is Digest.DAILY


def test_the_command_prints_the_demo_participants_digest(tmp_path: Path) -> None:
    """`fair demo load`, then `fair digest send --dry-run --for participant@demo.fair`: the
    digest is printed (its notices made first), nothing is queued."""
    env = {
        **os.environ,
        "FAIR_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/fair.db",
        "FAIR_MAIL_URL": "null://",
    }
    fair = [sys.executable, "-m", "fair"]
    subprocess.run([*fair, "demo", "load"], env=env, check=True, capture_output=True, timeout=120)
    printed = subprocess.run(
        [*fair, "digest", "send", "--dry-run", "--for", "participant@demo.fair"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert printed.startswith("To: participant@demo.fair\nSubject: Your day at the fair\n")
    assert "New syntheses" in printed and "Replies to you" in printed


async def test_an_urgent_kind_chosen_by_e_mail_at_once_is_mailed_once(services: Services) -> None:
    """Amina wants answered questions by e-mail at once: the answer's notice is queued as
    its own mail in the consumer's transaction, with the unsubscribe headers; a reply (not
    chosen) is not mailed, and the unconfirmed Bo gets no mail though he chose the same."""
    db = services.db
    amina, bo = await members(db, "Amina", "Bo")
    await confirm(db, amina)
    for person in (amina, bo):
        await actions.save_choices(
            db,
            person.viewer,
            ChoicesInput(
                digest=Digest.DAILY,
                digest_hour=7,
                in_app=list(KINDS),
                email_now=["qa.question_answered"],
            ),
            KINDS,
        )
    now = utcnow()
    for person in (amina, bo):
        async with db.transaction() as tx:
            delivery = Delivery(f"user:{person.id}", 1, "test.told", {}, now, None)
            await actions.notify(
                tx,
                delivery,
                [
                    Notice(person.id, "qa.question_answered", "Your question was answered.", "/p"),
                    Notice(person.id, "discussions.reply", "Bo replied.", "/d"),
                ],
                writing=writing(),
            )
    async with db.reading() as session:
        mails = list(await session.scalars(select(MailMessage)))
    assert [(m.to_address, m.subject) for m in mails] == [
        (amina.user.email, "Your question was answered.")
    ]
    assert "https://fair.example.org/p" in mails[0].text
    assert mails[0].headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


async def test_a_day_of_the_demo_fair_writes_one_eml_per_person_with_news(
    demo_fair: DemoFair, tmp_path: Path
) -> None:
    """The demo loaded on a server that writes mail to files: its consumer makes the notices,
    the day's digests are queued, and the sending job writes one `.eml` to each demo person
    who was told something (those told nothing get none)."""
    outbox = tmp_path / "mail"
    settings = demo_fair.settings(jobs_off=(), **QUICK).with_section(
        MailSettings, url=f"file://{outbox}"
    )
    async with serve(settings) as server:
        services = server.services
        consumer = notifications_consumer(services.notifiers, services.notice_kinds)
        assert consumer is not None
        await until(lambda: caught_up(services.db, consumer), within=60)
        done = await digest_now(services.db, Writing.of(services), None, dry_run=False)
        with_news = [line.split(":")[0] for line in done if line.endswith(": queued")]
        assert "participant@demo.fair" in with_news

        def written() -> list[Path]:
            return sorted(outbox.glob("*.eml")) if outbox.exists() else []

        await until(lambda: len(written()) == len(with_news), within=60)
    recipients = sorted(str(message_from_bytes(path.read_bytes())["To"]) for path in written())
    assert recipients == sorted(with_news)
