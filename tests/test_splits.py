"""Split assignment: split field first, then stratified and grouped random splits."""

from __future__ import annotations

import pandas as pd
import pytest

from regionkit.errors import InputError
from regionkit.splits import assign_splits


def _frame(n_per_region: int = 100) -> pd.DataFrame:
    rows = []
    for region in ("fr", "de"):
        for i in range(n_per_region):
            rows.append({"region": region, "label": "pos" if i % 4 else "neg", "group": f"s{i}"})
    return pd.DataFrame(rows)


def test_split_field_wins_and_is_normalized():
    frame = pd.DataFrame({"split": ["train", "dev", "Test", "validation"], "region": "x", "label": "a"})
    assert assign_splits(frame, split_column="split").tolist() == ["train", "val", "test", "val"]


def test_missing_split_values_are_filled_at_random():
    frame = _frame()
    frame["split"] = None
    frame.loc[0, "split"] = "test"
    splits = assign_splits(frame, split_column="split")
    assert splits.iloc[0] == "test"
    assert splits.notna().all()


def test_random_split_keeps_label_share_per_region():
    frame = _frame(200)
    splits = assign_splits(frame, test_size=0.25, val_size=0.0)
    for region in ("fr", "de"):
        test = frame[(splits == "test") & (frame.region == region)]
        assert len(test) == 50
        assert (test.label == "neg").sum() == pytest.approx(12.5, abs=1)


def test_groups_stay_in_one_split():
    frame = _frame(60)
    splits = assign_splits(frame, group_column="group", seed=3)
    per_group = splits.groupby(frame["group"]).nunique()
    assert (per_group == 1).all()


def test_same_seed_same_split_and_other_seed_differs():
    frame = _frame()
    assert assign_splits(frame, seed=1).equals(assign_splits(frame, seed=1))
    assert not assign_splits(frame, seed=1).equals(assign_splits(frame, seed=2))


def test_unknown_column_names_parameter():
    with pytest.raises(InputError, match="group_column='nope'"):
        assign_splits(_frame(), group_column="nope")


def test_sizes_out_of_range_rejected():
    with pytest.raises(InputError, match="test_size"):
        assign_splits(_frame(), test_size=0.9, val_size=0.2)
