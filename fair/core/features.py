"""Features: the app is assembled from a list of feature modules named in the settings.

Each feature module exposes `feature = Feature(...)`: its routes, websocket
commands, channel rules, templates and demo loader. The core never imports a
feature by name, so `fair` never depends on `discussions`.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute

from fair.core.paths import register_convertors

if TYPE_CHECKING:
    from fair.core.accounts.viewers import Viewer
    from fair.core.db import Database
    from fair.core.live import Command
    from fair.core.settings import Settings

# Feature modules build their routes when imported, after importing this module: so `{x:id}`
# is known by then.
register_convertors()

ChannelRule = Callable[["Database", "Viewer", str], Awaitable[bool]]
DemoLoader = Callable[["Database", Path, "Settings"], Awaitable[list[str]]]


@dataclass(frozen=True)
class Feature:
    name: str
    routes: Sequence[BaseRoute] = ()
    commands: Sequence[Command] = ()
    channel_rules: dict[str, ChannelRule] = field(default_factory=dict)
    templates: Path | None = None
    demo: DemoLoader | None = None
    """Loads this feature's part of the demo content; returns lines to print."""
    settings: type[Any] | None = None
    """This feature's settings section: a frozen dataclass with `SECTION: ClassVar[str]`, read
    with `Settings.section(kind)` from the config file's `[<SECTION>]` table and the
    FAIR_<SECTION>_<KEY> environment; parsed when the app starts."""
    migrations: Path | None = None
    """A directory of Alembic revisions (no env.py) for this feature's tables: its first one has
    `branch_labels = ("<name>",)` and a core revision as `down_revision`."""


def load_features(names: Sequence[str]) -> list[Feature]:
    features = []
    for name in names:
        module = importlib.import_module(name)
        feature = getattr(module, "feature", None)
        if not isinstance(feature, Feature):
            raise RuntimeError(f"feature module {name} has no `feature = Feature(...)`")
        features.append(feature)
    return features
