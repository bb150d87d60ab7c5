"""Run a whole workflow: load the file, build the steps, run them, write the run manifest."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regionkit.errors import EXIT_GATE_FAILED, EXIT_OK, GateFailed, InputError, RegionkitError
from regionkit.i18n import _
from regionkit.workflows.loader import LoadedWorkflow, load_workflow
from regionkit.workflows.manifest import build_manifest, now_iso, write_manifest
from regionkit.workflows.runner import StepEvents, StepRecord, run_steps, validate_force
from regionkit.workflows.steps import build_steps, input_files, manifest_settings, seeds_of

logger = logging.getLogger(__name__)

#: Exit code written to the manifest for an unexpected error (the CLI's internal-error code).
EXIT_INTERNAL_ERROR = 3
#: Exit code written to the manifest after Ctrl-C.
EXIT_INTERRUPTED = 130
LOCK_NAME = ".regionkit-run.lock"


@dataclass
class RunResult:
    """The outcome of :func:`run_workflow`."""

    #: The run directory with every step's output and ``run.json``.
    run_dir: Path
    #: One record per step, in run order.
    records: list[StepRecord]
    #: The run manifest's path.
    manifest_path: Path
    #: ``succeeded`` or ``gate_failed``.
    status: str
    #: 0 when every gate passed, 1 when the evaluation gate failed.
    exit_code: int
    #: The evaluation gate's verdict (``passed``, ``failures``), or None without an evaluate step.
    gate: dict[str, Any] | None = None
    #: Report files by format (``html``, ``md``, ``json``) that exist after the run.
    reports: dict[str, Path] = field(default_factory=dict)

    def record(self, name: str) -> StepRecord | None:
        """Return the record of the step called ``name``, or None."""
        return next((record for record in self.records if record.name == name), None)


def run_workflow(
    workflow: str | Path | LoadedWorkflow,
    *,
    out: str | Path | None = None,
    force: Iterable[str] = (),
    events: StepEvents | None = None,
    argv: list[str] | None = None,
) -> RunResult:
    """Run every step of ``workflow``, reusing each step whose inputs and settings are unchanged.

    Parameters
    ----------
    workflow : str, pathlib.Path or LoadedWorkflow
        The workflow file, or one already loaded with :func:`load_workflow`.
    out : str or pathlib.Path, optional
        The run directory, relative to the current directory; by default the
        workflow file's ``out`` (relative to the workflow file's directory).
    force : iterable of str
        Steps to redo together with every later step; ``"all"`` redoes all.
    events : StepEvents, optional
        Progress callbacks (the CLI prints a line per step).
    argv : list of str, optional
        The command line to record in the manifest (default: ``sys.argv``).

    Returns
    -------
    RunResult
        Records, manifest path, gate verdict and report paths. A failed evaluation
        gate is reported in ``status`` and ``exit_code``, not raised, so the caller
        can still show the reports.

    Raises
    ------
    InputError
        If the workflow file is invalid, ``force`` names an unknown step, or another
        run has locked the run directory.
    GateFailed
        If the validation gate fails and ``[validate] stop_on_failure`` is true;
        the validated output is kept and the later steps do not run.
    RegionkitError
        Whatever a step raises. The manifest is written with the failure first, and
        running the same command again resumes at the failed step.
    """
    started_at = now_iso()
    started = time.perf_counter()
    loaded = workflow if isinstance(workflow, LoadedWorkflow) else load_workflow(workflow)
    run_dir = Path(out).expanduser().resolve() if out is not None else loaded.workflow.out
    steps = build_steps(loaded)
    force = list(force)
    validate_force(steps, force)  # a typo in --force fails before the run directory is touched
    records: list[StepRecord] = []

    def finish(status: str, exit_code: int, error: str | None = None) -> Path:
        manifest = build_manifest(
            run_dir=run_dir,
            workflow_path=loaded.path,
            workflow_sha256=loaded.sha256,
            settings=manifest_settings(loaded),
            inputs=input_files(loaded),
            seeds=seeds_of(loaded.workflow),
            records=records,
            started_at=started_at,
            seconds=time.perf_counter() - started,
            status=status,
            exit_code=exit_code,
            error=error,
            argv=argv,
        )
        return write_manifest(run_dir, manifest)

    with _run_lock(run_dir):
        try:
            run_steps(steps, run_dir, force=force, events=events, records=records)
        except KeyboardInterrupt:
            finish("interrupted", EXIT_INTERRUPTED)
            raise
        except GateFailed as error:
            finish("gate_failed", error.exit_code, error.message)
            raise
        except RegionkitError as error:
            finish("failed", error.exit_code, error.message)
            raise
        except Exception as error:
            finish("failed", EXIT_INTERNAL_ERROR, f"{type(error).__name__}: {error}")
            raise

        gate = _gate_of(records)
        failed_gate = gate is not None and not gate.get("passed", True)
        status, exit_code = (
            ("gate_failed", EXIT_GATE_FAILED) if failed_gate else ("succeeded", EXIT_OK)
        )
        manifest_path = finish(status, exit_code)

    return RunResult(
        run_dir=run_dir,
        records=records,
        manifest_path=manifest_path,
        status=status,
        exit_code=exit_code,
        gate=gate,
        reports=_report_files(run_dir, records),
    )


def _gate_of(records: list[StepRecord]) -> dict[str, Any] | None:
    for record in records:
        if record.name == "evaluate":
            return record.result.get("gate")
    return None


def _report_files(run_dir: Path, records: list[StepRecord]) -> dict[str, Path]:
    """Return the evaluation report files that exist, by format."""
    evaluation = next((record for record in records if record.name == "evaluate"), None)
    if evaluation is None:
        return {}
    found = {}
    for kind in ("html", "md", "json"):
        path = run_dir / evaluation.output / f"report.{kind}"
        if path.is_file():
            found[kind] = path
    return found


@contextlib.contextmanager
def _run_lock(run_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``run_dir`` so that two runs never write it at once."""
    run_dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows has no fcntl; runs there are not locked
        yield
        return
    handle = os.open(run_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                _(
                    "Another regionkit run is writing {path}; wait for it to finish or use "
                    "another --out."
                ).format(path=run_dir),
            ) from None
        yield
    finally:
        os.close(handle)
