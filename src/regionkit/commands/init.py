"""The `regionkit init` command."""

from __future__ import annotations

import typer

from regionkit.errors import InputError
from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `init` command to ``app``."""

    @app.command("init", help=_("Placeholder for the init command."))
    def command() -> None:
        # TODO: replace with the real command.
        raise InputError("'init' is not implemented yet.")
