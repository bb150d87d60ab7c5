"""The `regionkit validate` command."""

from __future__ import annotations

import typer

from regionkit.errors import InputError
from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `validate` command to ``app``."""

    @app.command("validate", help=_("Placeholder for the validate command."))
    def command() -> None:
        # TODO: replace with the real command.
        raise InputError("'validate' is not implemented yet.")
