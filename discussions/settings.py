"""The discussions' settings: the `[discussions]` table of the config file, env
FAIR_DISCUSSIONS_<KEY>."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from fair.core.settings import PROJECT_ROOT


@dataclass(frozen=True)
class DiscussionsSettings:
    SECTION: ClassVar[str] = "discussions"

    handbook_dir: str = "var/handbooks"
    """Where handbook exports are written (one directory per export); a relative path is
    under the project."""

    @property
    def handbook_path(self) -> Path:
        path = Path(self.handbook_dir)
        return path if path.is_absolute() else PROJECT_ROOT / path
