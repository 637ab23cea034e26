"""Senders, chosen by URL: `file://` writes .eml files, `smtp://` hands mail to a server,
`null://` drops it. Each takes a finished RFC 5322 message (`compose`)."""

from __future__ import annotations

import asyncio
import os
import smtplib
import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from fair.core.settings import PROJECT_ROOT, SettingsError

RESERVED = frozenset({"from", "to", "subject", "date", "message-id"})
"""Headers the outbox sets itself; a message's own `headers` cannot replace them."""


@dataclass(frozen=True)
class Outgoing:
    """A message of the outbox, as the sending job hands it to a sender."""

    id: int
    to: str
    subject: str
    text: str
    html: str | None
    headers: Mapping[str, str]
    created_at: datetime


def compose(outgoing: Outgoing, from_address: str, from_name: str) -> EmailMessage:
    """The RFC 5322 message: plain text, and an HTML alternative if there is one. Its
    Message-ID is the outbox row's, so every attempt at one message carries the same."""
    message = EmailMessage()
    message["From"] = Address(display_name=from_name, addr_spec=from_address)
    message["To"] = outgoing.to
    message["Subject"] = outgoing.subject
    message["Date"] = format_datetime(outgoing.created_at)
    domain = from_address.rpartition("@")[2] or "localhost"
    stamp = outgoing.created_at.strftime("%Y%m%d%H%M%S")
    message["Message-ID"] = f"<mail-{outgoing.id}.{stamp}@{domain}>"
    for name, value in outgoing.headers.items():
        if name.lower() not in RESERVED:
            message[name] = value
    message.set_content(outgoing.text)
    if outgoing.html is not None:
        message.add_alternative(outgoing.html, subtype="html")
    return message


class Sender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Deliver `message` or raise; raising means it may be tried again."""
        ...


class NullSender:
    """Drops every message: for tests and set-ups that send no mail."""

    async def send(self, message: EmailMessage) -> None:
        return None


class FileSender:
    """Writes each message to `<folder>/<message id>.eml`, whole or not at all."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._write, message)

    def path_of(self, message: EmailMessage) -> Path:
        name = str(message["Message-ID"]).strip("<>").replace("/", "_")
        return self.folder / f"{name}.eml"

    def _write(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path_of(message)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(message.as_bytes())
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


class SmtpSender:
    """Hands each message to an SMTP server, after STARTTLS unless `tls` is off."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None,
        password: str | None,
        tls: bool,
        cafile: str | None,
        timeout: float,
    ) -> None:
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.tls, self.cafile, self.timeout = tls, cafile, timeout

    async def send(self, message: EmailMessage) -> None:
        # smtplib blocks: a thread of its own, bounded by the socket timeout.
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.tls:
                smtp.starttls(context=ssl.create_default_context(cafile=self.cafile))
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def sender_for(url: str, *, timeout: float = 20.0) -> Sender:
    """The sender a mail URL names (see `MailSettings.url`)."""
    parts = urlsplit(url)
    if parts.scheme == "null":
        return NullSender()
    if parts.scheme == "file":
        folder = Path(parts.netloc + parts.path)
        return FileSender(folder if folder.is_absolute() else PROJECT_ROOT / folder)
    if parts.scheme == "smtp":
        if not parts.hostname:
            raise SettingsError("an smtp:// mail url needs a host")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        tls = query.get("tls", "on").lower() not in {"off", "0", "false", "no"}
        return SmtpSender(
            parts.hostname,
            parts.port or (587 if tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
            cafile=query.get("cafile"),
            timeout=timeout,
        )
    raise SettingsError(
        f"no mail sender for {parts.scheme or url!r}: use file://, smtp://, null://"
    )
