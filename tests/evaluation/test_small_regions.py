"""Small regions: the too-few-to-judge flag and the minimum detectable gap."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from regionkit.evaluation import evaluate_predictions
from regionkit.evaluation._detectable import is_too_few_to_judge, min_detectable_gap

LABELS = ["negative", "neutral", "positive"]


@pytest.fixture(scope="module")
def small_region_report(simulate):
    # hi has 12 tasks, all right: a confident 1.0 without the flag.
    predictions = simulate(
        {"de": 300, "it": 300, "hi": 12},
        accuracy={("hi", "fine_tuned"): 1.0},
        seed=9,
    )
    return evaluate_predictions(predictions, labels=LABELS, n_boot=300, min_region_size=100)


def test_small_region_flagged(small_region_report):
    regions = small_region_report.models["fine_tuned"].regions
    assert regions["hi"].too_few_to_judge is True
    assert regions["de"].too_few_to_judge is False
    assert regions["it"].too_few_to_judge is False


def test_small_region_not_significant(small_region_report):
    hi = small_region_report.models["fine_tuned"].regions["hi"]
    assert hi.significant is False
    assert hi.p_value_holm is None
    assert hi.p_value is not None


def test_small_region_not_best(small_region_report):
    result = small_region_report.models["fine_tuned"]
    assert result.regions["hi"].metrics.macro_f1 == 1.0
    assert result.best_region != "hi"


def test_small_region_detectable_gap_uses_floor(small_region_report):
    result = small_region_report.models["fine_tuned"]
    hi = result.regions["hi"]
    overall = result.overall.macro_f1
    multiplier = NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)
    floor = multiplier * math.sqrt(overall * (1 - overall) * (1 / 12 + 1 / (result.overall.n - 12)))

    assert hi.min_detectable_gap >= floor - 1e-12
    assert hi.min_detectable_gap > result.regions["de"].min_detectable_gap


def test_detectable_gap_shrinks_with_n():
    gaps = [
        min_detectable_gap(
            bootstrap_se=0.0, n_region=n, n_rest=5000, reference_value=0.6, alpha=0.05, power=0.8
        )
        for n in (25, 100, 400)
    ]
    assert gaps[0] > gaps[1] > gaps[2]
    # Quadrupling n halves the binomial standard error when the rest is large.
    assert gaps[1] / gaps[2] == pytest.approx(2.0, rel=0.1)


def test_detectable_gap_without_rest_is_none():
    assert (
        min_detectable_gap(
            bootstrap_se=0.1, n_region=50, n_rest=0, reference_value=0.5, alpha=0.05, power=0.8
        )
        is None
    )


def test_wide_interval_flags_region():
    assert is_too_few_to_judge(n=500, ci_width=0.3, min_region_size=100, max_ci_width=0.2) is True
    assert is_too_few_to_judge(n=500, ci_width=0.1, min_region_size=100, max_ci_width=0.2) is False
    assert is_too_few_to_judge(n=99, ci_width=0.01, min_region_size=100, max_ci_width=None) is True


def test_single_region_has_no_comparison(simulate):
    predictions = simulate({"de": 150}, seed=14)
    report = evaluate_predictions(predictions, labels=LABELS, n_boot=100)
    de = report.models["fine_tuned"].regions["de"]

    assert de.gap_to_overall == 0.0
    assert de.p_value is None
    assert de.gap_to_rest is None
    assert de.min_detectable_gap is None
    assert de.significant is False
