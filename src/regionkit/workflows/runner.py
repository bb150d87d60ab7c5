"""The step runner: content-hash cache keys, atomic step outputs, skip, force and resume.

Each step writes one directory under the run directory. The directory is built in
a temporary sibling and renamed into place only after the step succeeded, with a
``step.json`` marker that stores the step's cache key. A later run skips a step
whose marker carries the key it would compute now, so an interrupted or failed
step is redone and a completed one is kept: re-running a failed run resumes it.

A step's cache key is the SHA-256 of its settings, the output hashes of the steps
it reads, and the regionkit version. A step that reads something outside the
workflow file (an export file) puts that file's content hash into its settings.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from regionkit import __version__
from regionkit.atomic import atomic_directory, write_json
from regionkit.errors import InputError
from regionkit.i18n import _
from regionkit.workflows.hashing import hash_directory, hash_json

logger = logging.getLogger(__name__)

#: The marker a completed step leaves in its output directory.
MARKER_NAME = "step.json"
MARKER_SCHEMA_VERSION = 1

StepStatus = Literal["done", "skipped", "unchanged", "failed", "interrupted", "not_run"]


@dataclass(frozen=True)
class StepContext:
    """The arguments of a step function: where to write and where its inputs are."""

    #: The empty staging directory to write the step's output into.
    out: Path
    #: Output directories of the steps this step depends on, by step name.
    inputs: Mapping[str, Path]
    #: The final output directory (``out`` is renamed to it after success).
    target: Path


@dataclass(frozen=True)
class Step:
    """One step of a workflow.

    Parameters
    ----------
    name : str
        The step name used by ``--force`` and in messages (``sync``, ``validate``, ...).
    output : str
        The name of the step's directory under the run directory.
    settings : dict
        JSON-serializable settings that shape the step's output; they enter the
        cache key. They must not contain secrets.
    execute : callable
        ``execute(context) -> dict | None`` writes the output into ``context.out``;
        a returned dict is stored as ``result`` in the step marker (for example the
        gate's verdict) so that a skipped step still reports it.
    depends_on : tuple of str
        Names of earlier steps whose output this step reads.
    always_run : bool
        Run even when the cache key is unchanged, for inputs that the key cannot
        capture (a Label Studio server). Later steps are still skipped when the
        new output has the same content hash as the old one.
    output_hash : callable, optional
        ``output_hash(directory) -> str``; by default the hash of every file in it.
    check : callable, optional
        ``check(result, directory)`` runs after the step ran or was skipped and may
        raise (for example :class:`~regionkit.errors.GateFailed`) to stop the run
        while keeping the step's completed output.
    """

    name: str
    output: str
    settings: dict[str, Any]
    execute: Callable[[StepContext], dict[str, Any] | None]
    depends_on: tuple[str, ...] = ()
    always_run: bool = False
    output_hash: Callable[[Path], str] | None = None
    check: Callable[[dict[str, Any], Path], None] | None = None


@dataclass
class StepRecord:
    """The outcome of one step in this run, as the run manifest lists it."""

    name: str
    output: str
    status: StepStatus = "not_run"
    key: str | None = None
    output_hash: str | None = None
    started_at: str | None = None
    seconds: float | None = None
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the record as a JSON-serializable dict."""
        return {
            "name": self.name,
            "output": self.output,
            "status": self.status,
            "key": self.key,
            "output_hash": self.output_hash,
            "started_at": self.started_at,
            "seconds": None if self.seconds is None else round(self.seconds, 3),
            "result": self.result,
            "error": self.error,
        }


class StepEvents:
    """Callbacks for progress output; the default does nothing."""

    def starting(self, index: int, total: int, step: Step, reason: str) -> None:
        """Report that a step starts. ``reason`` explains why it is not skipped."""

    def finished(self, index: int, total: int, record: StepRecord) -> None:
        """Report that a step finished, was skipped, or failed."""


def compute_key(step: Step, upstream_hashes: Mapping[str, str]) -> str:
    """Return the cache key of ``step`` given the output hashes of the steps it reads."""
    return hash_json(
        {
            "step": step.name,
            "settings": step.settings,
            "upstream": {name: upstream_hashes[name] for name in step.depends_on},
            "regionkit": __version__,
        }
    )


def read_marker(directory: Path) -> dict[str, Any] | None:
    """Return the step marker in ``directory``, or None when the step never completed there."""
    import json

    marker = directory / MARKER_NAME
    if not marker.is_file():
        return None
    try:
        payload = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning("ignoring unreadable step marker %s", marker)
        return None
    return payload if isinstance(payload, dict) else None


def validate_force(steps: Iterable[Step], force: Iterable[str]) -> set[str]:
    """Return the names of the steps to redo: each forced step and every step after it.

    Raises
    ------
    InputError
        If ``force`` names a step that the workflow does not have.
    """
    names = [step.name for step in steps]
    forced = list(force)
    if "all" in forced:
        return set(names)
    for name in forced:
        if name not in names:
            raise InputError(
                _(
                    "--force {step} names no step of this workflow; use one of: {steps}, all."
                ).format(step=name, steps=", ".join(names))
            )
    if not forced:
        return set()
    first = min(names.index(name) for name in forced)
    return set(names[first:])


def run_steps(
    steps: list[Step],
    run_dir: Path,
    *,
    force: Iterable[str] = (),
    events: StepEvents | None = None,
    records: list[StepRecord] | None = None,
) -> list[StepRecord]:
    """Run ``steps`` in order under ``run_dir``, skipping those whose cache key is unchanged.

    Parameters
    ----------
    steps : list of Step
        The steps in run order; each one's ``depends_on`` names earlier steps.
    run_dir : pathlib.Path
        The run directory; step ``s`` writes ``run_dir / s.output``.
    force : iterable of str
        Step names to redo together with every later step; ``"all"`` redoes all.
    events : StepEvents, optional
        Progress callbacks.
    records : list of StepRecord, optional
        A list to fill as steps finish, so a caller still has the records when a
        step raises. A new list is used when omitted.

    Returns
    -------
    list of StepRecord
        One record per step, in run order.

    Raises
    ------
    InputError
        If ``force`` names an unknown step. Any error a step raises propagates
        after its record is marked ``failed`` (``interrupted`` for Ctrl-C).
    """
    events = events or StepEvents()
    redo = validate_force(steps, force)
    own_records = [StepRecord(name=step.name, output=step.output) for step in steps]
    records = records if records is not None else []
    records.extend(own_records)
    run_dir.mkdir(parents=True, exist_ok=True)
    output_hashes: dict[str, str] = {}
    outputs = {step.name: step.output for step in steps}
    total = len(steps)

    for index, (step, record) in enumerate(zip(steps, own_records, strict=False), start=1):
        target = run_dir / step.output
        key = compute_key(step, output_hashes)
        record.key = key
        marker = read_marker(target)

        reason = _skip_blocker(step, marker, key, forced=step.name in redo)
        if reason is None:
            record.status = "skipped"
            record.output_hash = marker["output_hash"]
            record.result = marker.get("result") or {}
            record.seconds = 0.0
            output_hashes[step.name] = record.output_hash
            events.finished(index, total, record)
        else:
            events.starting(index, total, step, reason)
            inputs = {name: run_dir / outputs[name] for name in step.depends_on}
            _execute(step, record, target, key, inputs, previous=marker)
            output_hashes[step.name] = record.output_hash
            events.finished(index, total, record)

        if step.check is not None:
            step.check(record.result, target)
    return own_records


def _skip_blocker(
    step: Step, marker: dict[str, Any] | None, key: str, *, forced: bool
) -> str | None:
    """Return why ``step`` must run, or None when its completed output can be reused."""
    if forced:
        return _("forced with --force")
    if marker is None:
        return _("no earlier output")
    if marker.get("key") != key:
        return _("inputs or settings changed")
    if step.always_run:
        return _("the source may have changed")
    return None


def _execute(
    step: Step,
    record: StepRecord,
    target: Path,
    key: str,
    inputs: Mapping[str, Path],
    *,
    previous: dict[str, Any] | None,
) -> None:
    """Run one step into a staging directory and move it into place with its marker."""
    record.started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    started = time.perf_counter()
    try:
        with atomic_directory(target) as staging:
            result = step.execute(StepContext(out=staging, inputs=inputs, target=target)) or {}
            # NOTE: an output with creation times in its files (manifests, reports) gets a new
            # hash whenever its step is redone, so the steps after it run again.
            hasher = step.output_hash or (
                lambda directory: hash_directory(directory, exclude=(MARKER_NAME,))
            )
            output_hash = hasher(staging)
            record.seconds = time.perf_counter() - started
            write_json(
                staging / MARKER_NAME,
                {
                    "schema_version": MARKER_SCHEMA_VERSION,
                    "step": step.name,
                    "key": key,
                    "output_hash": output_hash,
                    "settings": step.settings,
                    "result": result,
                    "regionkit": __version__,
                    "started_at": record.started_at,
                    "seconds": round(record.seconds, 3),
                },
            )
    except KeyboardInterrupt:
        record.status = "interrupted"
        record.seconds = time.perf_counter() - started
        raise
    except BaseException as error:
        record.status = "failed"
        record.seconds = time.perf_counter() - started
        record.error = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        raise

    record.output_hash = output_hash
    record.result = result
    unchanged = previous is not None and previous.get("output_hash") == output_hash
    record.status = "unchanged" if unchanged and step.always_run else "done"
