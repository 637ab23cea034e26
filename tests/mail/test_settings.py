"""The `[mail]` settings: defaults, the environment, refusals, and the sender a URL names."""

from __future__ import annotations

import pytest

from fair.core.mail.senders import FileSender, NullSender, SmtpSender, sender_for
from fair.core.mail.settings import MailSettings
from fair.core.settings import PROJECT_ROOT, SettingsError, load_settings


def test_defaults_write_files_under_the_project() -> None:
    """With no [mail] values, mail is written as files to var/mail in the project."""
    settings = load_settings(environ={}).section(MailSettings)
    assert (settings.url, settings.max_attempts, settings.batch) == ("file://var/mail", 8, 20)
    sender = sender_for(settings.url)
    assert isinstance(sender, FileSender) and sender.folder == PROJECT_ROOT / "var" / "mail"


def test_environment_overrides_the_file() -> None:
    """FAIR_MAIL_<KEY> sets a mail setting, as text coerced to its type."""
    environ = {"FAIR_MAIL_MAX_ATTEMPTS": "3", "FAIR_MAIL_URL": "null://"}
    settings = load_settings(environ=environ).section(MailSettings)
    assert settings.max_attempts == 3 and isinstance(sender_for(settings.url), NullSender)


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("URL", "http://mail.example.org", "FAIR_MAIL_URL"),
        ("URL", "smtp://", "needs a host"),
        ("BATCH", "0", "FAIR_MAIL_BATCH"),
        ("RETRY_SECONDS", "-1", "FAIR_MAIL_RETRY_SECONDS"),
        ("FROM_ADDRESS", "nobody", "FAIR_MAIL_FROM_ADDRESS"),
    ],
)
def test_a_bad_value_is_refused_by_name(key: str, value: str, says: str) -> None:
    """A bad scheme, a missing host, a non-positive number or a non-address is refused."""
    settings = load_settings(environ={f"FAIR_MAIL_{key}": value})
    with pytest.raises(SettingsError, match=says):
        settings.section(MailSettings)


def test_an_smtp_url_names_server_account_and_tls() -> None:
    """The smtp URL gives the host, port, account (unquoted), STARTTLS switch and CA file."""
    sender = sender_for("smtp://fair%40x.org:p%2Fss@mail.example.org:2525?tls=off&cafile=/ca.pem")
    assert isinstance(sender, SmtpSender)
    assert (sender.host, sender.port) == ("mail.example.org", 2525)
    assert (sender.username, sender.password) == ("fair@x.org", "p/ss")
    assert (sender.tls, sender.cafile) == (False, "/ca.pem")
    default = sender_for("smtp://mail.example.org")
    assert isinstance(default, SmtpSender) and (default.port, default.tls) == (587, True)
