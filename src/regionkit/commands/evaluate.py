"""The `regionkit evaluate` command."""

from __future__ import annotations

import typer

from regionkit.errors import InputError
from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `evaluate` command to ``app``."""

    @app.command("evaluate", help=_("Placeholder for the evaluate command."))
    def command() -> None:
        # TODO: replace with the real command.
        raise InputError("'evaluate' is not implemented yet.")
