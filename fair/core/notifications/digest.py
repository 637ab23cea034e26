"""The e-mail digest: one short message per person per period (a day or a week), sent at the
local hour they chose, listing what they were told in that period, grouped (new syntheses
first, then rounds, answers to their questions, replies to them, the coming period's programme,
the rest), one line and one link each. Nothing is sent for a period in which nothing happened
(the programme alone counts only when it holds something the person follows).

Exactly once: the job (one worker at a time) looks at the send moments that fell in its
window (since, now], and each digest is queued under the key `digest:<user>:<local day>` (or
`<ISO week>`), which the outbox takes once (`queue_mail(dedupe_key=...)`): a second worker, a
rerun after a crash or an overlapping window finds the key taken and adds nothing.

Only confirmed addresses get one (the demo's accounts are confirmed). Every digest carries a
signed unsubscribe link that works without logging in, and the `List-Unsubscribe` headers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fair.core.accounts.models import User
from fair.core.contract import Job, JobWindow, NoticeKind, ProgrammeItem, ProgrammeSource
from fair.core.i18n import gettext as _
from fair.core.i18n import speaking
from fair.core.mail.outbox import queue_mail
from fair.core.mail.rendering import Written, write_mail
from fair.core.notifications.models import Notification
from fair.core.notifications.queries import text_of
from fair.core.notifications.settings import (
    Choices,
    Digest,
    NotificationSettings,
    choices_of,
)
from fair.core.signing import sign
from fair.core.tables import utcnow
from fair.core.zones import fair_zone_name

if TYPE_CHECKING:
    from jinja2 import Environment

    from fair.core.contract import Services
    from fair.core.db import Database, Tx

SECTIONS = ("syntheses", "rounds", "questions", "replies", "programme", "other")
MAX_PER_SECTION = 15
"""More than this in one section: the rest is one line pointing to the notifications page."""
MAX_BYTES = 20_000
"""The plain text and the HTML part together stay under this (slow, costly links)."""
UNSUBSCRIBE = "notifications.unsubscribe"
UNSUBSCRIBE_PATH = "/notifications/unsubscribe"
UNSUBSCRIBE_MAX_AGE = 400 * 86400
"""An unsubscribe link works for more than a year: long after the fair, for old messages."""
EVERY_SECONDS = 300.0
KIND = "notifications.digest"


def section_titles() -> dict[str, str]:
    """The sections' headings, in the active language."""
    return {
        "syntheses": _("New syntheses"),
        "rounds": _("Rounds opening and closing"),
        "questions": _("Your questions"),
        "replies": _("Replies to you"),
        "programme": _("Coming up"),
        "other": _("Also"),
    }


def send_moments(
    since: datetime, now: datetime, zone: ZoneInfo, choices: Choices
) -> list[datetime]:
    """The moments in (since, now] at which this person's digest is due: their hour, in their
    zone, every day (daily) or every Monday (weekly)."""
    if choices.digest is Digest.OFF:
        return []
    first = since.astimezone(zone).date() - timedelta(days=1)
    last = now.astimezone(zone).date() + timedelta(days=1)
    moments = []
    day = first
    while day <= last:
        moment = datetime.combine(day, time(choices.digest_hour), zone)
        weekly_ok = choices.digest is Digest.DAILY or day.weekday() == 0
        if weekly_ok and since < moment <= now:
            moments.append(moment)
        day += timedelta(days=1)
    return moments


def period_key(user_id: int, choices: Choices, zone: ZoneInfo, end: datetime) -> str:
    """The outbox key that makes a digest once per person and period: the local day (daily)
    or the ISO week (weekly) the period ends in."""
    local = end.astimezone(zone).date()
    if choices.digest is Digest.WEEKLY:
        year, week, _day = local.isocalendar()
        return f"digest:{user_id}:{year}-W{week:02d}"
    return f"digest:{user_id}:{local.isoformat()}"


def period_of(choices: Choices) -> timedelta:
    return timedelta(days=7 if choices.digest is Digest.WEEKLY else 1)


@dataclass(frozen=True)
class Line:
    text: str
    link: str
    at: str


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[Line]
    more: int


def unsubscribe_link(base_url: str, secret: str, user_id: int) -> str:
    token = sign(secret, UNSUBSCRIBE, str(user_id))
    return f"{base_url.rstrip('/')}{UNSUBSCRIBE_PATH}?token={token}"


async def compose(
    session: AsyncSession,
    env: Environment,
    *,
    user: User,
    choices: Choices,
    kinds: dict[str, NoticeKind],
    zone: ZoneInfo,
    end: datetime,
    base_url: str,
    secret: str,
    programmes: Sequence[ProgrammeSource] = (),
) -> Written | None:
    """The digest of the period ending at `end`, in the person's language and zone, with the
    programme of the period that follows; None when nothing happened in it."""
    start = end - period_of(choices)
    coming = [
        item
        for source in programmes
        for item in await source(session, user.id, end, end + period_of(choices))
    ]
    rows = list(
        await session.scalars(
            select(Notification)
            .where(
                Notification.user_id == user.id,
                Notification.created_at > start,
                Notification.created_at <= end,
            )
            .order_by(Notification.created_at, Notification.id)
        )
    )
    if not rows and not any(item.followed for item in coming):
        return None
    language = user.language or "en"
    base = base_url.rstrip("/")
    with speaking(language):
        titles = section_titles()
        grouped: dict[str, list[Line]] = {name: [] for name in SECTIONS}
        for row in rows:
            kind = kinds.get(row.kind)
            name = kind.section if kind is not None and kind.section in grouped else "other"
            local = row.created_at.astimezone(zone)
            grouped[name].append(
                Line(text_of(row.message, row.params), base + row.link, local.strftime("%H:%M"))
            )
        weekly = choices.digest is Digest.WEEKLY
        grouped["programme"] = [
            _programme_line(item, base, zone, language, weekly)
            for item in sorted(coming, key=lambda item: item.starts_at)
        ]
        sections = [
            Section(titles[name], lines[:MAX_PER_SECTION], max(0, len(lines) - MAX_PER_SECTION))
            for name, lines in grouped.items()
            if lines
        ]
    context = {
        "name": user.display_name,
        "sections": sections,
        "zone": zone.key,
        "day": end.astimezone(zone).date(),
        "weekly": choices.digest is Digest.WEEKLY,
        "all_link": f"{base}/notifications",
        "settings_link": f"{base}/notifications/settings",
        "unsubscribe_link": unsubscribe_link(base_url, secret, user.id),
    }
    written = write_mail(env, "digest", language, context)
    while len(written.text.encode()) + len(written.html.encode()) > MAX_BYTES and any(
        len(s.lines) > 1 for s in sections
    ):
        # Too long for a slow link: show fewer lines per section, counting the rest.
        sections = [_halved(section) for section in sections]
        written = write_mail(env, "digest", language, {**context, "sections": sections})
    return written


def _programme_line(
    item: ProgrammeItem, base: str, zone: ZoneInfo, language: str, weekly: bool
) -> Line:
    """A panel coming up: its start in the reader's zone (with the weekday in a weekly digest),
    its title, marked when the reader follows it."""
    at = format_datetime(
        item.starts_at, "EEE HH:mm" if weekly else "HH:mm", tzinfo=zone, locale=language
    )
    text = _("%(title)s (bookmarked)") % {"title": item.title} if item.followed else item.title
    return Line(text, base + item.link, at)


def _halved(section: Section) -> Section:
    kept = max(1, len(section.lines) // 2)
    return Section(section.title, section.lines[:kept], section.more + len(section.lines) - kept)


def digest_headers(link: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@dataclass(frozen=True)
class Writing:
    """What writing digests needs: the templates, the kinds of notice, the fair's address and
    the secret its links are signed with."""

    env: Environment
    kinds: Mapping[str, NoticeKind]
    base_url: str
    secret: str
    programmes: Sequence[ProgrammeSource] = ()

    @classmethod
    def of(cls, services: Services) -> Writing:
        settings = services.settings
        return cls(
            services.templates.env,
            services.notice_kinds,
            settings.base_url,
            settings.secret_key,
            services.programmes,
        )

    async def compose(
        self, session: AsyncSession, user: User, choices: Choices, zone: ZoneInfo, end: datetime
    ) -> Written | None:
        return await compose(
            session,
            self.env,
            user=user,
            choices=choices,
            kinds=dict(self.kinds),
            zone=zone,
            end=end,
            base_url=self.base_url,
            secret=self.secret,
            programmes=self.programmes,
        )


async def queue_digest(
    tx: Tx, writing: Writing, user: User, choices: Choices, zone: ZoneInfo, moment: datetime
) -> bool:
    """Queue `user`'s digest for the period ending at `moment`; False if nothing happened in
    it or it was queued before."""
    written = await writing.compose(tx.session, user, choices, zone, moment)
    if written is None:
        return False
    link = unsubscribe_link(writing.base_url, writing.secret, user.id)
    queued = await queue_mail(
        tx,
        to=user.email,
        subject=written.subject,
        text=written.text,
        html=written.html,
        headers=digest_headers(link),
        kind=KIND,
        dedupe_key=period_key(user.id, choices, zone, moment),
    )
    return queued is not None


async def mail_at_once(tx: Tx, writing: Writing, row: Notification) -> bool:
    """Queue one notice as its own short mail (a kind its reader wants by e-mail at once), in
    the consumer's transaction; only to a confirmed address. Whether it was queued."""
    user = await tx.session.get(User, row.user_id)
    if user is None or user.email_confirmed_at is None or user.banned:
        return False
    base = writing.base_url.rstrip("/")
    link = unsubscribe_link(writing.base_url, writing.secret, user.id)
    language = user.language or "en"
    with speaking(language):
        text = text_of(row.message, row.params)
    written = write_mail(
        writing.env,
        "notice",
        language,
        {
            "name": user.display_name,
            "text": text,
            "link": base + row.link,
            "settings_link": f"{base}/notifications/settings",
            "unsubscribe_link": link,
        },
    )
    queued = await queue_mail(
        tx,
        to=user.email,
        subject=written.subject,
        text=written.text,
        html=written.html,
        headers=digest_headers(link),
        kind=f"notifications.{row.kind}"[:60],
        dedupe_key=f"notice:{row.id}",
    )
    return queued is not None


async def _people(
    session: AsyncSession, email: str | None = None
) -> list[tuple[User, Choices, ZoneInfo]]:
    """Everyone who may get a digest (a confirmed address, not banned, digest not off), or
    only `email`'s account, with their choices and zone."""
    query = (
        select(User, NotificationSettings)
        .outerjoin(NotificationSettings, NotificationSettings.user_id == User.id)
        .where(User.email_confirmed_at.is_not(None), User.banned.is_(False))
        .order_by(User.id)
    )
    if email is not None:
        query = query.where(func.lower(User.email) == email.strip().lower())
    fair_zone = ZoneInfo(await fair_zone_name(session))
    people = []
    for user, row in await session.execute(query):
        choices = choices_of(row, user.time_zone)
        if choices.digest is not Digest.OFF:
            zone = ZoneInfo(choices.time_zone) if choices.time_zone else fair_zone
            people.append((user, choices, zone))
    return people


async def queue_digests(db: Database, writing: Writing, since: datetime, now: datetime) -> int:
    """Queue every digest due in (since, now]; how many were queued."""
    queued = 0
    async with db.reading() as session:
        people = await _people(session)
    for user, choices, zone in people:
        for moment in send_moments(since, now, zone, choices):
            async with db.transaction() as tx:
                queued += await queue_digest(tx, writing, user, choices, zone, moment)
    return queued


async def digest_now(
    db: Database, writing: Writing, email: str | None, *, dry_run: bool
) -> list[str]:
    """`fair digest send`: each person's digest of the period up to now (the day, or the
    week), printed (`dry_run`) or queued (once per person and period, as the job does); what
    was done."""
    now = utcnow()
    lines: list[str] = []
    async with db.reading() as session:
        people = await _people(session, email)
    if email is not None and not people:
        return [f"{email}: no digest (no such confirmed account, or digests are off)"]
    for user, choices, zone in people:
        if dry_run:
            async with db.reading() as session:
                written = await writing.compose(session, user, choices, zone, now)
            if written is None:
                lines.append(f"{user.email}: nothing happened, no digest")
            else:
                lines += [f"To: {user.email}", f"Subject: {written.subject}", "", written.text]
            continue
        async with db.transaction() as tx:
            queued = await queue_digest(tx, writing, user, choices, zone, now)
        lines.append(f"{user.email}: {'queued' if queued else 'nothing new, or sent already'}")
    return lines


async def _run(services: Services, window: JobWindow) -> None:
    since = window.since or window.now - timedelta(seconds=EVERY_SECONDS)
    await queue_digests(services.db, Writing.of(services), since, window.now)


DIGESTS = Job("notifications.digest", _run, every_seconds=EVERY_SECONDS)
