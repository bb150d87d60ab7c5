"""``regionkit init``: write a starter project (workflow file, suites folder, .gitignore)."""

from __future__ import annotations

import os
from pathlib import Path

from regionkit.atomic import write_text
from regionkit.errors import InputError
from regionkit.i18n import _, ngettext

TEMPLATE_DIR = Path(__file__).parent / "starter"
#: Project file -> template file. The template's ignore file has no leading dot,
#: so that git does not apply it to the regionkit package itself.
STARTER_FILES = {
    "workflow.toml": "workflow.toml",
    "suites/README.md": "suites/README.md",
    ".gitignore": "gitignore",
}


def init_project(directory: str | Path, *, force: bool = False) -> list[Path]:
    """Write a starter project into ``directory`` and return the files written.

    Parameters
    ----------
    directory : str or pathlib.Path
        The project directory; it is created when missing.
    force : bool, default=False
        Overwrite starter files that already exist.

    Returns
    -------
    list of pathlib.Path
        The files written, in :data:`STARTER_FILES` order.

    Raises
    ------
    InputError
        If ``directory`` is a file, or a starter file exists and ``force`` is false.
        Nothing is written in that case.
    """
    directory = Path(directory).expanduser()
    if directory.exists() and not directory.is_dir():
        raise InputError(
            _("{path} is a file, not a directory; choose another project directory.").format(
                path=directory
            )
        )
    targets = {
        directory / name: TEMPLATE_DIR / template for name, template in STARTER_FILES.items()
    }
    existing = [path for path in targets if path.exists()]
    if existing and not force:
        raise InputError(
            ngettext(
                "{paths} already exists; pass --force to overwrite it or choose another directory.",
                "{paths} already exist; pass --force to overwrite them or choose another "
                "directory.",
                len(existing),
            ).format(paths=", ".join(str(path) for path in existing))
        )

    # Atomic writes create files readable by the owner only; starter files get the usual mode.
    umask = os.umask(0)
    os.umask(umask)
    written = []
    for target, template in targets.items():
        write_text(target, template.read_text(encoding="utf-8"))
        os.chmod(target, 0o666 & ~umask)
        written.append(target)
    return written
