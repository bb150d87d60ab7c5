"""Point metrics per region and overall against scikit-learn on fixed data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from regionkit.evaluation import evaluate_predictions
from regionkit.evaluation._confusion import macro_f1

LABELS = ["negative", "neutral", "positive"]


@pytest.fixture(scope="module")
def fixed_predictions() -> pd.DataFrame:
    """Two models on three regions; region 'it' never has a true or predicted 'neutral'."""
    rows = [
        # region, y_true, fine_tuned, base
        ("de", "negative", "negative", "neutral"),
        ("de", "negative", "positive", "negative"),
        ("de", "neutral", "neutral", "neutral"),
        ("de", "neutral", "negative", "positive"),
        ("de", "positive", "positive", "positive"),
        ("de", "positive", "positive", "negative"),
        ("de", "positive", "neutral", "positive"),
        ("hi", "negative", "positive", "positive"),
        ("hi", "neutral", "neutral", "negative"),
        ("hi", "neutral", "neutral", "neutral"),
        ("hi", "positive", "negative", "positive"),
        ("hi", "positive", "positive", "neutral"),
        ("it", "negative", "negative", "negative"),
        ("it", "negative", "positive", "negative"),
        ("it", "positive", "positive", "positive"),
        ("it", "positive", "positive", "negative"),
        ("it", "positive", "negative", "positive"),
    ]
    records = []
    for task_id, (region, y_true, fine_tuned, base) in enumerate(rows):
        records.append((task_id, region, "fine_tuned", y_true, fine_tuned))
        records.append((task_id, region, "base", y_true, base))
    return pd.DataFrame(records, columns=["task_id", "region", "model", "y_true", "y_pred"])


@pytest.fixture(scope="module")
def fixed_report(fixed_predictions):
    return evaluate_predictions(fixed_predictions, labels=LABELS, n_boot=200, min_region_size=1)


@pytest.mark.parametrize("model", ["fine_tuned", "base"])
def test_region_metrics_match_sklearn(fixed_predictions, fixed_report, model):
    for region in ["de", "hi", "it"]:
        rows = fixed_predictions[
            (fixed_predictions["model"] == model) & (fixed_predictions["region"] == region)
        ]
        result = fixed_report.models[model].regions[region].metrics
        expected_f1 = f1_score(rows["y_true"], rows["y_pred"], average="macro", zero_division=0)

        assert result.n == len(rows)
        assert result.accuracy == pytest.approx(accuracy_score(rows["y_true"], rows["y_pred"]))
        assert result.macro_f1 == pytest.approx(expected_f1)
        assert (
            result.confusion_matrix
            == confusion_matrix(rows["y_true"], rows["y_pred"], labels=LABELS).tolist()
        )

        precision, recall, f1, support = precision_recall_fscore_support(
            rows["y_true"], rows["y_pred"], labels=LABELS, zero_division=0
        )
        for index, label in enumerate(LABELS):
            scores = result.per_class[label]
            assert scores.precision == pytest.approx(precision[index])
            assert scores.recall == pytest.approx(recall[index])
            assert scores.f1 == pytest.approx(f1[index])
            assert scores.support == support[index]


@pytest.mark.parametrize("model", ["fine_tuned", "base"])
def test_overall_metrics_match_sklearn(fixed_predictions, fixed_report, model):
    rows = fixed_predictions[fixed_predictions["model"] == model]
    overall = fixed_report.models[model].overall

    assert overall.n == len(rows)
    assert overall.accuracy == pytest.approx(accuracy_score(rows["y_true"], rows["y_pred"]))
    assert overall.macro_f1 == pytest.approx(
        f1_score(rows["y_true"], rows["y_pred"], average="macro")
    )
    assert (
        overall.confusion_matrix
        == confusion_matrix(rows["y_true"], rows["y_pred"], labels=LABELS).tolist()
    )


def test_absent_label_not_averaged(fixed_report):
    # 'it' has no neutral in y_true or y_pred: macro-F1 averages over two labels, as sklearn does.
    metrics = fixed_report.models["fine_tuned"].regions["it"].metrics
    present = [metrics.per_class[label].f1 for label in ("negative", "positive")]
    assert metrics.macro_f1 == pytest.approx(np.mean(present))


def test_gaps_are_region_minus_reference(fixed_report):
    result = fixed_report.models["fine_tuned"]
    best = result.regions[result.best_region].metrics.macro_f1
    for region in result.regions.values():
        assert region.gap_to_overall == pytest.approx(
            region.metrics.macro_f1 - result.overall.macro_f1
        )
        assert region.gap_to_best == pytest.approx(region.metrics.macro_f1 - best)
    assert result.regions[result.best_region].gap_to_best == 0.0
    assert result.best_region == max(
        result.regions, key=lambda name: result.regions[name].metrics.macro_f1
    )


def test_lift_is_fine_tuned_minus_base(fixed_report):
    lift = fixed_report.lift
    assert lift.model == "fine_tuned"
    assert lift.reference == "base"
    for name in ["de", "hi", "it"]:
        expected = (
            fixed_report.models["fine_tuned"].regions[name].metrics.macro_f1
            - fixed_report.models["base"].regions[name].metrics.macro_f1
        )
        assert lift.regions[name].value == pytest.approx(expected)


def test_batched_macro_f1_matches_sklearn():
    rng = np.random.default_rng(3)
    matrices = []
    expected = []
    for _ in range(20):
        y_true = rng.integers(0, 4, 30)
        y_pred = np.where(rng.random(30) < 0.6, y_true, rng.integers(0, 4, 30))
        matrices.append(confusion_matrix(y_true, y_pred, labels=range(4)))
        expected.append(f1_score(y_true, y_pred, average="macro", zero_division=0))
    assert macro_f1(np.stack(matrices)) == pytest.approx(expected)
