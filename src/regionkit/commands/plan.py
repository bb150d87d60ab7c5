"""The `regionkit plan` command."""

from __future__ import annotations

import typer

from regionkit.errors import InputError
from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `plan` command to ``app``."""

    @app.command("plan", help=_("Placeholder for the plan command."))
    def command() -> None:
        # TODO: replace with the real command.
        raise InputError("'plan' is not implemented yet.")
