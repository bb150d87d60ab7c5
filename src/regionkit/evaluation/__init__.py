"""Per-region metrics, gaps, confidence intervals and significance.

The core works on a predictions table (``task_id, region, model, y_true, y_pred``)
and needs no TensorFlow: :func:`evaluate_predictions`. :func:`evaluate_models`
predicts the test split with the trained models first and writes the reports.
"""

from regionkit.evaluation._evaluate import evaluate_predictions
from regionkit.evaluation._models import (
    EvaluationRun,
    evaluate_models,
    load_predictions,
    raise_for_gate,
)
from regionkit.evaluation._report import (
    SCHEMA_VERSION,
    ClassScores,
    EvaluationReport,
    GateFailure,
    GateResult,
    GroupMetrics,
    LiftEntry,
    LiftResult,
    ModelResult,
    RegionResult,
)
from regionkit.evaluation._settings import (
    DEFAULT_MIN_REGION_SIZE,
    METRICS,
    EvaluationSettings,
    MetricThreshold,
    parse_min_metric,
)

__all__ = [
    "DEFAULT_MIN_REGION_SIZE",
    "METRICS",
    "SCHEMA_VERSION",
    "ClassScores",
    "EvaluationReport",
    "EvaluationRun",
    "EvaluationSettings",
    "GateFailure",
    "GateResult",
    "GroupMetrics",
    "LiftEntry",
    "LiftResult",
    "MetricThreshold",
    "ModelResult",
    "RegionResult",
    "evaluate_models",
    "evaluate_predictions",
    "load_predictions",
    "parse_min_metric",
    "raise_for_gate",
]
