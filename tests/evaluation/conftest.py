"""Fixtures of the evaluation tests: simulated predictions tables with a known truth."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pytest

LABELS = ("negative", "neutral", "positive")


def simulate_predictions(
    sizes: Mapping[str, int],
    *,
    accuracy: Mapping[tuple[str, str], float] | None = None,
    models: Sequence[str] = ("fine_tuned", "base"),
    default_accuracy: float = 0.7,
    seed: int = 0,
) -> pd.DataFrame:
    """Return a predictions table: uniform true labels, each model right with a set probability.

    A wrong prediction picks one of the other labels at random, so every region's
    confusion matrix has a known expected value.
    """
    rng = np.random.default_rng(seed)
    accuracy = accuracy or {}
    frames = []
    next_task = 0
    for region, size in sizes.items():
        y_true = rng.integers(0, len(LABELS), size)
        task_ids = np.arange(next_task, next_task + size)
        next_task += size
        for model in models:
            probability = accuracy.get((region, model), default_accuracy)
            correct = rng.random(size) < probability
            wrong = (y_true + rng.integers(1, len(LABELS), size)) % len(LABELS)
            y_pred = np.where(correct, y_true, wrong)
            frames.append(
                pd.DataFrame(
                    {
                        "task_id": task_ids,
                        "region": region,
                        "model": model,
                        "y_true": np.asarray(LABELS)[y_true],
                        "y_pred": np.asarray(LABELS)[y_pred],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="session")
def simulate():
    """The :func:`simulate_predictions` function."""
    return simulate_predictions
