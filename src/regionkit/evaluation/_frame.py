"""Check a predictions table and encode it as integer arrays, one column per model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from regionkit.errors import InputError
from regionkit.i18n import _

if TYPE_CHECKING:
    import pandas as pd

REQUIRED_COLUMNS = ("task_id", "region", "model", "y_true", "y_pred")
#: Models listed in this order first in reports; other model names follow alphabetically.
MODEL_ORDER = ("fine_tuned", "base", "baseline")


@dataclass(frozen=True)
class EncodedPredictions:
    """Predictions of every model on the same tasks, as label and region codes."""

    labels: tuple[str, ...]
    models: tuple[str, ...]
    regions: tuple[str, ...]
    task_ids: np.ndarray
    region_codes: np.ndarray
    y_true: np.ndarray
    #: Shape ``(n_models, n_tasks)``, in the order of ``models``.
    y_pred: np.ndarray

    @property
    def n_labels(self) -> int:
        """Number of labels."""
        return len(self.labels)


def check_labels(labels: Sequence[str]) -> tuple[str, ...]:
    """Return ``labels`` as a tuple after checking that they are distinct non-empty strings."""
    if isinstance(labels, str) or not isinstance(labels, Sequence) or len(labels) < 2:
        raise InputError(
            _("labels={labels!r} is invalid; pass a list of at least two label names.").format(
                labels=labels
            )
        )
    cleaned = tuple(labels)
    if any(not isinstance(label, str) or not label for label in cleaned):
        raise InputError(
            _("labels={labels!r} is invalid; every label must be a non-empty string.").format(
                labels=list(cleaned)
            )
        )
    if len(set(cleaned)) != len(cleaned):
        raise InputError(
            _("labels={labels!r} contains duplicates; list each label once.").format(
                labels=list(cleaned)
            )
        )
    return cleaned


def order_models(names: Sequence[str]) -> tuple[str, ...]:
    """Order model names: fine_tuned, base, baseline, then the rest alphabetically."""
    known = [name for name in MODEL_ORDER if name in names]
    others = sorted(name for name in names if name not in MODEL_ORDER)
    return tuple(known + others)


def _encode_labels(values: pd.Series, labels: tuple[str, ...], *, column: str) -> np.ndarray:
    """Map label strings to codes; raise ``InputError`` on a value outside ``labels``."""
    import pandas as pd

    codes = pd.Index(list(labels)).get_indexer(values.astype("string").fillna(""))
    if (codes < 0).any():
        unknown = sorted(set(values[codes < 0].astype("string").fillna("<null>")))
        raise InputError(
            _(
                "Column {column} contains {values} which are not among the labels {labels}; "
                "fix the predictions or pass the labeling config's labels."
            ).format(column=column, values=unknown[:5], labels=list(labels))
        )
    return codes.astype(np.int64)


def encode_predictions(predictions: pd.DataFrame, labels: Sequence[str]) -> EncodedPredictions:
    """Check ``predictions`` and return one row per task with every model's predicted code.

    Raises
    ------
    InputError
        If a required column is missing, a label is unknown, a region is null, a
        (task, model) pair repeats, or the models did not predict the same tasks.
    """
    import pandas as pd

    labels = check_labels(labels)
    if not isinstance(predictions, pd.DataFrame):
        raise InputError(
            _("predictions must be a pandas DataFrame, got {kind}.").format(
                kind=type(predictions).__name__
            )
        )
    missing = [column for column in REQUIRED_COLUMNS if column not in predictions.columns]
    if missing:
        raise InputError(
            _(
                "The predictions table lacks the columns {columns}; it needs "
                "task_id, region, model, y_true and y_pred."
            ).format(columns=missing)
        )
    if predictions.empty:
        raise InputError(_("The predictions table is empty; there is nothing to evaluate."))

    frame = predictions.loc[:, list(REQUIRED_COLUMNS)].copy()
    null_regions = int(frame["region"].isna().sum())
    if null_regions:
        raise InputError(
            _(
                "{count} predictions have no region; give every task a region "
                "(region field or project-to-region map) before evaluating."
            ).format(count=null_regions)
        )
    frame["region"] = frame["region"].astype("string")
    frame["model"] = frame["model"].astype("string")

    duplicated = frame.duplicated(["task_id", "model"])
    if duplicated.any():
        first = frame.loc[duplicated].iloc[0]
        raise InputError(
            _(
                "Task {task} has more than one prediction from model {model}; "
                "keep one row per task and model."
            ).format(task=first["task_id"], model=first["model"])
        )

    models = order_models(list(frame["model"].unique()))
    wide = frame.pivot(index="task_id", columns="model", values="y_pred")
    incomplete = [model for model in models if wide[model].isna().any()]
    if incomplete:
        model = incomplete[0]
        raise InputError(
            _(
                "Model {model} has no prediction for {count} of {total} tasks; every model "
                "must predict the same tasks."
            ).format(model=model, count=int(wide[model].isna().sum()), total=len(wide))
        )

    per_task = frame.drop_duplicates("task_id").set_index("task_id")
    consistent = frame.groupby("task_id")[["region", "y_true"]].nunique(dropna=False)
    inconsistent = consistent[(consistent > 1).any(axis=1)]
    if len(inconsistent):
        raise InputError(
            _(
                "Task {task} has different region or y_true values across models; "
                "every model's row for a task must carry the same region and y_true."
            ).format(task=inconsistent.index[0])
        )
    per_task = per_task.loc[wide.index]

    regions = tuple(sorted(per_task["region"].unique()))
    region_codes = pd.Categorical(per_task["region"], categories=list(regions)).codes
    y_true = _encode_labels(per_task["y_true"], labels, column="y_true")
    y_pred = np.stack([_encode_labels(wide[model], labels, column="y_pred") for model in models])
    return EncodedPredictions(
        labels=labels,
        models=models,
        regions=regions,
        task_ids=np.asarray(wide.index),
        region_codes=np.asarray(region_codes, dtype=np.int64),
        y_true=y_true,
        y_pred=y_pred,
    )
