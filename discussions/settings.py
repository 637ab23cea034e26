"""The discussions' settings: the `[discussions]` table of the config file, env
FAIR_DISCUSSIONS_<KEY>."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from fair.core.settings import PROJECT_ROOT, SettingsError


@dataclass(frozen=True)
class DiscussionsSettings:
    SECTION: ClassVar[str] = "discussions"

    handbook_dir: str = "var/handbooks"
    """Where handbook exports are written (one directory per export); a relative path is
    under the project."""

    handbook_keep: int = 3
    """How many finished exports of each scope (a theme, or the whole fair) keep their files:
    after an export finishes, older ones are deleted and marked expired."""

    def __post_init__(self) -> None:
        if self.handbook_keep < 1:
            raise SettingsError(
                f"[discussions] handbook_keep must be at least 1, not {self.handbook_keep}"
            )

    @property
    def handbook_path(self) -> Path:
        path = Path(self.handbook_dir)
        return path if path.is_absolute() else PROJECT_ROOT / path
