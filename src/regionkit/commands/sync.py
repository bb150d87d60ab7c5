"""The `regionkit sync` command."""

from __future__ import annotations

import typer

from regionkit.errors import InputError
from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `sync` command to ``app``."""

    @app.command("sync", help=_("Placeholder for the sync command."))
    def command() -> None:
        # TODO: replace with the real command.
        raise InputError("'sync' is not implemented yet.")
