"""Input checks of evaluate_predictions: one clear InputError per kind of bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from regionkit.errors import InputError
from regionkit.evaluation import EvaluationSettings, evaluate_predictions

LABELS = ["negative", "neutral", "positive"]


@pytest.fixture
def predictions(simulate):
    return simulate({"de": 40, "hi": 30}, seed=13)


def test_missing_column(predictions):
    with pytest.raises(InputError, match="y_true"):
        evaluate_predictions(predictions.drop(columns="y_true"), labels=LABELS, n_boot=100)


def test_unknown_label(predictions):
    broken = predictions.copy()
    broken.loc[0, "y_pred"] = "angry"
    with pytest.raises(InputError, match="angry"):
        evaluate_predictions(broken, labels=LABELS, n_boot=100)


def test_null_region(predictions):
    broken = predictions.copy()
    broken["region"] = broken["region"].astype(object)
    broken.loc[0, "region"] = None
    with pytest.raises(InputError, match="no region"):
        evaluate_predictions(broken, labels=LABELS, n_boot=100)


def test_duplicate_prediction(predictions):
    with pytest.raises(InputError, match="more than one prediction"):
        evaluate_predictions(
            pd.concat([predictions, predictions.head(1)]), labels=LABELS, n_boot=100
        )


def test_model_missing_tasks(predictions):
    partial = predictions.drop(predictions[(predictions["model"] == "base")].index[:5])
    with pytest.raises(InputError, match="base"):
        evaluate_predictions(partial, labels=LABELS, n_boot=100)


def test_empty_table(predictions):
    with pytest.raises(InputError, match="empty"):
        evaluate_predictions(predictions.head(0), labels=LABELS, n_boot=100)


@pytest.mark.parametrize(
    "labels",
    [
        ["negative"],
        "negative,positive",
        ["negative", "negative", "positive"],
        ["negative", "", "x"],
    ],
)
def test_invalid_labels(predictions, labels):
    with pytest.raises(InputError, match="labels"):
        evaluate_predictions(predictions, labels=labels, n_boot=100)


@pytest.mark.parametrize(
    "option",
    [
        {"n_boot": 50},
        {"confidence_level": 1.0},
        {"primary_metric": "recall"},
        {"min_region_size": 0},
        {"max_gap": 1.5},
        {"power": 0.2},
        {"seed": -1},
        {"gate_model": "teacher"},
        {"models": ["teacher"]},
        {"models": "base"},
        {"lift": ("base", "base")},
    ],
)
def test_invalid_option(predictions, option):
    name = next(iter(option))
    with pytest.raises(InputError, match=name):
        evaluate_predictions(predictions, labels=LABELS, **option)


def test_settings_options_round_trip(predictions):
    settings = EvaluationSettings(n_boot=100, min_metric=("hi:accuracy=0.2",), seed=3)
    report = evaluate_predictions(predictions, labels=LABELS, **settings.options())
    assert report.seed == 3
    assert report.gate.min_metric == ["hi:accuracy=0.2"]


def test_model_selection(predictions):
    report = evaluate_predictions(predictions, labels=LABELS, n_boot=100, models=["base"])
    assert list(report.models) == ["base"]
    assert report.lift is None
