"""Settings: defaults from config/default.toml, overridden by FAIR_* environment variables.

The core's settings are the file's top-level keys (env FAIR_<KEY>). A feature's are a table of
the file named for its section (`[hall]`, env FAIR_HALL_<KEY>), parsed into the feature's own
frozen dataclass by `Settings.section`.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import tomllib
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.toml"
INSECURE_SECRET = "insecure-development-secret"  # noqa: S105 - the value production refuses
# Settings that moved into a feature's section: refused under their old name rather than
# ignored, so a deployment that set one is told instead of silently losing it.
MOVED = {"upload_dir": ("hall", "upload_dir")}


SectionT = TypeVar("SectionT")
Table = tuple[tuple[str, Any], ...]
"""A table of the config file, frozen: its (key, value) pairs, lists made tuples."""


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
    jobs_off: tuple[str, ...]
    consumer_poll_seconds: float
    consumer_batch: int
    consumer_max_failures: int
    tables: tuple[tuple[str, Table], ...] = dataclasses.field(default=(), repr=False)
    """The file's tables (a feature's section each), as read: parsed by `section`."""
    environ: tuple[tuple[str, str], ...] = dataclasses.field(default=(), repr=False)
    """The FAIR_* environment at load time, which a section's FAIR_<SECTION>_<KEY> override."""
    _sections: dict[type, Any] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )

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

    def section(self, kind: type[SectionT]) -> SectionT:
        """A feature's settings: `kind`'s defaults, then its table, then FAIR_<SECTION>_<KEY>.

        `kind` is a frozen dataclass whose `SECTION` names the table; values are checked and
        coerced to its fields' types, and a key it does not define is refused. Parsed once.
        """
        if kind not in self._sections:
            name = _section_name(kind)
            self._sections[kind] = _parse_section(
                kind, name, dict(self.tables).get(name, ()), dict(self.environ)
            )
        return self._sections[kind]  # type: ignore[no-any-return]

    def with_section(self, kind: type[Any], **values: Any) -> Settings:
        """These settings with some of `kind`'s section set, over the file and the environment."""
        name = _section_name(kind)
        table = {**dict(dict(self.tables).get(name, ())), **values}
        tables = {**dict(self.tables), name: _frozen_table(name, table)}
        overridden = {_variable(name, key) for key in values}
        changed = self.replace(
            tables=tuple(sorted(tables.items())),
            environ=tuple((k, v) for k, v in self.environ if k not in overridden),
        )
        changed.section(kind)
        return changed

    def check_sections(self, kinds: Iterable[type[Any]]) -> None:
        """Parse each of these sections now, so a bad value is refused at start, not in use."""
        for kind in kinds:
            self.section(kind)

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


def _section_name(kind: type[Any]) -> str:
    name = getattr(kind, "SECTION", None)
    if not dataclasses.is_dataclass(kind) or not isinstance(name, str):
        raise TypeError(f"{kind!r} is not a settings section: a dataclass with SECTION")
    return name


def _variable(section: str, key: str) -> str:
    return f"FAIR_{section.upper()}_{key.upper()}"


def _frozen_table(name: str, table: Mapping[str, Any]) -> Table:
    """A section's table made hashable; a table nested inside it is refused."""
    pairs = []
    for key, value in sorted(table.items()):
        if isinstance(value, dict):
            raise SettingsError(f"[{name}] {key}: a table inside a section is not supported")
        pairs.append((key, tuple(value) if isinstance(value, list) else value))
    return tuple(pairs)


def _parse_section(
    kind: type[SectionT], name: str, table: Table, environ: Mapping[str, str]
) -> SectionT:
    fields = {f.name for f in dataclasses.fields(kind) if f.init}  # type: ignore[arg-type]
    types = typing.get_type_hints(kind)
    unknown = sorted(key for key, _ in table if key not in fields)
    if unknown:
        raise SettingsError(f"unknown settings in [{name}]: {', '.join(unknown)}")
    values = {key: _checked(name, key, value, types[key]) for key, value in table}
    for key in fields:
        raw = environ.get(_variable(name, key))
        if raw is not None:
            values[key] = _coerce(f"{name}_{key}", raw, types[key])
    return kind(**values)


def _checked(section: str, key: str, value: Any, kind: Any) -> Any:
    """A value of a section's table, as the field's type wants it (whole numbers may be float)."""
    expected = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind == tuple[str, ...]:
        if isinstance(value, tuple) and all(isinstance(item, str) for item in value):
            return value
        raise SettingsError(f"[{section}] {key} must be a list of text, not {value!r}")
    if kind in expected:
        if type(value) is not kind:
            raise SettingsError(f"[{section}] {key} must be {expected[kind]}, not {value!r}")
    return value


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
    tables = {name: values.pop(name) for name, value in list(values.items()) if type(value) is dict}
    types = typing.get_type_hints(Settings)
    known = {f.name for f in dataclasses.fields(Settings) if f.init} - {"tables", "environ"}
    for old, (section, key) in MOVED.items():
        if old in values or f"FAIR_{old.upper()}" in environ:
            raise SettingsError(
                f"{old} (FAIR_{old.upper()}) is now {key} in the [{section}] table "
                f"({_variable(section, key)})"
            )
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
    values["tables"] = tuple(sorted((n, _frozen_table(n, t)) for n, t in tables.items()))
    values["environ"] = tuple(sorted((k, v) for k, v in environ.items() if k.startswith("FAIR_")))
    return Settings(**values)


def _absolute_sqlite_url(url: str) -> str:
    prefix = "sqlite+aiosqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(PROJECT_ROOT / url.removeprefix(prefix))
    return url
