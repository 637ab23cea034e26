"""Loading features: the kernel's own, then the modules named in the settings, in order.

Each feature module exposes `feature = Feature(...)` (fair/core/contract.py). Accounts and
the fair's home are the kernel: always there, listed here, not in the settings. The core
never imports any other feature by name, so `fair` never depends on `discussions`.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from fair.core.contract import Feature

BUILT_IN = (
    "fair.core.accounts.feature",
    "fair.core.home.feature",
    "fair.core.reports.feature",
    "fair.core.notifications.feature",
    "fair.core.mail.feature",
    "fair.core.attendance.feature",
)
"""The kernel's features: who people are, the fair itself (its details, time zone, home),
the one review queue of reported content, notifications, the outbox of mail it sends, and
attendance."""


def load_features(names: Sequence[str]) -> list[Feature]:
    """The built-in features, then the feature modules `names` (a built-in one listed again is
    loaded once), refusing two features of one name."""
    features: list[Feature] = []
    for name in dict.fromkeys((*BUILT_IN, *names)):
        module = importlib.import_module(name)
        feature = getattr(module, "feature", None)
        if not isinstance(feature, Feature):
            raise RuntimeError(f"feature module {name} has no `feature = Feature(...)`")
        if any(known.name == feature.name for known in features):
            raise RuntimeError(f"two features are named {feature.name!r}")
        features.append(feature)
    return features
