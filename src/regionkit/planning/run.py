"""Plan from a run's files: the code path of `regionkit plan`, for the workflow's plan step too."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regionkit.errors import InputError
from regionkit.i18n import _
from regionkit.planning.candidates import candidate_tasks, lead_time_by_region
from regionkit.planning.inputs import predict_tasks, read_predictions, read_report, read_snapshot
from regionkit.planning.output import write_plan
from regionkit.planning.plan import Plan, make_plan

logger = logging.getLogger(__name__)


@dataclass
class PlanRun:
    """A plan made from files, the files it wrote and the snapshot manifest and tasks it read."""

    plan: Plan
    paths: dict[str, Path]
    candidates: int
    manifest: dict[str, Any]
    #: The snapshot's tasks table (``task_id``, ``project_id``, ``region``, ...).
    tasks: Any = None


def plan_from_files(
    *,
    report: str | Path,
    snapshot: str | Path,
    out: str | Path,
    models: str | Path | None = None,
    predictions: str | Path | None = None,
    budget: int | None = None,
    hours: float | None = None,
    model: str | None = None,
    show_progress: bool = True,
    **options: Any,
) -> PlanRun:
    """Read a report, a snapshot and predictions (or predict with ``models``), then plan and write.

    Parameters
    ----------
    report : path
        ``report.json`` or the evaluation directory.
    snapshot : path
        The snapshot directory (tasks, annotations, manifest).
    out : path
        Directory for ``plan.json`` and ``plan.md``.
    models, predictions : path
        Exactly one: a models directory to predict the candidate tasks with, or a
        predictions table (.parquet or .csv) for them.
    budget, hours, model :
        As :func:`regionkit.planning.make_plan`; ``hours`` uses the snapshot's median
        ``lead_time`` per region.
    show_progress : bool, default=True
        Show a status line on stderr while predicting.
    **options
        Passed to :func:`regionkit.planning.make_plan` (``uncertainty_method``,
        ``similarity``, ``target_gap``, ``measurement_share``, ``insignificant_weight``,
        ``holdout_fraction``, ``holdout_split``, ``seed``).

    Returns
    -------
    PlanRun

    Raises
    ------
    InputError
        If an input is missing or invalid.
    """
    if (models is None) == (predictions is None):
        raise InputError(_("Pass exactly one of --models and --predictions."))
    if budget is None and hours is None:
        raise InputError(_("Pass --budget (tasks) or --hours (annotator hours)."))
    _check_out(Path(out))
    report_document = read_report(report)
    tables = read_snapshot(snapshot)
    _check_shared_regions(report_document, tables.tasks, report=report, snapshot=snapshot)
    lead_times = None
    if hours is not None:
        if tables.annotations is None or tables.annotations.empty:
            raise InputError(
                _(
                    "--hours needs annotations with lead_time in the snapshot {path}; use "
                    "--budget instead."
                ).format(path=snapshot)
            )
        lead_times = lead_time_by_region(tables.annotations, tables.tasks)

    candidates = candidate_tasks(
        tables.tasks,
        holdout_fraction=options.get("holdout_fraction", 0.0),
        holdout_split=options.get("holdout_split", "train"),
        seed=options.get("seed", 0),
    )
    if predictions is not None:
        frame = read_predictions(predictions)
    else:
        from regionkit.console import stderr

        status = _("Predicting {count} candidate tasks").format(count=len(candidates))
        if show_progress:
            with stderr.status(status):
                frame = predict_tasks(models, candidates, model=model or "fine_tuned")
        else:
            frame = predict_tasks(models, candidates, model=model or "fine_tuned")

    plan = make_plan(
        report=report_document,
        predictions=frame,
        tasks=tables.tasks,
        budget=budget,
        hours=hours,
        lead_times=lead_times,
        model=model,
        labels=tables.manifest.get("labels") or None,
        input_field=tables.manifest.get("input_field") or "text",
        **options,
    )
    paths = write_plan(plan, out)
    logger.info("wrote plan with %d tasks to %s", plan.total_tasks, out)
    return PlanRun(
        plan=plan,
        paths=paths,
        candidates=len(candidates),
        manifest=tables.manifest,
        tasks=tables.tasks,
    )


def _check_out(out: Path) -> None:
    """Reject an ``out`` that is a file before any work is done."""
    if out.exists() and not out.is_dir():
        raise InputError(
            _("--out {path} is a file; choose a directory for plan.json and plan.md.").format(
                path=out
            )
        )


def _check_shared_regions(report_document: dict[str, Any], tasks, *, report, snapshot) -> None:
    """Reject a report and a snapshot that have no region in common.

    Such a pair comes from different projects, and the plan would give every region 0 tasks.
    """
    report_regions: set[str] = set()
    for entry in (report_document.get("models") or {}).values():
        report_regions.update(str(region) for region in (entry.get("regions") or {}))
    if not report_regions or "region" not in tasks.columns:
        return
    snapshot_regions = set(tasks["region"].dropna().astype(str)) - {""}
    if snapshot_regions and not report_regions & snapshot_regions:
        raise InputError(
            _(
                "The report {report} and the snapshot {snapshot} share no region (report: "
                "{report_regions}; snapshot: {snapshot_regions}); pass the evaluation report "
                "made from this snapshot."
            ).format(
                report=report,
                snapshot=snapshot,
                report_regions=", ".join(sorted(report_regions)),
                snapshot_regions=", ".join(sorted(snapshot_regions)),
            )
        )
