"""Settings: defaults from config/default.toml, overridden by FAIR_* environment variables."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import tomllib
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.toml"
INSECURE_SECRET = "insecure-development-secret"  # noqa: S105 - the value production refuses


class SettingsError(RuntimeError):
    """The settings cannot be used; the message says why and what to change."""


@dataclasses.dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    redis_url: str
    namespace: str
    secret_key: str
    base_url: str
    allowed_origins: tuple[str, ...]
    cookie_secure: bool
    host: str
    port: int
    features: tuple[str, ...]
    demo_path: str
    session_days: int
    max_message_bytes: int
    send_queue_frames: int
    replay_limit: int
    head_check_seconds: float
    bus_probe_seconds: float
    bus_probe_misses: int
    redis_timeout_seconds: float
    redis_breaker_seconds: float
    presence_ttl_seconds: float
    presence_heartbeat_seconds: float
    max_body_bytes: int
    upload_dir: str
    db_connect_timeout_seconds: float
    db_statement_timeout_seconds: float
    db_lock_timeout_seconds: float
    db_idle_in_transaction_timeout_seconds: float
    db_pool_timeout_seconds: float
    db_retry_after_seconds: int
    ready_timeout_seconds: float
    command_key_hours: float
    commands_waiting: int
    trusted_proxies: tuple[str, ...]
    job_poll_seconds: float
    job_lease_seconds: float
    job_intervals: tuple[str, ...]
    consumer_poll_seconds: float
    consumer_batch: int
    consumer_max_failures: int

    @property
    def upload_path(self) -> Path:
        path = Path(self.upload_dir)
        return path if path.is_absolute() else PROJECT_ROOT / path

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def origins(self) -> frozenset[str]:
        """Origins allowed to open the socket and post forms: the list plus the fair's own."""
        return frozenset({*self.allowed_origins, self._own_origin()})

    def _own_origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def check(self) -> None:
        """Refuse settings that are unsafe in production, saying which and why."""
        if not self.production:
            return
        problems = []
        if self.secret_key == INSECURE_SECRET or len(self.secret_key) < 32:
            problems.append(
                "FAIR_SECRET_KEY is the development default or shorter than 32 characters; "
                "set a long random value"
            )
        if not self.cookie_secure:
            problems.append("FAIR_COOKIE_SECURE is off; cookies must only travel over HTTPS")
        if not self.allowed_origins:
            problems.append("FAIR_ALLOWED_ORIGINS is empty; list the origins the fair is served on")
        own = self._own_origin()
        local = sorted(origin for origin in self.origins if _development_origin(origin, own))
        if local:
            problems.append(
                f"FAIR_ALLOWED_ORIGINS or FAIR_BASE_URL allow development origins "
                f"({', '.join(local)}); list only the https origins the fair is served on"
            )
        if problems:
            raise SettingsError("refusing to start in production: " + "; ".join(problems))


def _development_origin(origin: str, own: str) -> bool:
    """A loopback host (127.0.0.1, localhost, ::1), or plain http other than the fair's own."""
    parts = urlsplit(origin)
    host = (parts.hostname or "").lower()
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    return loopback or (parts.scheme != "https" and origin != own)


def _coerce(name: str, raw: str, kind: Any) -> Any:
    """Turn the text of FAIR_<NAME> into the type the Settings field declares."""
    if kind is bool:
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off"}:
            return False
        raise SettingsError(f"FAIR_{name.upper()} must be true or false, not {raw!r}")
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"FAIR_{name.upper()} must be a whole number") from None
    if kind is float:
        try:
            return float(raw)
        except ValueError:
            raise SettingsError(f"FAIR_{name.upper()} must be a number") from None
    if kind == tuple[str, ...]:
        return tuple(item.strip() for item in raw.split(",") if item.strip())
    return raw


def load_settings(
    environ: Mapping[str, str] | None = None, config_file: Path = DEFAULT_CONFIG
) -> Settings:
    """Read the defaults, then apply FAIR_* overrides; relative SQLite paths are made absolute."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = tomllib.loads(config_file.read_text(encoding="utf-8"))
    types = typing.get_type_hints(Settings)
    known = set(types)
    unknown = set(values) - known
    if unknown:
        raise SettingsError(f"unknown settings in {config_file}: {', '.join(sorted(unknown))}")
    for name in known:
        raw = environ.get(f"FAIR_{name.upper()}")
        if raw is not None:
            values[name] = _coerce(name, raw, types[name])
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = tuple(value)
        elif types[name] is float and isinstance(value, int):
            values[name] = float(value)
    values["database_url"] = _absolute_sqlite_url(values["database_url"])
    return Settings(**values)


def _absolute_sqlite_url(url: str) -> str:
    prefix = "sqlite+aiosqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(PROJECT_ROOT / url.removeprefix(prefix))
    return url
