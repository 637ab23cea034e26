"""The hall's settings: the `[hall]` table of the config file, env FAIR_HALL_<KEY>."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from fair.core.settings import PROJECT_ROOT


@dataclass(frozen=True)
class HallSettings:
    SECTION: ClassVar[str] = "hall"

    upload_dir: str = "var/uploads"
    """Where uploaded media are kept; a relative path is under the project."""

    @property
    def upload_path(self) -> Path:
        path = Path(self.upload_dir)
        return path if path.is_absolute() else PROJECT_ROOT / path
