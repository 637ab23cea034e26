"""The mail settings: the `[mail]` table of the config file, env FAIR_MAIL_<KEY>."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar
from urllib.parse import urlsplit

from fair.core.settings import SettingsError

SCHEMES = ("file", "smtp", "null")


@dataclass(frozen=True)
class MailSettings:
    SECTION: ClassVar[str] = "mail"

    url: str = "file://var/mail"
    """Where mail goes: `file://<dir>` (one .eml per message; a relative dir is under the
    project), `smtp://user:pass@host:port` (STARTTLS; `?tls=off`, `&cafile=`), `null://`."""
    from_address: str = "fair@localhost"
    from_name: str = "The fair"
    max_attempts: int = 8
    """Attempts before a message is marked failed (an organiser can retry it)."""
    retry_seconds: float = 30.0
    """The wait after a first failed attempt; it doubles after each further one..."""
    max_retry_seconds: float = 3600.0
    """... up to this."""
    timeout_seconds: float = 20.0
    """How long one attempt may take; a message `sending` for three times this is retried."""
    batch: int = 20
    """Messages claimed by one run of the sending job."""

    def __post_init__(self) -> None:
        scheme = urlsplit(self.url).scheme
        if scheme not in SCHEMES:
            known = ", ".join(f"{name}://" for name in SCHEMES)
            raise SettingsError(
                f"[mail] url (FAIR_MAIL_URL) must start with one of {known}, not {self.url!r}"
            )
        if scheme == "smtp" and not urlsplit(self.url).hostname:
            raise SettingsError("[mail] url (FAIR_MAIL_URL): an smtp:// url needs a host")
        if not self.from_address or "@" not in self.from_address:
            raise SettingsError("[mail] from_address (FAIR_MAIL_FROM_ADDRESS) must be an address")
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value <= 0:
                raise SettingsError(
                    f"[mail] {field.name} (FAIR_MAIL_{field.name.upper()}) must be positive, "
                    f"not {value!r}"
                )
