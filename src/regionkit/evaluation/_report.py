"""The evaluation report: typed results that serialize to the report.json schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Version of the report.json layout; docs/report-schema.md documents it.
SCHEMA_VERSION = 1

Interval = tuple[float, float]


def _interval(values: Interval | None) -> list[float] | None:
    return None if values is None else [float(values[0]), float(values[1])]


@dataclass(frozen=True)
class ClassScores:
    """Precision, recall and F1 of one label, with confidence intervals, and its support."""

    precision: float
    recall: float
    f1: float
    support: int
    precision_ci: Interval
    recall_ci: Interval
    f1_ci: Interval

    def to_dict(self) -> dict[str, Any]:
        """Return the report.json form."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "support": self.support,
            "precision_ci": _interval(self.precision_ci),
            "recall_ci": _interval(self.recall_ci),
            "f1_ci": _interval(self.f1_ci),
        }


@dataclass(frozen=True)
class GroupMetrics:
    """Metrics of one group of tasks (a region or the whole test set) for one model."""

    n: int
    accuracy: float
    accuracy_ci: Interval
    macro_f1: float
    macro_f1_ci: Interval
    per_class: dict[str, ClassScores]
    confusion_matrix: list[list[int]]

    def value(self, metric: str) -> float:
        """Return the point estimate of ``metric``."""
        return float(getattr(self, metric))

    def interval(self, metric: str) -> Interval:
        """Return the confidence interval of ``metric``."""
        return getattr(self, f"{metric}_ci")

    def to_dict(self) -> dict[str, Any]:
        """Return the report.json form."""
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "accuracy_ci": _interval(self.accuracy_ci),
            "macro_f1": self.macro_f1,
            "macro_f1_ci": _interval(self.macro_f1_ci),
            "per_class": {label: scores.to_dict() for label, scores in self.per_class.items()},
            "confusion_matrix": self.confusion_matrix,
        }


@dataclass(frozen=True)
class RegionResult:
    """One region's metrics, its gaps in the primary metric and their significance."""

    metrics: GroupMetrics
    gap_to_overall: float
    gap_ci: Interval
    gap_to_best: float
    gap_to_best_ci: Interval
    gap_to_rest: float | None
    gap_to_rest_ci: Interval | None
    p_value: float | None
    p_value_holm: float | None
    significant: bool
    too_few_to_judge: bool
    min_detectable_gap: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the report.json form (the metrics' keys first, then the gap keys)."""
        payload = self.metrics.to_dict()
        payload.update(
            {
                "gap_to_overall": self.gap_to_overall,
                "gap_ci": _interval(self.gap_ci),
                "gap_to_best": self.gap_to_best,
                "gap_to_best_ci": _interval(self.gap_to_best_ci),
                "gap_to_rest": self.gap_to_rest,
                "gap_to_rest_ci": _interval(self.gap_to_rest_ci),
                "p_value": self.p_value,
                "p_value_holm": self.p_value_holm,
                "significant": self.significant,
                "too_few_to_judge": self.too_few_to_judge,
                "min_detectable_gap": self.min_detectable_gap,
            }
        )
        return payload


@dataclass(frozen=True)
class ModelResult:
    """One model's metrics overall and per region."""

    overall: GroupMetrics
    regions: dict[str, RegionResult]
    best_region: str
    worst_region: str
    worst_to_best_ratio: float | None
    worst_to_best_ratio_ci: Interval | None

    def regions_worst_first(self, metric: str) -> list[str]:
        """Return region names sorted by ``metric``, lowest first (ties by name)."""
        return sorted(
            self.regions, key=lambda name: (self.regions[name].metrics.value(metric), name)
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the report.json form."""
        return {
            "overall": self.overall.to_dict(),
            "best_region": self.best_region,
            "worst_region": self.worst_region,
            "worst_to_best_ratio": self.worst_to_best_ratio,
            "worst_to_best_ratio_ci": _interval(self.worst_to_best_ratio_ci),
            "regions": {name: region.to_dict() for name, region in self.regions.items()},
        }


@dataclass(frozen=True)
class LiftEntry:
    """The primary-metric difference of two models on one group, with its test."""

    value: float
    ci: Interval
    p_value: float
    p_value_holm: float | None
    significant: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the report.json form."""
        return {
            "value": self.value,
            "ci": _interval(self.ci),
            "p_value": self.p_value,
            "p_value_holm": self.p_value_holm,
            "significant": self.significant,
        }


@dataclass(frozen=True)
class LiftResult:
    """Fine-tuning lift: ``model`` minus ``reference`` overall and per region."""

    model: str
    reference: str
    metric: str
    overall: LiftEntry
    regions: dict[str, LiftEntry]

    def to_dict(self) -> dict[str, Any]:
        """Return the report.json form."""
        return {
            "model": self.model,
            "reference": self.reference,
            "metric": self.metric,
            "overall": self.overall.to_dict(),
            "regions": {name: entry.to_dict() for name, entry in self.regions.items()},
        }


@dataclass(frozen=True)
class GateFailure:
    """One broken gate rule."""

    rule: str
    model: str
    region: str | None
    metric: str
    value: float
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        """Return the report.json form."""
        return {
            "rule": self.rule,
            "model": self.model,
            "region": self.region,
            "metric": self.metric,
            "value": self.value,
            "threshold": self.threshold,
        }


@dataclass(frozen=True)
class GateResult:
    """The outcome of the quality gate on one model."""

    passed: bool
    model: str | None
    max_gap: float | None
    min_metric: list[str]
    failures: list[GateFailure] = field(default_factory=list)
    #: Regions the gate did not check because they are too few to judge.
    not_judged: list[str] = field(default_factory=list)

    @property
    def failing_regions(self) -> list[str]:
        """Return the distinct regions (``overall`` for the whole) that fail, in order."""
        names: list[str] = []
        for failure in self.failures:
            name = failure.region or "overall"
            if name not in names:
                names.append(name)
        return names

    def to_dict(self) -> dict[str, Any]:
        """Return the report.json form."""
        return {
            "passed": self.passed,
            "model": self.model,
            "max_gap": self.max_gap,
            "min_metric": self.min_metric,
            "failing_regions": self.failing_regions,
            "failures": [failure.to_dict() for failure in self.failures],
            "not_judged": self.not_judged,
        }


@dataclass(frozen=True)
class EvaluationReport:
    """Per-region evaluation of one or more models; ``to_dict()`` is report.json."""

    primary_metric: str
    labels: list[str]
    confidence_level: float
    n_boot: int
    n_permutations: int
    seed: int
    min_region_size: int
    max_ci_width: float | None
    power: float
    regions: list[str]
    models: dict[str, ModelResult]
    lift: LiftResult | None
    gate: GateResult
    source: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the report.json payload (schema version :data:`SCHEMA_VERSION`)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "primary_metric": self.primary_metric,
            "labels": list(self.labels),
            "confidence_level": self.confidence_level,
            "n_boot": self.n_boot,
            "n_permutations": self.n_permutations,
            "seed": self.seed,
            "min_region_size": self.min_region_size,
            "max_ci_width": self.max_ci_width,
            "power": self.power,
            "regions": list(self.regions),
            "models": {name: result.to_dict() for name, result in self.models.items()},
            "lift": None if self.lift is None else self.lift.to_dict(),
            "gate": self.gate.to_dict(),
            "source": dict(self.source),
        }
