"""SHA-256 content hashes of files, directories and settings, for step cache keys."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Read files in chunks of this many bytes, so that large model files do not fill memory.
CHUNK_BYTES = 1 << 20


def hash_file(path: str | os.PathLike[str]) -> str:
    """Return the hex SHA-256 digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def hash_directory(path: str | os.PathLike[str], *, exclude: Iterable[str] = ()) -> str:
    """Return the hex SHA-256 digest of every file under ``path``, names included.

    Files are visited in sorted order of their POSIX relative path, so the digest
    does not depend on the file system's listing order. Relative paths listed in
    ``exclude`` (such as the step marker) are left out.
    """
    root = Path(path)
    excluded = set(exclude)
    digest = hashlib.sha256()
    files = sorted(
        (item.relative_to(root).as_posix(), item) for item in root.rglob("*") if item.is_file()
    )
    for relative, item in files:
        if relative in excluded:
            continue
        digest.update(relative.encode("utf-8") + b"\0")
        digest.update(hash_file(item).encode("ascii") + b"\n")
    return digest.hexdigest()


def hash_path(path: str | os.PathLike[str]) -> str:
    """Return the content hash of a file or of a whole directory."""
    return hash_directory(path) if Path(path).is_dir() else hash_file(path)


def canonical_json(payload: Any) -> str:
    """Serialize ``payload`` with sorted keys and no spaces, so equal settings give equal text."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def hash_json(payload: Any) -> str:
    """Return the hex SHA-256 digest of the canonical JSON form of ``payload``."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
