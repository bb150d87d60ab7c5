"""The `regionkit run` command: every step of a workflow file, reusing unchanged outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `run` command to ``app``."""

    @app.command(
        "run",
        help=_(
            "Run sync, validate, train and evaluate from a workflow file. A step whose inputs "
            "and settings are unchanged is skipped; a failed run resumes at the failed step."
        ),
    )
    def command(
        workflow: Annotated[
            Path,
            typer.Argument(
                help=_("Workflow file (TOML); create one with 'regionkit init DIR'."),
                show_default=False,
            ),
        ],
        out: Annotated[
            Path | None,
            typer.Option(
                "--out",
                "-o",
                metavar="DIR",
                help=_(
                    "Run directory, relative to the current directory "
                    "(default: 'out' in the workflow file)."
                ),
            ),
        ] = None,
        force: Annotated[
            list[str] | None,
            typer.Option(
                "--force",
                metavar="STEP",
                help=_(
                    "Redo STEP (sync, validate, train, evaluate, plan) and every step after "
                    "it, even if unchanged. Repeatable; 'all' redoes every step."
                ),
            ),
        ] = None,
        quiet: Annotated[
            bool,
            typer.Option(
                "--quiet", "-q", help=_("Print nothing but errors and a failed gate (for CI).")
            ),
        ] = False,
    ) -> None:
        import sys

        from regionkit.console import stderr, stdout
        from regionkit.errors import GateFailed
        from regionkit.workflows.pipeline import run_workflow
        from regionkit.workflows.progress import ConsoleEvents, describe_gate_failure, print_summary

        events = None if quiet else ConsoleEvents(stderr)
        was_quiet = stderr.quiet
        stderr.quiet = quiet or was_quiet
        try:
            result = run_workflow(
                workflow, out=out, force=force or (), events=events, argv=sys.argv
            )
        finally:
            stderr.quiet = was_quiet

        if not quiet:
            print_summary(result, stdout)
        if result.exit_code != 0:
            failures = "; ".join(
                describe_gate_failure(item) for item in (result.gate or {}).get("failures", [])
            )
            raise GateFailed(
                _("The evaluation gate failed ({failures}); see {path}.").format(
                    failures=failures, path=result.reports.get("html", result.manifest_path)
                )
            )
