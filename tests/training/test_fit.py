"""Sample weights, layer freezing and scores used by fine-tuning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regionkit.errors import InputError
from regionkit.training import TrainingSettings
from regionkit.training.fit import freeze_leading_layers, score_predictions, select_rows
from regionkit.training.train import _sample_weights


def test_sample_weights_balance_regions():
    frame = pd.DataFrame({"region": ["en"] * 6 + ["fr"] * 2})
    y = np.array([0, 0, 0, 0, 1, 1, 0, 1])
    settings = TrainingSettings(class_weight="none")
    weights = _sample_weights(frame, y, np.ones(len(y), dtype=bool), settings, n_labels=2)
    regions = frame["region"].to_numpy()
    assert weights.mean() == pytest.approx(1.0)
    assert weights[regions == "en"].sum() == pytest.approx(weights[regions == "fr"].sum())


def test_sample_weights_balance_classes():
    frame = pd.DataFrame({"region": ["en"] * 6 + ["fr"] * 2})
    y = np.array([0, 0, 0, 0, 1, 1, 0, 1])
    settings = TrainingSettings(region_balanced=False)
    weights = _sample_weights(frame, y, np.ones(len(y), dtype=bool), settings, n_labels=2)
    assert weights.mean() == pytest.approx(1.0)
    assert weights[y == 0].sum() == pytest.approx(weights[y == 1].sum())


def test_sample_weights_off():
    frame = pd.DataFrame({"region": ["en"] * 3 + ["fr"]})
    y = np.array([0, 0, 1, 1])
    settings = TrainingSettings(class_weight="none", region_balanced=False)
    weights = _sample_weights(frame, y, np.ones(4, dtype=bool), settings, n_labels=2)
    np.testing.assert_allclose(weights, 1.0)


def test_freeze_leading_layers():
    from regionkit.training.models import build_text_head

    head = build_text_head(n_labels=3, hidden_units=8, dropout=0.1, ngram_buckets=64, seed=0)
    freeze_leading_layers(head, 1)
    weighted = [layer for layer in head.layers if layer.weights]
    assert not weighted[0].trainable
    assert all(layer.trainable for layer in weighted[1:])


def test_freeze_every_layer_rejected():
    from regionkit.training.models import build_text_head

    head = build_text_head(n_labels=3, hidden_units=8, dropout=0.1, ngram_buckets=0, seed=0)
    with pytest.raises(InputError, match="frozen_layers=2"):
        freeze_leading_layers(head, 2)


def test_score_predictions_counts_present_classes():
    scores = score_predictions(np.array([0, 0, 1]), np.array([0, 0, 1]))
    assert scores["macro_f1"] == 1.0
    assert scores["accuracy"] == 1.0
    assert scores["n"] == 3


def test_select_rows_dict_of_array_and_list():
    features = {"embedding": np.arange(6).reshape(3, 2), "text": ["a", "b", "c"]}
    selected = select_rows(features, np.array([True, False, True]))
    np.testing.assert_array_equal(selected["embedding"], [[0, 1], [4, 5]])
    assert selected["text"] == ["a", "c"]
