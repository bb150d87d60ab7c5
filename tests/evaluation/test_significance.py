"""Significance: Holm correction, null calibration of both permutation tests, and power."""

from __future__ import annotations

import numpy as np
import pytest

from regionkit.evaluation import evaluate_predictions
from regionkit.evaluation._cells import build_region_cells
from regionkit.evaluation._confusion import accuracy, macro_f1
from regionkit.evaluation._frame import encode_predictions
from regionkit.evaluation._significance import (
    holm_adjust,
    paired_swap_statistics,
    permutation_p_value,
    region_vs_rest_p_value,
)

LABELS = ["negative", "neutral", "positive"]
ALPHA = 0.05


def test_holm_matches_hand_computation():
    # Sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, then max(0.06, 0.04*1)=0.06.
    adjusted = holm_adjust([0.01, 0.04, 0.03, 0.005])
    assert adjusted.tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one_and_keeps_order():
    adjusted = holm_adjust([0.5, 0.2, 0.9])
    assert adjusted.tolist() == pytest.approx([1.0, 0.6, 1.0])
    assert holm_adjust([]).size == 0


def test_report_applies_holm_across_regions(simulate):
    predictions = simulate(
        {"de": 200, "hi": 200, "it": 200, "pt": 30}, accuracy={("hi", "fine_tuned"): 0.5}, seed=5
    )
    report = evaluate_predictions(predictions, labels=LABELS, n_boot=200, min_region_size=100)
    regions = report.models["fine_tuned"].regions
    judged = ["de", "hi", "it"]
    expected = holm_adjust([regions[name].p_value for name in judged])

    for name, value in zip(judged, expected, strict=True):
        assert regions[name].p_value_holm == pytest.approx(value)
    assert regions["pt"].p_value_holm is None
    assert regions["pt"].significant is False


def _null_matrices(rng, probabilities, n):
    return rng.multinomial(n, probabilities.ravel()).reshape(probabilities.shape)


@pytest.mark.parametrize("metric", [macro_f1, accuracy], ids=["macro_f1", "accuracy"])
def test_region_vs_rest_null_calibration(metric):
    # All regions share one confusion distribution, so every rejection is a false positive.
    rng = np.random.default_rng(11)
    probabilities = np.array([[0.25, 0.05, 0.03], [0.06, 0.2, 0.06], [0.04, 0.06, 0.25]])
    probabilities /= probabilities.sum()
    p_values = []
    for _ in range(400):
        region = _null_matrices(rng, probabilities, 120)
        rest = _null_matrices(rng, probabilities, 600)
        p_values.append(
            region_vs_rest_p_value(
                region, region + rest, metric=metric, n_permutations=200, rng=rng
            )
        )
    p_values = np.array(p_values)

    assert 0.02 <= np.mean(p_values < ALPHA) <= 0.085
    assert 0.42 <= np.mean(p_values) <= 0.58
    deciles = np.histogram(p_values, bins=10, range=(0, 1))[0] / len(p_values)
    assert deciles.max() <= 0.16


def test_lift_swap_test_null_calibration(simulate):
    # Both models are right with the same probability, independently: no true lift.
    rejections = []
    for seed in range(150):
        predictions = simulate({"de": 150, "hi": 150}, default_accuracy=0.65, seed=100 + seed)
        encoded = encode_predictions(predictions, LABELS)
        cells = build_region_cells(encoded)
        rng = np.random.default_rng(seed)
        permuted, _ = paired_swap_statistics(
            cells, model=0, reference=1, n_labels=3, metric=macro_f1, n_permutations=200, rng=rng
        )
        report_lift = _observed_lift(encoded, region=0)
        rejections.append(permutation_p_value(report_lift, permuted[0]) < ALPHA)
    assert 0.01 <= np.mean(rejections) <= 0.1


def _observed_lift(encoded, *, region):
    from regionkit.evaluation._confusion import confusion_matrix

    selected = encoded.region_codes == region
    matrices = [
        confusion_matrix(encoded.y_true[selected], encoded.y_pred[model, selected], n_labels=3)
        for model in (0, 1)
    ]
    return float(macro_f1(matrices[0]) - macro_f1(matrices[1]))


def test_real_gap_is_significant(simulate):
    predictions = simulate(
        {"de": 300, "hi": 300, "it": 300},
        accuracy={("hi", "fine_tuned"): 0.45},
        default_accuracy=0.75,
        seed=6,
    )
    report = evaluate_predictions(predictions, labels=LABELS, n_boot=200)
    hi = report.models["fine_tuned"].regions["hi"]

    assert hi.significant is True
    assert hi.p_value_holm < ALPHA
    assert hi.gap_to_overall < 0
    assert hi.gap_ci[1] < 0
    assert report.models["fine_tuned"].worst_region == "hi"


def test_real_lift_is_significant(simulate):
    predictions = simulate(
        {"de": 300, "hi": 300},
        accuracy={
            ("de", "fine_tuned"): 0.8,
            ("de", "base"): 0.6,
            ("hi", "fine_tuned"): 0.6,
            ("hi", "base"): 0.6,
        },
        seed=8,
    )
    report = evaluate_predictions(predictions, labels=LABELS, n_boot=200)
    assert report.lift.regions["de"].significant is True
    assert report.lift.regions["de"].ci[0] > 0
    assert report.lift.overall.significant is True


def test_permutation_p_value_counts_observed():
    permuted = np.array([0.1, -0.2, 0.05, 0.3])
    assert permutation_p_value(0.2, permuted) == pytest.approx((1 + 2) / 5)
    assert permutation_p_value(0.0, permuted) == pytest.approx(1.0)


def test_default_permutations_resolve_holm(simulate):
    # With 100 permutations the smallest Holm p-value over 8 regions would be 8/101 > 0.05.
    sizes = {f"r{index}": 200 for index in range(8)}
    predictions = simulate(
        sizes, accuracy={("r0", "fine_tuned"): 0.4}, default_accuracy=0.75, seed=15
    )
    report = evaluate_predictions(predictions, labels=LABELS, n_boot=100)

    assert report.n_permutations == 1600
    assert report.models["fine_tuned"].regions["r0"].significant is True
