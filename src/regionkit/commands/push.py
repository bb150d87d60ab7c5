"""The `regionkit push` command."""

from __future__ import annotations

import typer

from regionkit.errors import InputError
from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `push` command to ``app``."""

    @app.command("push", help=_("Placeholder for the push command."))
    def command() -> None:
        # TODO: replace with the real command.
        raise InputError("'push' is not implemented yet.")
