"""The `regionkit train` command."""

from __future__ import annotations

import typer

from regionkit.errors import InputError
from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `train` command to ``app``."""

    @app.command("train", help=_("Placeholder for the train command."))
    def command() -> None:
        # TODO: replace with the real command.
        raise InputError("'train' is not implemented yet.")
