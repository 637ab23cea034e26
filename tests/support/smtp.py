"""A real SMTP server on a loopback port (aiosmtpd), which a test can stop, make refuse with a
temporary error, and start again on the same port."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailbox:
    """What the server accepted, and whether it refuses for now (451, try again later)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refusing = False
        self._lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Envelope) -> str:
        if self.refusing:
            return "451 4.3.0 Try again later"
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.messages.append(parsed)
        return "250 OK"


class LocalSmtp:
    """An aiosmtpd server on 127.0.0.1:`port`, off until `start`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?tls=off"

    def start(self) -> None:
        controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
