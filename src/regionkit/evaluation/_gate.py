"""The quality gate: maximum regional gap and minimum metric values."""

from __future__ import annotations

from collections.abc import Sequence

from regionkit.evaluation._report import GateFailure, GateResult, ModelResult
from regionkit.evaluation._settings import MetricThreshold


def apply_gate(
    result: ModelResult | None,
    *,
    model: str | None,
    primary_metric: str,
    max_gap: float | None,
    min_metric: Sequence[MetricThreshold],
) -> GateResult:
    """Check one model's results against the gate rules and return the outcome.

    A region fails ``max_gap`` when its primary-metric gap to the overall value is
    below ``-max_gap``. A global ``min_metric`` rule applies to the whole test set
    and to every region without a region-specific rule for that metric. Regions
    that are too few to judge are not checked; they are listed in ``not_judged``.
    """
    rules = [str(rule) for rule in min_metric]
    if result is None or (max_gap is None and not min_metric):
        return GateResult(passed=True, model=model, max_gap=max_gap, min_metric=rules)

    failures: list[GateFailure] = []
    judged = [name for name, region in result.regions.items() if not region.too_few_to_judge]
    not_judged = [name for name in result.regions if name not in judged]

    if max_gap is not None:
        for name in judged:
            gap = result.regions[name].gap_to_overall
            if gap < -max_gap:
                failures.append(
                    GateFailure(
                        rule="max_gap",
                        model=model,
                        region=name,
                        metric=primary_metric,
                        value=gap,
                        threshold=-max_gap,
                    )
                )

    for rule in min_metric:
        if rule.region is None:
            targets: list[str | None] = [None]
            targets += [
                name
                for name in judged
                if not any(
                    other.region == name and other.metric == rule.metric for other in min_metric
                )
            ]
        else:
            targets = [rule.region] if rule.region in judged else []
        for name in targets:
            metrics = result.overall if name is None else result.regions[name].metrics
            value = metrics.value(rule.metric)
            if value < rule.threshold:
                failures.append(
                    GateFailure(
                        rule="min_metric",
                        model=model,
                        region=name,
                        metric=rule.metric,
                        value=value,
                        threshold=rule.threshold,
                    )
                )

    return GateResult(
        passed=not failures,
        model=model,
        max_gap=max_gap,
        min_metric=rules,
        failures=failures,
        not_judged=not_judged,
    )
