"""Read the snapshot that ``regionkit sync`` wrote, through the sync package's loader."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from regionkit.errors import InputError
from regionkit.i18n import _

if TYPE_CHECKING:
    import pandas as pd


def read_snapshot(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """Return the snapshot's tasks frame and manifest.

    Raises
    ------
    InputError
        If the directory is missing, or a file of the snapshot is missing or unreadable.
    """
    from regionkit.labelstudio import load_snapshot

    path = Path(path)
    if not path.is_dir():
        raise InputError(
            _(
                "Snapshot directory {path} not found; run 'regionkit sync' first or pass its --out directory."
            ).format(path=path)
        )
    snapshot = load_snapshot(path)
    return snapshot.tasks, dict(snapshot.manifest)
