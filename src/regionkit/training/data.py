"""Read the validated data that training starts from and prepare its splits."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from regionkit.errors import InputError
from regionkit.i18n import _

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

INPUT_TYPES = ("Text", "Image")


@dataclass
class TrainingData:
    """Labeled tasks with the label set, input field and input type of their labeling config.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per task with ``task_id``, ``region``, ``label``,
        ``data.<input_field>`` and optionally ``split``.
    labels : list of str
        The label set in labeling-config order; model outputs follow it.
    input_field : str
        The task data key that holds the text or image reference.
    input_type : str
        ``Text`` or ``Image``.
    source_dir : Path, optional
        The validated directory the data came from; the default image root.
    """

    frame: pd.DataFrame
    labels: list[str]
    input_field: str
    input_type: str = "Text"
    source_dir: Path | None = None

    @property
    def input_column(self) -> str:
        """The column of the raw input, ``data.<input_field>``."""
        return f"data.{self.input_field}"


def load_validated(directory: str | Path) -> TrainingData:
    """Read ``clean.parquet`` and ``manifest.json`` from a validated directory.

    Raises
    ------
    InputError
        If a file is missing or the manifest lacks ``labels`` or ``input_field``.
    """
    import pandas as pd

    directory = Path(directory)
    clean_path = directory / "clean.parquet"
    manifest_path = directory / "manifest.json"
    for path in (clean_path, manifest_path):
        if not path.is_file():
            raise InputError(
                _("{path} not found; pass the output directory of 'regionkit validate'.").format(
                    path=path
                )
            )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(
            _("{path} is not valid JSON ({error}); run 'regionkit validate' again.").format(
                path=manifest_path, error=error
            )
        ) from None
    for key in ("labels", "input_field"):
        if not manifest.get(key):
            raise InputError(
                _("{path} has no '{key}'; run 'regionkit validate' again.").format(
                    path=manifest_path, key=key
                )
            )
    return TrainingData(
        frame=pd.read_parquet(clean_path),
        labels=[str(label) for label in manifest["labels"]],
        input_field=str(manifest["input_field"]),
        input_type=str(manifest.get("input_type") or "Text"),
        source_dir=directory,
    )


def check_training_data(data: TrainingData) -> pd.DataFrame:
    """Check columns, labels and regions and return the usable rows (a copy).

    Raises
    ------
    InputError
        If a column is missing, the input type is unknown, a label is outside the
        label set, a region is missing, or no row is left.
    """
    frame = data.frame
    if data.input_type not in INPUT_TYPES:
        raise InputError(
            _("input_type={value!r} is not supported; use one of: {allowed}.").format(
                value=data.input_type, allowed=", ".join(INPUT_TYPES)
            )
        )
    if len(set(data.labels)) < 2:
        raise InputError(
            _(
                "The label set {labels} has fewer than 2 labels; a classifier needs at least 2."
            ).format(labels=data.labels)
        )
    required = ["task_id", "region", "label", data.input_column]
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise InputError(
            _("The training data lacks the columns {missing}; it needs {required}.").format(
                missing=", ".join(missing), required=", ".join(required)
            )
        )

    frame = frame[frame["label"].notna()].copy()
    unknown = sorted(set(frame["label"].astype(str)) - set(data.labels))
    if unknown:
        raise InputError(
            _(
                "Labels {unknown} are not in the label set {labels}; fix the annotations or the labeling config."
            ).format(unknown=", ".join(unknown), labels=", ".join(data.labels))
        )
    no_region = int(frame["region"].isna().sum())
    if no_region:
        raise InputError(
            _(
                "{count} tasks have no region; set the region field or the project-to-region map in sync."
            ).format(count=no_region)
        )
    if frame.empty:
        raise InputError(
            _("The training data has no labeled tasks; label some tasks and sync again.")
        )
    frame["region"] = frame["region"].astype(str)
    frame["label"] = frame["label"].astype(str)
    frame[data.input_column] = frame[data.input_column].fillna("").astype(str)
    return frame.reset_index(drop=True)


def with_splits(
    frame: pd.DataFrame, *, group_field: str | None, val_size: float, test_size: float, seed: int
) -> pd.DataFrame:
    """Return ``frame`` with a complete ``split`` column.

    The ``split`` column wins where present; other rows are split stratified by
    region x label and grouped by ``group_field`` (see :func:`regionkit.splits.assign_splits`).
    """
    from regionkit.splits import assign_splits

    frame = frame.copy()
    if (
        group_field is not None
        and group_field not in frame.columns
        and f"data.{group_field}" in frame.columns
    ):
        group_field = f"data.{group_field}"
    frame["split"] = assign_splits(
        frame,
        split_column="split" if "split" in frame.columns else None,
        group_column=group_field,
        val_size=val_size,
        test_size=test_size,
        seed=seed,
    ).astype(str)
    return frame
