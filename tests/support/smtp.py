"""A real SMTP server on a loopback port (aiosmtpd), which a test can stop, make refuse with a
temporary error, and start again on the same port."""

from __future__ import annotations

import socket
import ssl
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


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


class Account:
    """The one account the server accepts with AUTH."""

    def __init__(self, username: str, password: str) -> None:
        self.username, self.password = username.encode(), password.encode()

    def __call__(
        self, server: SMTP, session: Any, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        good = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.username,
            self.password,
        )
        return AuthResult(success=good, handled=False)


class _Session(Session):
    """aiosmtpd 1.4 sets its own deprecated `login_data` after every AUTH, which warns, and
    the suite makes warnings errors (in the server's thread too): keep it silently."""

    @property
    def login_data(self) -> Any:
        return self._login_data

    @login_data.setter
    def login_data(self, value: Any) -> None:
        self._login_data = value


class _Smtp(SMTP):
    def _create_session(self) -> Session:
        return _Session(self.loop)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _Smtp(self.handler, **self.SMTP_kwargs)


class LocalSmtp:
    """An aiosmtpd server on 127.0.0.1:`port`, off until `start`. Given a TLS context, it
    requires STARTTLS and then AUTH with `account`."""

    def __init__(self, tls: ssl.SSLContext | None = None, account: Account | None = None) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self.tls, self.account = tls, account
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?tls=off"

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.tls is not None:
            options = {"tls_context": self.tls, "require_starttls": True}
        if self.account is not None:
            options |= {"authenticator": self.account, "auth_require_tls": True}
        controller = _Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **options)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
