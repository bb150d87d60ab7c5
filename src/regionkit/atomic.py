"""Atomic writes: a reader sees the old file or directory, or the complete new one, never half.

Files are written to a temporary sibling and moved into place with ``os.replace``.
Directories are built in a temporary sibling and renamed, so an interrupted step
leaves no partial output behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary file path that replaces ``target`` when the block succeeds.

    The new file gets the permissions of a file created normally (0666 minus the
    umask), not the 0600 that ``tempfile.mkstemp`` uses.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        yield temporary_path
        os.chmod(temporary_path, 0o666 & ~_current_umask())
        os.replace(temporary_path, target)
    finally:
        temporary_path.unlink(missing_ok=True)


def _current_umask() -> int:
    """Return the process umask (reading it requires setting it, so set it back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 to ``target`` atomically and return the path."""
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return Path(target)


def write_json(target: str | os.PathLike[str], payload: Any) -> Path:
    """Write ``payload`` as indented UTF-8 JSON to ``target`` atomically and return the path."""
    text = json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False, default=str)
    return write_text(target, text + "\n")


def write_parquet(target: str | os.PathLike[str], frame: Any) -> Path:
    """Write a pandas DataFrame to ``target`` as Parquet atomically and return the path."""
    with atomic_path(target) as temporary:
        frame.to_parquet(temporary, index=False)
    return Path(target)


@contextlib.contextmanager
def atomic_directory(target: str | os.PathLike[str], *, overwrite: bool = True) -> Iterator[Path]:
    """Yield an empty temporary directory that becomes ``target`` when the block succeeds.

    An existing ``target`` is replaced only after the new directory is complete.
    On any exception the temporary directory is removed and ``target`` is untouched.

    Raises
    ------
    FileExistsError
        If ``target`` exists and ``overwrite`` is false.
    """
    target = Path(target)
    if target.exists() and not overwrite:
        raise FileExistsError(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield staging
        os.chmod(staging, 0o777 & ~_current_umask())
        if target.exists():
            retired = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, retired)
            os.replace(staging, target)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def unwritable_parent(target: str | os.PathLike[str]) -> Path | None:
    """Return the directory where ``target``'s staging sibling cannot be created, or None.

    The directory is the nearest existing ancestor of ``target``, because the atomic
    writers create the missing parents and then a temporary sibling there.
    """
    parent = Path(target).absolute().parent
    while not parent.exists():
        parent = parent.parent
    return None if os.access(parent, os.W_OK | os.X_OK) else parent
