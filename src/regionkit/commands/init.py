"""The `regionkit init` command: a starter project with a commented workflow file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `init` command to ``app``."""

    @app.command(
        "init",
        help=_(
            "Create a starter project: a commented workflow.toml, a suites folder and a "
            ".gitignore for outputs."
        ),
    )
    def command(
        directory: Annotated[
            Path,
            typer.Argument(help=_("Project directory; created when missing."), show_default=False),
        ],
        force: Annotated[
            bool, typer.Option("--force", help=_("Overwrite starter files that already exist."))
        ] = False,
    ) -> None:
        from rich.markup import escape

        from regionkit.console import stdout
        from regionkit.workflows.starter import init_project

        written = init_project(directory, force=force)
        for path in written:
            stdout.print(_("Wrote {path}").format(path=escape(str(path))))
        stdout.print(
            _("Next: edit {workflow}, then run 'regionkit run {workflow}'.").format(
                workflow=escape(str(written[0]))
            )
        )
