"""Fixtures of the training tests."""

from __future__ import annotations

import pytest

from training.samples import make_frame


@pytest.fixture(scope="module")
def text_frame():
    """Three regions of labeled sentences plus region ``it`` with val/test rows only."""
    import pandas as pd

    frame = make_frame()
    no_training = frame[frame["region"] == "en"].copy()
    no_training["region"] = "it"
    no_training["task_id"] += 10_000
    no_training = no_training[no_training["split"] != "train"]
    return pd.concat([frame, no_training], ignore_index=True)
