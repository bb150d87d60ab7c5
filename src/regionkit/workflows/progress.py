"""Output of ``regionkit run``: a line per step on stderr and a final summary on stdout."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from regionkit.i18n import _
from regionkit.workflows.pipeline import RunResult
from regionkit.workflows.runner import Step, StepEvents, StepRecord


def _status_text(record: StepRecord) -> str:
    texts = {
        "done": _("done"),
        "skipped": _("skipped (unchanged)"),
        "unchanged": _("done (source unchanged)"),
        "failed": _("failed"),
        "interrupted": _("interrupted"),
        "not_run": _("not run"),
    }
    return texts[record.status]


class ConsoleEvents(StepEvents):
    """Print one line when a step starts and one when it ends, on ``console``."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def starting(self, index: int, total: int, step: Step, reason: str) -> None:
        """Print that ``step`` runs and why."""
        self.console.print(
            _("[{index}/{total}] {step}: running ({reason})").format(
                index=index, total=total, step=step.name, reason=reason
            ),
            style="bold",
        )

    def finished(self, index: int, total: int, record: StepRecord) -> None:
        """Print the step's outcome and its wall time."""
        if record.status == "skipped":
            line = _("[{index}/{total}] {step}: skipped, inputs and settings unchanged").format(
                index=index, total=total, step=record.name
            )
            self.console.print(line, style="dim")
            return
        line = _("[{index}/{total}] {step}: {status} in {seconds:.1f} s").format(
            index=index,
            total=total,
            step=record.name,
            status=_status_text(record),
            seconds=record.seconds or 0.0,
        )
        self.console.print(line, style="green" if record.status in ("done", "unchanged") else "red")


def print_summary(result: RunResult, console: Console) -> None:
    """Print a table of the steps, the gate verdict and where the report files are."""
    table = Table(title=_("Run summary"), title_justify="left")
    table.add_column(_("Step"))
    table.add_column(_("Status"))
    table.add_column(_("Time (s)"), justify="right")
    table.add_column(_("Output"))
    for record in result.records:
        seconds = "" if record.seconds is None else f"{record.seconds:.1f}"
        table.add_row(
            record.name, _status_text(record), seconds, escape(str(result.run_dir / record.output))
        )
    console.print(table)

    if result.gate is not None:
        if result.gate.get("passed", True):
            console.print(_("Gate: passed."), style="green")
        else:
            failures = "; ".join(
                describe_gate_failure(failure) for failure in result.gate.get("failures", [])
            )
            console.print(
                _("Gate: failed: {failures}").format(failures=escape(failures)), style="bold red"
            )
    # soft_wrap keeps each path on one line, so it can be copied whole.
    console.print(
        _("Run manifest: {path}").format(path=escape(str(result.manifest_path))), soft_wrap=True
    )
    for kind in ("json", "md"):
        if kind in result.reports:
            console.print(
                _("Report ({format}): {path}").format(
                    format=kind, path=escape(str(result.reports[kind]))
                ),
                soft_wrap=True,
            )
    # The HTML report comes last, so the final line of a run is the file to open.
    if "html" in result.reports:
        console.print(
            _("Report: {path}").format(path=escape(str(result.reports["html"]))),
            style="bold",
            soft_wrap=True,
        )


def describe_gate_failure(failure: object) -> str:
    """Describe one failed gate rule of ``report.json`` in a short phrase."""
    if not isinstance(failure, dict):
        return str(failure)
    region = failure.get("region") or _("overall")
    return _("{model} {region}: {rule} {metric} = {value:.3f}, limit {threshold:.3f}").format(
        model=failure.get("model", ""),
        region=region,
        rule=failure.get("rule", ""),
        metric=failure.get("metric", ""),
        value=float(failure.get("value", float("nan"))),
        threshold=float(failure.get("threshold", float("nan"))),
    )
