"""Candidate tasks of a plan, held-back tasks of a simulated round, and task costs per region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from regionkit.errors import InputError
from regionkit.i18n import _

if TYPE_CHECKING:
    import pandas as pd


def unlabeled_mask(tasks: pd.DataFrame) -> pd.Series:
    """Return a boolean Series: true for tasks without a non-cancelled annotation.

    Uses ``n_annotations`` (snapshot tasks); else a null ``label`` (any table with labels).

    Raises
    ------
    InputError
        If the table has neither column.
    """
    if "n_annotations" in tasks.columns:
        return tasks["n_annotations"].fillna(0).astype("int64") == 0
    if "label" in tasks.columns:
        return tasks["label"].isna()
    raise InputError(
        _(
            "The tasks table has neither 'n_annotations' nor 'label'; pass a snapshot's "
            "tasks.parquet."
        )
    )


def held_back_ids(tasks: pd.DataFrame, *, fraction: float, split: str, seed: int) -> set[int]:
    """Pick ``fraction`` of each region's labeled ``split`` tasks at random to treat as unlabeled.

    This simulates a next labeling round on a fully labeled data set such as UMSAB.
    The split comes from a ``split`` column (validated data) or ``data.split``.

    Raises
    ------
    InputError
        If ``fraction`` is outside [0, 1), ``split`` is not train, val or test, or the
        table has no split column.
    """
    import numpy as np

    from regionkit.splits import SPLITS, normalize_split_values

    if split not in SPLITS:
        raise InputError(
            _("holdout_split={value!r} is not valid; use one of {allowed}.").format(
                value=split, allowed=", ".join(SPLITS)
            )
        )
    if not 0.0 <= fraction < 1.0:
        raise InputError(
            _("holdout_fraction={value} must be at least 0 and below 1.").format(value=fraction)
        )
    if fraction == 0.0:
        return set()
    columns = [column for column in ("split", "data.split") if column in tasks.columns]
    if not columns:
        raise InputError(
            _(
                "holdout_fraction needs a 'split' or 'data.split' column in the tasks table; "
                "pass validated/clean.parquet or a snapshot with a split field."
            )
        )
    labeled = tasks[~unlabeled_mask(tasks) & (normalize_split_values(tasks[columns[0]]) == split)]
    if labeled.empty:
        raise InputError(
            _(
                "No labeled tasks are in split {split!r} to hold back; use train, val or test."
            ).format(split=split)
        )
    generator = np.random.default_rng(seed)
    chosen: set[int] = set()
    regions = labeled["region"].astype("string").fillna("") if "region" in labeled.columns else None
    groups = labeled.groupby(regions, sort=True) if regions is not None else [("", labeled)]
    for _region, group in groups:
        ids = np.sort(group["task_id"].to_numpy(dtype="int64"))
        count = int(round(len(ids) * fraction))
        chosen.update(int(task_id) for task_id in generator.choice(ids, size=count, replace=False))
    return chosen


def candidate_tasks(
    tasks: pd.DataFrame,
    *,
    holdout_fraction: float = 0.0,
    holdout_split: str = "train",
    seed: int = 0,
) -> pd.DataFrame:
    """Return the tasks a plan may choose: unlabeled ones plus any held-back labeled ones.

    Raises
    ------
    InputError
        If the table lacks ``task_id`` or ``region``, or the holdout settings are invalid.
    """
    missing = [column for column in ("task_id", "region") if column not in tasks.columns]
    if missing:
        raise InputError(
            _(
                "The tasks table lacks the columns {columns}; pass a snapshot's tasks.parquet."
            ).format(columns=", ".join(missing))
        )
    held_back = held_back_ids(tasks, fraction=holdout_fraction, split=holdout_split, seed=seed)
    mask = unlabeled_mask(tasks) | tasks["task_id"].isin(held_back)
    return tasks[mask & tasks["region"].notna()].reset_index(drop=True)


def lead_time_by_region(annotations: pd.DataFrame, tasks: pd.DataFrame) -> dict[str, float]:
    """Return the median ``lead_time`` in seconds of non-cancelled annotations per region.

    Raises
    ------
    InputError
        If the annotations table has no ``lead_time`` values.
    """
    import pandas as pd

    if "lead_time" not in annotations.columns or annotations["lead_time"].notna().sum() == 0:
        raise InputError(
            _(
                "The annotations table has no lead_time values; plan with a budget in tasks "
                "(--budget) instead of hours."
            )
        )
    frame = annotations
    if "was_cancelled" in frame.columns:
        frame = frame[~frame["was_cancelled"].fillna(False).astype(bool)]
    frame = frame.merge(tasks[["task_id", "region"]], on="task_id", how="inner")
    lead = pd.to_numeric(frame["lead_time"], errors="coerce")
    frame = frame.assign(lead_time=lead)[lead > 0]
    medians = frame.groupby(frame["region"].astype("string"))["lead_time"].median()
    return {str(region): float(value) for region, value in medians.items()}
