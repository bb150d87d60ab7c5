"""Resolve image references from a Label Studio export to local files under a root directory.

Accepted forms: a path relative to the root, an absolute path inside the root,
a ``file://`` URL, and Label Studio's local-files URL ``/data/local-files/?d=<path>``
(the path is relative to the root). Images are never fetched over the network, and
a path that leaves the root (``..``, symlinks, absolute paths elsewhere) is rejected.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from regionkit.errors import InputError
from regionkit.i18n import _


def resolve_image_path(value: str, root: str | Path) -> Path:
    """Return the absolute path of one image reference, checked to lie under ``root``.

    Raises
    ------
    InputError
        If the reference is a remote URL, leaves ``root`` or names no file.
    """
    root_path = Path(root).resolve()
    text = str(value).strip()
    parsed = urlparse(text)

    if parsed.scheme in ("http", "https", "s3", "gs", "azure-blob"):
        raise InputError(
            _(
                "Image {value} is a remote URL; regionkit never downloads images. Copy the files "
                "under the image root {root} and use relative paths or file:// URLs."
            ).format(value=text, root=root_path)
        )
    if parsed.scheme == "file":
        candidate = Path(unquote(parsed.path))
    elif parsed.path.rstrip("/").endswith("/data/local-files") and "d" in parse_qs(parsed.query):
        candidate = Path(parse_qs(parsed.query)["d"][0])
    else:
        candidate = Path(text)
    if not candidate.is_absolute():
        candidate = root_path / candidate

    resolved = candidate.resolve()
    if not resolved.is_relative_to(root_path):
        raise InputError(
            _(
                "Image {value} lies outside the image root {root}; move it under the root or set image_root."
            ).format(value=text, root=root_path)
        )
    if not resolved.is_file():
        raise InputError(
            _(
                "Image file {path} not found (from {value}); check image_root or the task data."
            ).format(path=resolved, value=text)
        )
    return resolved


def resolve_image_paths(values: Iterable[str], root: str | Path) -> list[str]:
    """Resolve every reference with :func:`resolve_image_path` and return strings."""
    return [str(resolve_image_path(value, root)) for value in values]
