"""Evaluate a predictions table: metrics, intervals, gaps, tests, lift and the gate."""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from regionkit.errors import InputError
from regionkit.evaluation._bootstrap import (
    BootstrapDistribution,
    percentile_interval,
    score_matrices,
    stratified_bootstrap,
)
from regionkit.evaluation._cells import RegionCells, build_region_cells
from regionkit.evaluation._confusion import METRIC_FUNCTIONS
from regionkit.evaluation._detectable import is_too_few_to_judge, min_detectable_gap
from regionkit.evaluation._frame import EncodedPredictions, encode_predictions
from regionkit.evaluation._gate import apply_gate
from regionkit.evaluation._report import (
    ClassScores,
    EvaluationReport,
    GroupMetrics,
    LiftEntry,
    LiftResult,
    ModelResult,
    RegionResult,
)
from regionkit.evaluation._settings import (
    DEFAULT_MIN_REGION_SIZE,
    EvaluationSettings,
    MetricThreshold,
)
from regionkit.evaluation._significance import (
    holm_adjust,
    paired_swap_statistics,
    permutation_p_value,
    region_vs_rest_p_value,
)
from regionkit.i18n import _

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)


def evaluate_predictions(
    predictions: pd.DataFrame,
    *,
    labels: Sequence[str],
    primary_metric: str = "macro_f1",
    n_boot: int = 1000,
    confidence_level: float = 0.95,
    seed: int = 0,
    n_permutations: int | None = None,
    min_region_size: int = DEFAULT_MIN_REGION_SIZE,
    max_ci_width: float | None = None,
    power: float = 0.8,
    max_gap: float | None = None,
    min_metric: Sequence[str | MetricThreshold] = (),
    gate_model: str | None = None,
    lift: tuple[str, str] = ("fine_tuned", "base"),
    models: Sequence[str] | None = None,
    progress: bool = False,
    source: dict[str, Any] | None = None,
) -> EvaluationReport:
    """Evaluate every model in ``predictions`` per region and overall.

    Parameters
    ----------
    predictions : DataFrame
        One row per task and model with columns ``task_id``, ``region``, ``model``,
        ``y_true`` and ``y_pred`` (label names); other columns such as ``p.<label>``
        are ignored. Every model must predict the same tasks.
    labels : sequence of str
        The label set in labeling-config order; it fixes the confusion-matrix order.
    primary_metric, n_boot, confidence_level, seed, n_permutations : see EvaluationSettings
        Metric for gaps and tests, bootstrap replicates, interval coverage, seed,
        permutations per test (default ``n_boot``).
    min_region_size, max_ci_width, power : see EvaluationSettings
        The too-few-to-judge rule and the power of the minimum detectable gap.
    max_gap, min_metric, gate_model : see EvaluationSettings
        Gate rules and the model they check.
    lift, models : see EvaluationSettings
        The two models compared by the lift, and the models to evaluate.

        To pass an :class:`EvaluationSettings` object, call
        ``evaluate_predictions(frame, labels=labels, **settings.options())``.
    progress : bool, default=False
        Show rich progress bars on stderr.
    source : dict, optional
        Where the predictions came from; copied into ``report.json`` under ``source``.

    Returns
    -------
    EvaluationReport
        The results; ``report.gate.passed`` is false when a gate rule failed. This
        function never raises ``GateFailed``; :func:`evaluate_models` and the CLI do.

    Raises
    ------
    InputError
        If the predictions or an option are invalid.
    """
    settings = EvaluationSettings(
        primary_metric=primary_metric,
        n_boot=n_boot,
        confidence_level=confidence_level,
        seed=seed,
        n_permutations=n_permutations,
        min_region_size=min_region_size,
        max_ci_width=max_ci_width,
        power=power,
        max_gap=max_gap,
        min_metric=min_metric,
        gate_model=gate_model,
        lift=lift,
        models=models,
    )
    encoded = _select_models(encode_predictions(predictions, labels), settings)
    gate_model = _resolve_gate_model(encoded, settings)
    _check_gate_regions(encoded, settings)
    settings = replace(
        settings, n_permutations=resolve_permutations(settings, len(encoded.regions))
    )

    cells = build_region_cells(encoded)
    bootstrap_rng, permutation_rng, lift_rng = (
        np.random.default_rng(child) for child in np.random.SeedSequence(settings.seed).spawn(3)
    )
    n_regions, n_models, n_labels = len(encoded.regions), len(encoded.models), encoded.n_labels
    logger.info(
        "evaluating %d models on %d tasks in %d regions (%d replicates)",
        n_models,
        len(encoded.task_ids),
        n_regions,
        settings.n_boot,
    )

    with _progress_bars(progress) as advance:
        distribution = stratified_bootstrap(
            cells,
            n_models=n_models,
            n_labels=n_labels,
            n_boot=settings.n_boot,
            rng=bootstrap_rng,
            advance=advance(_("Bootstrap"), settings.n_boot),
        )
        matrices = _point_matrices(cells, n_models=n_models, n_labels=n_labels)
        step = advance(_("Significance tests"), n_models)
        results = {}
        for index, model in enumerate(encoded.models):
            results[model] = _model_result(
                encoded, matrices[:, index], distribution, index, settings, permutation_rng
            )
            step(1)
        lift = _lift(encoded, cells, distribution, results, settings, lift_rng)

    gate = apply_gate(
        results.get(gate_model) if gate_model else None,
        model=gate_model,
        primary_metric=settings.primary_metric,
        max_gap=settings.max_gap,
        min_metric=settings.min_metric,
    )
    return EvaluationReport(
        primary_metric=settings.primary_metric,
        labels=list(encoded.labels),
        confidence_level=settings.confidence_level,
        n_boot=settings.n_boot,
        n_permutations=settings.permutations,
        seed=settings.seed,
        min_region_size=settings.min_region_size,
        max_ci_width=settings.max_ci_width,
        power=settings.power,
        regions=list(encoded.regions),
        models=results,
        lift=lift,
        gate=gate,
        source=dict(source or {}),
    )


def _select_models(encoded: EncodedPredictions, settings: EvaluationSettings) -> EncodedPredictions:
    if settings.models is None:
        return encoded
    missing = [model for model in settings.models if model not in encoded.models]
    if missing or not settings.models:
        raise InputError(
            _("models={models!r} names models without predictions; available: {available}.").format(
                models=list(settings.models), available=", ".join(encoded.models)
            )
        )
    keep = [encoded.models.index(model) for model in settings.models]
    return replace(
        encoded,
        models=tuple(encoded.models[index] for index in keep),
        y_pred=encoded.y_pred[keep],
    )


def _resolve_gate_model(encoded: EncodedPredictions, settings: EvaluationSettings) -> str:
    if settings.gate_model is not None:
        if settings.gate_model not in encoded.models:
            raise InputError(
                _("gate_model={model!r} has no predictions; use one of {available}.").format(
                    model=settings.gate_model, available=", ".join(encoded.models)
                )
            )
        return settings.gate_model
    return "fine_tuned" if "fine_tuned" in encoded.models else encoded.models[0]


def _check_gate_regions(encoded: EncodedPredictions, settings: EvaluationSettings) -> None:
    for rule in settings.min_metric:
        if rule.region is not None and rule.region not in encoded.regions:
            raise InputError(
                _(
                    "--min-metric {rule} names the region {region!r}, which has no test tasks; "
                    "use one of {regions}."
                ).format(rule=str(rule), region=rule.region, regions=", ".join(encoded.regions))
            )


def resolve_permutations(settings: EvaluationSettings, n_regions: int) -> int:
    """Return the permutations per test: the setting, else enough to resolve Holm's threshold.

    With P permutations the smallest p-value is 1 / (P + 1), and Holm multiplies the
    smallest of m p-values by m. The default, at least ``10 * m / alpha`` and at least
    ``n_boot``, keeps that floor ten times below alpha, so a clear gap can be significant.
    """
    needed = math.ceil(10 * max(n_regions, 1) / settings.alpha)
    if settings.n_permutations is None:
        return max(settings.n_boot, needed)
    if n_regions / (settings.n_permutations + 1) >= settings.alpha:
        logger.warning(
            "n_permutations=%d cannot reach significance after Holm correction over %d "
            "regions at alpha=%g; use at least %d",
            settings.n_permutations,
            n_regions,
            settings.alpha,
            needed,
        )
    return settings.n_permutations


@contextlib.contextmanager
def _progress_bars(enabled: bool) -> Iterator[Any]:
    """Yield ``start(description, total) -> advance(k)``; a no-op when disabled."""
    if not enabled:
        yield lambda description, total: lambda k: None
        return

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from regionkit.console import stderr

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    ) as bars:

        def start(description: str, total: int):
            task = bars.add_task(description, total=total)
            return lambda k: bars.advance(task, k)

        yield start


def _point_matrices(cells: Sequence[RegionCells], *, n_models: int, n_labels: int) -> np.ndarray:
    """Return observed confusion matrices shaped ``(R, M, K, K)``."""
    matrices = np.empty((len(cells), n_models, n_labels, n_labels), dtype=np.int64)
    for index, region in enumerate(cells):
        for model in range(n_models):
            flat = np.bincount(
                region.confusion_index[model], weights=region.counts, minlength=n_labels * n_labels
            )
            matrices[index, model] = np.rint(flat).astype(np.int64).reshape(n_labels, n_labels)
    return matrices


def _group_metrics(
    matrix: np.ndarray,
    scores: dict[str, np.ndarray],
    intervals: dict[str, np.ndarray],
    labels: Sequence[str],
) -> GroupMetrics:
    """Assemble one group's metrics from its scores and intervals (already indexed to the group)."""
    support = matrix.sum(axis=1)
    per_class = {
        label: ClassScores(
            precision=float(scores["precision"][k]),
            recall=float(scores["recall"][k]),
            f1=float(scores["f1"][k]),
            support=int(support[k]),
            precision_ci=tuple(intervals["precision"][k]),
            recall_ci=tuple(intervals["recall"][k]),
            f1_ci=tuple(intervals["f1"][k]),
        )
        for k, label in enumerate(labels)
    }
    return GroupMetrics(
        n=int(matrix.sum()),
        accuracy=float(scores["accuracy"]),
        accuracy_ci=tuple(intervals["accuracy"]),
        macro_f1=float(scores["macro_f1"]),
        macro_f1_ci=tuple(intervals["macro_f1"]),
        per_class=per_class,
        confusion_matrix=matrix.tolist(),
    )


def _interval(values: np.ndarray, settings: EvaluationSettings) -> tuple[float, float]:
    low, high = percentile_interval(values, confidence_level=settings.confidence_level)
    return float(low), float(high)


def _model_result(
    encoded: EncodedPredictions,
    matrices: np.ndarray,
    distribution: BootstrapDistribution,
    model: int,
    settings: EvaluationSettings,
    rng: np.random.Generator,
) -> ModelResult:
    """Build one model's result from its ``(R, K, K)`` matrices and the replicates."""
    metric = settings.primary_metric
    metric_function = METRIC_FUNCTIONS[metric]
    regions = encoded.regions
    total = matrices.sum(axis=0)

    region_scores = score_matrices(matrices)
    overall_scores = score_matrices(total)
    region_intervals = {
        name: percentile_interval(values[:, model], confidence_level=settings.confidence_level)
        for name, values in distribution.regions.items()
    }
    overall_intervals = {
        name: percentile_interval(values[model], confidence_level=settings.confidence_level)
        for name, values in distribution.overall.items()
    }

    overall = _group_metrics(total, overall_scores, overall_intervals, encoded.labels)
    groups = [
        _group_metrics(
            matrices[r],
            {name: values[r] for name, values in region_scores.items()},
            {name: values[r] for name, values in region_intervals.items()},
            encoded.labels,
        )
        for r in range(len(regions))
    ]

    values = region_scores[metric]
    replicates = distribution.regions[metric][:, model]
    overall_replicates = distribution.overall[metric][model]
    rest_replicates = distribution.rest[metric][:, model]

    too_few = [
        is_too_few_to_judge(
            n=group.n,
            ci_width=group.interval(metric)[1] - group.interval(metric)[0],
            min_region_size=settings.min_region_size,
            max_ci_width=settings.max_ci_width,
        )
        for group in groups
    ]
    judged = [r for r in range(len(regions)) if not too_few[r]] or list(range(len(regions)))
    best = max(judged, key=lambda r: (values[r], regions[r]))
    worst = min(judged, key=lambda r: (values[r], regions[r]))

    comparable = len(regions) > 1
    p_values: list[float | None] = []
    for r in range(len(regions)):
        if comparable:
            p_values.append(
                region_vs_rest_p_value(
                    matrices[r],
                    total,
                    metric=metric_function,
                    n_permutations=settings.permutations,
                    rng=rng,
                )
            )
        else:
            p_values.append(None)
    family = [r for r in range(len(regions)) if not too_few[r] and p_values[r] is not None]
    adjusted = dict(zip(family, holm_adjust([p_values[r] for r in family]), strict=True))

    results = {}
    for r, name in enumerate(regions):
        group = groups[r]
        gap_to_rest = gap_to_rest_ci = None
        detectable = None
        if comparable:
            rest_value = float(metric_function(total - matrices[r]))
            gap_to_rest = float(values[r]) - rest_value
            differences = replicates[r] - rest_replicates[r]
            gap_to_rest_ci = _interval(differences, settings)
            detectable = min_detectable_gap(
                bootstrap_se=float(np.std(differences, ddof=1)),
                n_region=group.n,
                n_rest=overall.n - group.n,
                reference_value=overall.value(metric),
                alpha=settings.alpha,
                power=settings.power,
            )
        holm = adjusted.get(r)
        results[name] = RegionResult(
            metrics=group,
            gap_to_overall=float(values[r]) - overall.value(metric),
            gap_ci=_interval(replicates[r] - overall_replicates, settings),
            gap_to_best=float(values[r] - values[best]),
            gap_to_best_ci=_interval(replicates[r] - replicates[best], settings),
            gap_to_rest=gap_to_rest,
            gap_to_rest_ci=gap_to_rest_ci,
            p_value=p_values[r],
            p_value_holm=None if holm is None else float(holm),
            significant=bool(holm is not None and holm < settings.alpha),
            too_few_to_judge=too_few[r],
            min_detectable_gap=detectable,
        )

    ratio = ratio_ci = None
    if values[best] > 0:
        ratio = float(values[worst] / values[best])
        ratios = np.full(replicates.shape[1], np.nan)
        np.divide(replicates[worst], replicates[best], out=ratios, where=replicates[best] > 0)
        low, high = np.nanquantile(ratios, [settings.alpha / 2, 1 - settings.alpha / 2])
        ratio_ci = (float(low), float(high))

    return ModelResult(
        overall=overall,
        regions=results,
        best_region=regions[best],
        worst_region=regions[worst],
        worst_to_best_ratio=ratio,
        worst_to_best_ratio_ci=ratio_ci,
    )


def _lift(
    encoded: EncodedPredictions,
    cells: Sequence[RegionCells],
    distribution: BootstrapDistribution,
    results: dict[str, ModelResult],
    settings: EvaluationSettings,
    rng: np.random.Generator,
) -> LiftResult | None:
    """Compare the lift model with its reference (fine-tuned minus base by default)."""
    model_name, reference_name = settings.lift
    if model_name not in encoded.models or reference_name not in encoded.models:
        logger.info("no lift: models %s and %s are not both present", model_name, reference_name)
        return None
    metric = settings.primary_metric
    model, reference = encoded.models.index(model_name), encoded.models.index(reference_name)

    permuted_regions, permuted_overall = paired_swap_statistics(
        cells,
        model=model,
        reference=reference,
        n_labels=encoded.n_labels,
        metric=METRIC_FUNCTIONS[metric],
        n_permutations=settings.permutations,
        rng=rng,
    )
    model_result, reference_result = results[model_name], results[reference_name]

    overall_value = model_result.overall.value(metric) - reference_result.overall.value(metric)
    overall_p = permutation_p_value(overall_value, permuted_overall)
    overall = LiftEntry(
        value=overall_value,
        ci=_interval(
            distribution.overall[metric][model] - distribution.overall[metric][reference], settings
        ),
        p_value=overall_p,
        p_value_holm=None,
        significant=overall_p < settings.alpha,
    )

    values, p_values = [], []
    for r, name in enumerate(encoded.regions):
        value = model_result.regions[name].metrics.value(metric) - reference_result.regions[
            name
        ].metrics.value(metric)
        values.append(value)
        p_values.append(permutation_p_value(value, permuted_regions[r]))
    family = [
        r
        for r, name in enumerate(encoded.regions)
        if not model_result.regions[name].too_few_to_judge
    ]
    adjusted = dict(zip(family, holm_adjust([p_values[r] for r in family]), strict=True))

    regions = {}
    for r, name in enumerate(encoded.regions):
        differences = (
            distribution.regions[metric][r, model] - distribution.regions[metric][r, reference]
        )
        holm = adjusted.get(r)
        regions[name] = LiftEntry(
            value=values[r],
            ci=_interval(differences, settings),
            p_value=p_values[r],
            p_value_holm=None if holm is None else float(holm),
            significant=bool(holm is not None and holm < settings.alpha),
        )
    return LiftResult(
        model=model_name, reference=reference_name, metric=metric, overall=overall, regions=regions
    )
