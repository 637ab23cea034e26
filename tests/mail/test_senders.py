"""The file sender writes one whole, parseable RFC 5322 message per outbox row."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from fair.core.mail.senders import FileSender, Outgoing, compose, sender_for


def outgoing(**changes: object) -> Outgoing:
    values: dict[str, object] = {
        "id": 7,
        "to": "ama@example.org",
        "subject": "Réinitialiser le mot de passe",
        "text": "Bonjour Ama,\nvoici le lien.",
        "html": "<p>Bonjour Ama,</p>",
        "headers": {"X-Fair-Kind": "accounts.password_reset", "From": "spoof@example.org"},
        "created_at": datetime(2026, 12, 2, 14, 0, tzinfo=UTC),
    }
    return Outgoing(**{**values, **changes})  # type: ignore[arg-type]


async def test_the_file_sender_writes_a_parseable_eml(tmp_path: Path) -> None:
    """The .eml has From, To, Date, Message-ID, the given headers, and text and HTML parts."""
    sender = sender_for(f"file://{tmp_path}/mail")
    assert isinstance(sender, FileSender)
    message = compose(outgoing(), "fair@example.org", "Test fair")
    await sender.send(message)
    (written,) = (tmp_path / "mail").iterdir()
    assert written.name == "mail-7.20261202140000@example.org.eml"
    parsed = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["From"] == "Test fair <fair@example.org>"
    assert parsed["To"] == "ama@example.org"
    assert parsed["Subject"] == "Réinitialiser le mot de passe"
    assert parsed["Message-ID"] == "<mail-7.20261202140000@example.org>"
    assert parsed["Date"] == "Wed, 02 Dec 2026 14:00:00 +0000"
    assert parsed["X-Fair-Kind"] == "accounts.password_reset"
    text = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    assert text is not None and html is not None
    assert "voici le lien" in text.get_content() and "<p>Bonjour Ama,</p>" in html.get_content()


async def test_sending_again_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    """A message sent twice (a retried attempt) is one file, and no partial file remains."""
    sender = FileSender(tmp_path)
    await sender.send(compose(outgoing(html=None), "fair@example.org", "Test fair"))
    await sender.send(compose(outgoing(html=None), "fair@example.org", "Test fair"))
    assert [p.name for p in tmp_path.iterdir()] == ["mail-7.20261202140000@example.org.eml"]
