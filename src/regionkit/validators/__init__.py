"""Great Expectations suites, localization checks, cleaning and quarantine.

The public names load lazily, so that importing this package stays cheap: pandas and
Great Expectations are imported only when ``validate_snapshot`` or the suite helpers run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from regionkit.validators.pipeline import ValidationResult, validate_snapshot
    from regionkit.validators.settings import CheckSettings, CleaningSettings, SplitSettings
    from regionkit.validators.suites import build_builtin_suite, load_suite, write_suite

_EXPORTS = {
    "validate_snapshot": "regionkit.validators.pipeline",
    "ValidationResult": "regionkit.validators.pipeline",
    "CheckSettings": "regionkit.validators.settings",
    "CleaningSettings": "regionkit.validators.settings",
    "SplitSettings": "regionkit.validators.settings",
    "load_suite": "regionkit.validators.suites",
    "write_suite": "regionkit.validators.suites",
    "build_builtin_suite": "regionkit.validators.suites",
}

__all__ = [
    "CheckSettings",
    "CleaningSettings",
    "SplitSettings",
    "ValidationResult",
    "build_builtin_suite",
    "load_suite",
    "validate_snapshot",
    "write_suite",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'regionkit.validators' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
