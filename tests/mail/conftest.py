"""A local SMTP server per test, and mail settings that retry at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fair.core.mail.settings import MailSettings
from tests.support.smtp import LocalSmtp


@pytest.fixture
def smtp() -> Iterator[LocalSmtp]:
    server = LocalSmtp()
    try:
        yield server
    finally:
        server.stop()


def mail_settings(**values: object) -> MailSettings:
    """Mail settings for a test: small waits, a short timeout, as given otherwise."""
    defaults: dict[str, object] = {
        "url": "null://",
        "from_address": "fair@example.org",
        "from_name": "Test fair",
        "retry_seconds": 30.0,
        "timeout_seconds": 5.0,
    }
    return MailSettings(**{**defaults, **values})  # type: ignore[arg-type]
