"""Build a labeling plan: a budget split across regions, and the tasks to label in each."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from regionkit.errors import InputError
from regionkit.i18n import _, use_language
from regionkit.planning.allocation import (
    RegionAllocation,
    allocate_budget,
    describe,
    region_needs,
    validate_report,
)
from regionkit.planning.candidates import candidate_tasks
from regionkit.planning.selection import (
    UNCERTAINTY_METHODS,
    choose_diverse,
    probability_columns,
    require_prediction_columns,
    uncertainty,
)

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

PLAN_SCHEMA_VERSION = 1
TASK_COLUMNS = ("rank", "region_rank", "task_id", "region", "uncertainty", "y_pred", "confidence")


@dataclass
class PlanSettings:
    """The knobs of a plan, stored in ``plan.json`` so that a plan can be reproduced."""

    model: str
    uncertainty: str = "margin"
    similarity: float = 0.9
    target_gap: float = 0.05
    measurement_share: float = 0.25
    insignificant_weight: float = 0.5
    holdout_fraction: float = 0.0
    holdout_split: str = "train"
    seed: int = 0


@dataclass
class Plan:
    """A labeling plan: per-region shares with reasons, and the chosen tasks in priority order.

    ``tasks`` has the columns ``rank`` (1 = label first, across regions),
    ``region_rank``, ``task_id``, ``region``, ``uncertainty``, ``y_pred`` and ``confidence``.
    """

    settings: PlanSettings
    metric: str
    budget_tasks: int | None
    budget_hours: float | None
    allocations: list[RegionAllocation]
    tasks: pd.DataFrame
    skipped_duplicates: dict[str, int] = field(default_factory=dict)
    candidates_without_predictions: int = 0
    created_at: str = field(
        default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds")
    )

    def task_ids(self, region: str | None = None) -> list[int]:
        """Return the chosen task ids in priority order, for one region or all."""
        frame = self.tasks if region is None else self.tasks[self.tasks["region"] == region]
        order = "rank" if region is None else "region_rank"
        return [int(task_id) for task_id in frame.sort_values(order)["task_id"]]

    @property
    def total_tasks(self) -> int:
        """Number of chosen tasks."""
        return len(self.tasks)

    def to_dict(self, *, localized: bool = False) -> dict[str, Any]:
        """Return the plan as the JSON document written to ``plan.json``.

        ``plan.json`` holds each region's ``reason`` in English, so the file is the same
        in every language; ``localized=True`` puts the current language's reason there,
        for the terminal and ``plan.md``.
        """
        regions = {}
        for allocation in self.allocations:
            need = allocation.need
            regions[allocation.region] = {
                "tasks": allocation.tasks,
                "share": allocation.tasks / self.total_tasks if self.total_tasks else 0.0,
                "hours": round(allocation.hours, 3) if self.budget_hours is not None else None,
                "cost_per_task": need.cost,
                "measurement_tasks": round(allocation.measurement_tasks, 3),
                "improvement_tasks": round(allocation.improvement_tasks, 3),
                "candidates": need.candidates,
                "skipped_duplicates": self.skipped_duplicates.get(allocation.region, 0),
                "n": need.n,
                "metric": need.metric,
                "metric_ci_width": need.metric_ci_width,
                "gap_to_overall": need.gap,
                "gap_ci": list(need.gap_ci) if need.gap_ci else None,
                "p_value": need.p_value,
                "significant": need.significant,
                "min_detectable_gap": need.min_detectable_gap,
                "n_to_judge": need.n_to_judge,
                "reason": allocation.reason if localized else allocation.reason_en,
            }
        records = []
        for row in self.tasks.itertuples(index=False):
            records.append(
                {
                    "rank": int(row.rank),
                    "region_rank": int(row.region_rank),
                    "task_id": int(row.task_id),
                    "region": str(row.region),
                    "uncertainty": round(float(row.uncertainty), 6),
                    "y_pred": str(row.y_pred),
                    "confidence": round(float(row.confidence), 6),
                }
            )
        return {
            "schema_version": PLAN_SCHEMA_VERSION,
            "created_at": self.created_at,
            "model": self.settings.model,
            "primary_metric": self.metric,
            "budget": {"tasks": self.budget_tasks, "hours": self.budget_hours},
            "settings": {
                "uncertainty": self.settings.uncertainty,
                "similarity": self.settings.similarity,
                "target_gap": self.settings.target_gap,
                "measurement_share": self.settings.measurement_share,
                "insignificant_weight": self.settings.insignificant_weight,
                "holdout_fraction": self.settings.holdout_fraction,
                "holdout_split": self.settings.holdout_split,
                "seed": self.settings.seed,
            },
            "total_tasks": self.total_tasks,
            "candidates_without_predictions": self.candidates_without_predictions,
            "regions": regions,
            "tasks": records,
        }


def make_plan(
    *,
    report: Mapping[str, Any],
    predictions: pd.DataFrame,
    tasks: pd.DataFrame,
    budget: int | None = None,
    hours: float | None = None,
    lead_times: Mapping[str, float] | None = None,
    model: str | None = None,
    labels: Sequence[str] | None = None,
    input_field: str | None = "text",
    uncertainty_method: str = "margin",
    similarity: float = 0.9,
    target_gap: float = 0.05,
    measurement_share: float = 0.25,
    insignificant_weight: float = 0.5,
    holdout_fraction: float = 0.0,
    holdout_split: str = "train",
    seed: int = 0,
) -> Plan:
    """Split a labeling budget across regions and choose the tasks to label in each.

    Parameters
    ----------
    report : mapping
        A schema-1 evaluation report (``report.json``).
    predictions : DataFrame
        :func:`regionkit.training.predict_frame` output for the candidate tasks:
        ``task_id``, ``y_pred``, ``confidence`` and one ``p.<label>`` column per label;
        with a ``model`` column, only ``model``'s rows are used.
    tasks : DataFrame
        The snapshot's tasks table (or validated ``clean.parquet`` plus unlabeled tasks):
        ``task_id``, ``region``, ``n_annotations`` or ``label``, and
        ``data.<input_field>`` for near-duplicate detection.
    budget : int, optional
        Tasks to label in this round (>= 1). With ``hours`` it caps the total.
    hours : float, optional
        Annotator hours for this round (> 0); needs ``lead_times``.
    lead_times : mapping of str to float, optional
        Median seconds per annotation by region (:func:`lead_time_by_region`); a region
        without one uses the median of the others.
    model : str, optional
        The report's model to plan for; default ``fine_tuned`` when present.
    labels : sequence of str, optional
        Label order for the ``p.<label>`` columns; default the report's ``labels``.
    input_field : str or None, default="text"
        The task data field compared for near-duplicates; None skips the check.
    uncertainty_method : {"margin", "entropy"}, default="margin"
        How to rank tasks within a region: smallest top-two margin or largest entropy first.
    similarity : float, default=0.9
        Cosine similarity of character n-gram TF-IDF vectors at or above which two
        tasks count as near-duplicates; in (0, 1].
    target_gap : float, default=0.05
        The gap in the primary metric (0.05 = 5 points) each region's evaluation
        should be able to judge; in (0, 1).
    measurement_share : float, default=0.25
        Maximum share of the budget for regions whose CI is too wide; in [0, 1].
    insignificant_weight : float, default=0.5
        Weight of a gap that is not significant relative to a significant one; in [0, 1].
    holdout_fraction : float, default=0.0
        Share of each region's labeled ``holdout_split`` tasks to treat as unlabeled,
        to simulate a labeling round on a fully labeled data set; in [0, 1).
    holdout_split : str, default="train"
    seed : int, default=0
        Seed of the holdout draw.

    Returns
    -------
    Plan

    Raises
    ------
    InputError
        If an argument is out of range, the report has the wrong shape, or a column is missing.
    """
    _check_numbers(
        budget=budget,
        hours=hours,
        similarity=similarity,
        target_gap=target_gap,
        measurement_share=measurement_share,
        insignificant_weight=insignificant_weight,
    )
    if uncertainty_method not in UNCERTAINTY_METHODS:
        raise InputError(
            _("uncertainty={value!r} is not valid; use one of {allowed}.").format(
                value=uncertainty_method, allowed=", ".join(UNCERTAINTY_METHODS)
            )
        )
    model = validate_report(report, model=model)
    labels = list(labels or report.get("labels") or [])
    if not labels:
        raise InputError(_("No labels given and the report has none; pass labels."))
    metric = str(report.get("primary_metric", "macro_f1"))
    settings = PlanSettings(
        model=model,
        uncertainty=uncertainty_method,
        similarity=similarity,
        target_gap=target_gap,
        measurement_share=measurement_share,
        insignificant_weight=insignificant_weight,
        holdout_fraction=holdout_fraction,
        holdout_split=holdout_split,
        seed=seed,
    )

    candidates = candidate_tasks(
        tasks, holdout_fraction=holdout_fraction, holdout_split=holdout_split, seed=seed
    )
    scored, without_predictions = _score_candidates(
        candidates, predictions, model=model, labels=labels, method=uncertainty_method
    )
    if candidates.empty:
        raise InputError(
            _(
                "No task is unlabeled, so there is nothing to plan; for a simulated round on a "
                "fully labeled "
                "data set, set holdout_fraction (--holdout-fraction), e.g. 0.2."
            )
        )
    if scored.empty:
        raise InputError(
            _(
                "None of the {count} unlabeled tasks has a prediction; pass predictions for the "
                "unlabeled tasks."
            ).format(count=len(candidates))
        )
    counts = {str(region): int(count) for region, count in scored["region"].value_counts().items()}

    if hours is not None:
        costs = _hour_costs(
            lead_times, regions=set(counts) | set(report["models"][model]["regions"])
        )
        amount, whole = float(hours), False
    else:
        costs = {}
        amount, whole = float(budget), True
    needs = region_needs(
        report=report,
        model=model,
        candidates=counts,
        costs=costs,
        target_gap=target_gap,
        insignificant_weight=insignificant_weight,
    )
    allocations = allocate_budget(
        needs, budget=amount, measurement_share=measurement_share, whole_tasks=whole
    )
    if hours is not None and budget is not None:
        _cap_total(allocations, budget)

    chosen, skipped = _choose_tasks(
        scored, allocations, input_field=input_field, similarity=similarity
    )
    total = len(chosen)
    for allocation in allocations:
        allocation.tasks = int((chosen["region"] == allocation.region).sum())
        description = {
            "total_tasks": total,
            "metric": metric,
            "target_gap": target_gap,
            "with_hours": hours is not None,
        }
        allocation.reason = describe(allocation, **description)
        with use_language("en"):
            allocation.reason_en = describe(allocation, **description)
    logger.info("plan for model %s: %d tasks over %d regions", model, total, len(allocations))
    return Plan(
        settings=settings,
        metric=metric,
        budget_tasks=budget,
        budget_hours=hours,
        allocations=allocations,
        tasks=chosen,
        skipped_duplicates=skipped,
        candidates_without_predictions=without_predictions,
    )


def _check_numbers(
    *,
    budget: int | None,
    hours: float | None,
    similarity: float,
    target_gap: float,
    measurement_share: float,
    insignificant_weight: float,
) -> None:
    if budget is None and hours is None:
        raise InputError(_("Give a budget in tasks (budget) or in annotator hours (hours)."))
    if budget is not None and (
        not isinstance(budget, int) or isinstance(budget, bool) or budget < 1
    ):
        raise InputError(
            _("budget={value} must be an integer >= 1 (tasks to label).").format(value=budget)
        )
    if hours is not None and not (
        isinstance(hours, (int, float)) and math.isfinite(hours) and hours > 0
    ):
        raise InputError(
            _("hours={value} must be a positive number of annotator hours.").format(value=hours)
        )
    checks = (
        ("similarity", similarity, 0.0, 1.0, False, True),
        ("target_gap", target_gap, 0.0, 1.0, False, False),
        ("measurement_share", measurement_share, 0.0, 1.0, True, True),
        ("insignificant_weight", insignificant_weight, 0.0, 1.0, True, True),
    )
    for name, value, low, high, low_inclusive, high_inclusive in checks:
        above = value >= low if low_inclusive else value > low
        below = value <= high if high_inclusive else value < high
        if not (isinstance(value, (int, float)) and above and below):
            opening = "[" if low_inclusive else "("
            closing = "]" if high_inclusive else ")"
            interval = f"{opening}{low:g}, {high:g}{closing}"
            raise InputError(
                _("{name}={value} must lie in {interval}.").format(
                    name=name, value=value, interval=interval
                )
            )


def _score_candidates(
    candidates: pd.DataFrame,
    predictions: pd.DataFrame,
    *,
    model: str,
    labels: list[str],
    method: str,
) -> tuple[pd.DataFrame, int]:
    """Join the candidates with ``model``'s predictions and score their uncertainty."""
    require_prediction_columns(predictions)

    frame = predictions
    if "model" in frame.columns:
        models = sorted(map(str, frame["model"].unique()))
        if model in models:
            frame = frame[frame["model"] == model]
        elif len(models) == 1:
            logger.warning(
                "predictions are of model %s, the report's model is %s", models[0], model
            )
        else:
            raise InputError(
                _("The predictions have no rows of model {model!r}; they contain {models}.").format(
                    model=model, models=", ".join(models)
                )
            )

    columns = probability_columns(frame, labels)
    frame = frame.drop_duplicates("task_id")[["task_id", "y_pred", "confidence", *columns]]
    keep = [
        c for c in candidates.columns if c == "task_id" or c == "region" or c.startswith("data.")
    ]
    scored = candidates[keep].merge(frame, on="task_id", how="inner")
    without = len(candidates) - len(scored)
    if without:
        logger.warning("%d candidate tasks have no prediction and are left out", without)

    scored["region"] = scored["region"].astype(str)
    scored["uncertainty"] = uncertainty(scored[columns].to_numpy(), method=method)
    scored = scored.sort_values(
        ["uncertainty", "task_id"], ascending=[False, True], kind="mergesort"
    )
    return scored.reset_index(drop=True), without


def _hour_costs(lead_times: Mapping[str, float] | None, *, regions: set[str]) -> dict[str, float]:
    import statistics

    known = {
        str(region): float(seconds)
        for region, seconds in (lead_times or {}).items()
        if seconds and seconds > 0
    }
    if not known:
        raise InputError(
            _(
                "A budget in hours needs the median lead_time per region; none was measured. "
                "Use a budget in tasks instead."
            )
        )
    fallback = statistics.median(known.values())
    return {region: known.get(region, fallback) / 3600.0 for region in regions}


def _cap_total(allocations: list[RegionAllocation], budget: int) -> None:
    total = sum(allocation.tasks for allocation in allocations)
    if total <= budget:
        return
    exact = {allocation.region: allocation.tasks * budget / total for allocation in allocations}
    for allocation in allocations:
        allocation.tasks = int(math.floor(exact[allocation.region]))
    missing = budget - sum(allocation.tasks for allocation in allocations)
    by_remainder = sorted(
        allocations, key=lambda a: -(exact[a.region] - math.floor(exact[a.region]))
    )
    for allocation in by_remainder[:missing]:
        allocation.tasks += 1


def _choose_tasks(
    scored: pd.DataFrame,
    allocations: list[RegionAllocation],
    *,
    input_field: str | None,
    similarity: float,
) -> tuple[pd.DataFrame, dict[str, int]]:
    import pandas as pd

    text_column = f"data.{input_field}" if input_field else None
    if text_column is not None and text_column not in scored.columns:
        logger.warning("no column %s; near-duplicates are not checked", text_column)
        text_column = None

    parts = []
    skipped: dict[str, int] = {}
    for allocation in allocations:
        if allocation.tasks <= 0:
            continue
        region_rows = scored[scored["region"] == allocation.region]
        if text_column is None:
            positions, skipped_count = list(range(min(allocation.tasks, len(region_rows)))), 0
        else:
            texts = region_rows[text_column].fillna("").astype(str).tolist()
            positions, skipped_count = choose_diverse(
                texts, quota=allocation.tasks, similarity=similarity
            )
        picked = region_rows.iloc[positions].copy()
        picked["region_rank"] = range(1, len(picked) + 1)
        parts.append(picked)
        skipped[allocation.region] = skipped_count

    if not parts:
        return pd.DataFrame({column: [] for column in TASK_COLUMNS}), skipped
    chosen = pd.concat(parts, ignore_index=True)
    chosen = chosen.sort_values(
        ["uncertainty", "task_id"], ascending=[False, True], kind="mergesort"
    )
    chosen["rank"] = range(1, len(chosen) + 1)
    return chosen[list(TASK_COLUMNS)].reset_index(drop=True), skipped
