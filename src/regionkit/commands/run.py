"""The `regionkit run` command."""

from __future__ import annotations

import typer

from regionkit.errors import InputError
from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `run` command to ``app``."""

    @app.command("run", help=_("Placeholder for the run command."))
    def command() -> None:
        # TODO: replace with the real command.
        raise InputError("'run' is not implemented yet.")
