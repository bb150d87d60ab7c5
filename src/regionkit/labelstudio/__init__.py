"""Pull annotated tasks from Label Studio servers and export files into snapshots.

Public API (imported lazily, so ``import regionkit.labelstudio`` stays cheap):

- :func:`sync_snapshot` with :class:`FileSource` / :class:`ServerSource` and
  :class:`RegionField` / :class:`ProjectRegionMap` (or :func:`parse_region_map`);
- :func:`load_snapshot` returning a :class:`Snapshot`;
- :func:`regionkit.labelstudio.client.connect` for an SDK client with retries.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "sync_snapshot": "regionkit.labelstudio.sync",
    "SyncResult": "regionkit.labelstudio.sync",
    "FileSource": "regionkit.labelstudio.sync",
    "ServerSource": "regionkit.labelstudio.sync",
    "load_snapshot": "regionkit.labelstudio.snapshot",
    "Snapshot": "regionkit.labelstudio.snapshot",
    "RegionField": "regionkit.labelstudio.regions",
    "ProjectRegionMap": "regionkit.labelstudio.regions",
    "parse_region_map": "regionkit.labelstudio.regions",
    "connect": "regionkit.labelstudio.client",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'regionkit.labelstudio' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
