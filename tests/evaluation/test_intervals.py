"""Bootstrap intervals: coverage of a known truth, stratification, seeding and chunking."""

from __future__ import annotations

import numpy as np
import pytest

from regionkit.evaluation import _bootstrap, evaluate_predictions

LABELS = ["negative", "neutral", "positive"]

# With uniform true labels and errors spread evenly over the other labels, every
# label's F1 equals the accuracy, so the true macro-F1 of a model is its accuracy.
TRUE_ACCURACY = {
    ("de", "fine_tuned"): 0.7,
    ("hi", "fine_tuned"): 0.6,
    ("de", "base"): 0.6,
    ("hi", "base"): 0.6,
}
N_SIMULATIONS = 300


@pytest.fixture(scope="module")
def simulated_reports(simulate):
    reports = []
    for seed in range(N_SIMULATIONS):
        predictions = simulate({"de": 200, "hi": 200}, accuracy=TRUE_ACCURACY, seed=seed)
        reports.append(
            evaluate_predictions(
                predictions,
                labels=LABELS,
                n_boot=200,
                n_permutations=100,
                seed=seed,
                min_region_size=10,
            )
        )
    return reports


def _coverage(intervals, truth):
    hits = [low <= truth <= high for low, high in intervals]
    return float(np.mean(hits))


@pytest.mark.parametrize("metric", ["accuracy", "macro_f1"])
def test_region_interval_coverage(simulated_reports, metric):
    intervals = [
        report.models["fine_tuned"].regions["de"].metrics.interval(metric)
        for report in simulated_reports
    ]
    coverage = _coverage(intervals, 0.7)
    assert 0.90 <= coverage <= 0.99, coverage


@pytest.mark.parametrize("metric", ["accuracy", "macro_f1"])
def test_overall_interval_coverage(simulated_reports, metric):
    intervals = [
        report.models["fine_tuned"].overall.interval(metric) for report in simulated_reports
    ]
    assert 0.90 <= _coverage(intervals, 0.65) <= 0.99


def test_gap_interval_coverage(simulated_reports):
    # Equal region sizes: the overall truth is 0.65, so de's true gap to overall is +0.05.
    intervals = [report.models["fine_tuned"].regions["de"].gap_ci for report in simulated_reports]
    assert 0.90 <= _coverage(intervals, 0.05) <= 0.99


def test_lift_interval_coverage(simulated_reports):
    intervals = [report.lift.regions["de"].ci for report in simulated_reports]
    assert 0.90 <= _coverage(intervals, 0.1) <= 0.99


def test_same_seed_same_intervals(simulate):
    predictions = simulate({"de": 150, "hi": 120}, seed=1)
    first = evaluate_predictions(predictions, labels=LABELS, n_boot=200, seed=7).to_dict()
    second = evaluate_predictions(predictions, labels=LABELS, n_boot=200, seed=7).to_dict()
    other = evaluate_predictions(predictions, labels=LABELS, n_boot=200, seed=8).to_dict()
    region = first["models"]["fine_tuned"]["regions"]["de"]

    assert first == second
    assert region["macro_f1_ci"] != other["models"]["fine_tuned"]["regions"]["de"]["macro_f1_ci"]


def test_chunk_size_does_not_change_intervals(monkeypatch, simulate):
    predictions = simulate({"de": 150, "hi": 120, "it": 90}, seed=2)
    whole = evaluate_predictions(predictions, labels=LABELS, n_boot=300, seed=3).to_dict()
    monkeypatch.setattr(_bootstrap, "CHUNK_BYTES", 4096)
    chunked = evaluate_predictions(predictions, labels=LABELS, n_boot=300, seed=3).to_dict()
    assert chunked == whole


def test_bootstrap_keeps_region_sizes(simulate):
    # Always right in de (50 tasks), always wrong in hi (20 tasks): every stratified
    # replicate has overall accuracy 50/70 exactly, unlike a whole-frame bootstrap.
    predictions = simulate(
        {"de": 50, "hi": 20},
        accuracy={("de", "fine_tuned"): 1.0, ("hi", "fine_tuned"): 0.0},
        models=("fine_tuned",),
        seed=4,
    )
    report = evaluate_predictions(predictions, labels=LABELS, n_boot=200, min_region_size=1)
    low, high = report.models["fine_tuned"].overall.accuracy_ci
    assert low == pytest.approx(50 / 70)
    assert high == pytest.approx(50 / 70)
