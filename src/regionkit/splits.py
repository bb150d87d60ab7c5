"""Assign every task to the train, val or test split.

A split field in the task data wins (UMSAB ships ``train``/``val``/``test``).
Otherwise tasks are split at random, stratified by region x label so that every
region keeps its label mix in every split. Rows that share a group id stay in one
split: parallel corpora share a sentence id across regions, and splitting such
rows apart leaks translations of a test sentence into training.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regionkit.errors import InputError
from regionkit.i18n import _

if TYPE_CHECKING:
    import pandas as pd

SPLITS = ("train", "val", "test")
SPLIT_ALIASES = {
    "train": "train",
    "training": "train",
    "val": "val",
    "valid": "val",
    "validation": "val",
    "dev": "val",
    "test": "test",
    "testing": "test",
}


def normalize_split_values(values: pd.Series) -> pd.Series:
    """Map spellings such as ``dev`` or ``validation`` to ``train``/``val``/``test``; others to NA."""
    import pandas as pd

    lowered = values.astype("string").str.strip().str.lower()
    return lowered.map(SPLIT_ALIASES, na_action="ignore").astype(pd.StringDtype())


def assign_splits(
    frame: pd.DataFrame,
    *,
    split_column: str | None = None,
    group_column: str | None = None,
    stratify_columns: tuple[str, ...] = ("region", "label"),
    val_size: float = 0.1,
    test_size: float = 0.2,
    seed: int = 0,
) -> pd.Series:
    """Return a ``split`` value (train/val/test) for every row of ``frame``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tasks, one per row.
    split_column : str, optional
        Column with a split per task. Rows whose value is missing or unknown are
        split at random like a frame without this column.
    group_column : str, optional
        Column whose equal values must land in the same split.
    stratify_columns : tuple of str
        Columns whose combination keeps its share in every split.
    val_size, test_size : float
        Shares of the validation and test splits, each in [0, 1) with a sum below 1.
    seed : int
        Seed of the random split.

    Returns
    -------
    pandas.Series
        String series aligned with ``frame.index``.

    Raises
    ------
    InputError
        If a named column is missing or the sizes are out of range.
    """
    import numpy as np
    import pandas as pd

    for name, column in (("split_column", split_column), ("group_column", group_column)):
        if column is not None and column not in frame.columns:
            raise InputError(
                _("{parameter}={column!r} is not a column; choose one of: {columns}.").format(
                    parameter=name, column=column, columns=", ".join(map(str, frame.columns))
                )
            )
    if not (0 <= val_size < 1 and 0 <= test_size < 1 and val_size + test_size < 1):
        raise InputError(
            _("val_size={val} and test_size={test} must each be in [0, 1) with a sum below 1.").format(
                val=val_size, test=test_size
            )
        )

    result = pd.Series(pd.NA, index=frame.index, dtype=pd.StringDtype())
    if split_column is not None:
        result = normalize_split_values(frame[split_column])
    todo = result.isna().to_numpy()
    if not todo.any():
        return result

    rows = frame.loc[todo]
    present = [column for column in stratify_columns if column in rows.columns]
    strata = (
        rows[present].astype("string").fillna("<NA>").agg("\x1f".join, axis=1)
        if present
        else pd.Series("", index=rows.index)
    )
    groups = rows[group_column].astype("string").fillna(rows.index.to_series().astype("string")) if group_column else None
    rng = np.random.default_rng(seed)
    assigned = _split_strata(strata, groups, val_size=val_size, test_size=test_size, rng=rng)
    result.loc[rows.index] = assigned
    return result


def _split_strata(strata, groups, *, val_size: float, test_size: float, rng) -> list[str]:
    """Split each stratum's rows (or groups) by shuffled order into the three shares."""
    import numpy as np
    import pandas as pd

    units = groups if groups is not None else pd.Series(strata.index.astype(str), index=strata.index)
    # A group joins the stratum of its first row, so all its rows share one split.
    unit_stratum = strata.groupby(units.to_numpy()).first()
    unit_split: dict[str, str] = {}
    for _stratum, members in unit_stratum.groupby(unit_stratum.to_numpy()):
        names = members.index.to_numpy()
        order = rng.permutation(len(names))
        n_test = int(round(len(names) * test_size))
        n_val = int(round(len(names) * val_size))
        for rank, position in enumerate(order):
            if rank < n_test:
                split = "test"
            elif rank < n_test + n_val:
                split = "val"
            else:
                split = "train"
            unit_split[names[position]] = split
    return [unit_split[unit] for unit in np.asarray(units)]
