"""The snapshot directory: build its tables, hash its content, write it atomically, load it.

The layout is the contract in ``docs/architecture.md``: ``tasks.parquet``,
``annotations.parquet``, ``predictions.parquet`` (when there are predictions) and
``manifest.json``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regionkit.errors import InputError
from regionkit.i18n import _
from regionkit.labelstudio.records import (
    ANNOTATION_COLUMNS,
    PREDICTION_COLUMNS,
    TASK_COLUMNS,
    TableBuilder,
    as_text,
    data_column_dtype,
)

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
TASKS_FILE = "tasks.parquet"
ANNOTATIONS_FILE = "annotations.parquet"
PREDICTIONS_FILE = "predictions.parquet"
MANIFEST_FILE = "manifest.json"

TASK_DTYPES = {
    "task_id": "int64",
    "project_id": "int64",
    "region": "string",
    "label": "string",
    "agreement": "Float64",
    "n_annotations": "int64",
    "n_cancelled": "int64",
    "has_ground_truth": "bool",
    "no_consensus": "bool",
    "n_predictions": "int64",
    "has_draft": "bool",
}
ANNOTATION_DTYPES = {
    "annotation_id": "int64",
    "task_id": "int64",
    "project_id": "int64",
    "annotator": "string",
    "label": "string",
    "was_cancelled": "bool",
    "ground_truth": "bool",
    "lead_time": "Float64",
}
PREDICTION_DTYPES = {
    "prediction_id": "Int64",
    "task_id": "int64",
    "project_id": "int64",
    "model_version": "string",
    "label": "string",
    "score": "Float64",
}
TIME_COLUMNS = ("created_at", "updated_at")


@dataclass
class Snapshot:
    """A loaded snapshot: the three tables and the manifest."""

    path: Path
    tasks: pd.DataFrame
    annotations: pd.DataFrame
    predictions: pd.DataFrame | None
    manifest: dict[str, Any]


def load_snapshot(path: str | Path) -> Snapshot:
    """Load the snapshot directory at ``path``.

    Parameters
    ----------
    path : str or Path
        A directory written by ``regionkit sync``.

    Returns
    -------
    Snapshot
        ``.tasks``, ``.annotations``, ``.predictions`` (None when the snapshot has no
        predictions) and ``.manifest``.

    Raises
    ------
    InputError
        If the directory, its manifest or a table is missing or unreadable.
    """
    import pandas as pd

    path = Path(path)
    manifest_path = path / MANIFEST_FILE
    if not manifest_path.is_file():
        raise InputError(
            _(
                "{path} is not a snapshot (no {file}); create one with 'regionkit sync --out {path}'."
            ).format(path=path, file=MANIFEST_FILE)
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        tasks = pd.read_parquet(path / TASKS_FILE)
        annotations = pd.read_parquet(path / ANNOTATIONS_FILE)
        predictions_path = path / PREDICTIONS_FILE
        predictions = pd.read_parquet(predictions_path) if predictions_path.is_file() else None
    except (OSError, ValueError) as error:
        raise InputError(
            _("Snapshot {path} is damaged ({error}); run 'regionkit sync' again.").format(
                path=path, error=error
            )
        ) from None
    return Snapshot(
        path=path, tasks=tasks, annotations=annotations, predictions=predictions, manifest=manifest
    )


def _utc(values: Any) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(
        pd.Series(values, dtype="object"), utc=True, format="ISO8601", errors="coerce"
    ).astype("datetime64[us, UTC]")


def typed_tables(
    tasks: dict, annotations: dict, predictions: dict
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Turn column lists into typed tasks (without data columns), annotations and predictions frames."""
    return (
        _typed_frame(tasks, TASK_COLUMNS, TASK_DTYPES),
        _typed_frame(annotations, ANNOTATION_COLUMNS, ANNOTATION_DTYPES),
        _typed_frame(predictions, PREDICTION_COLUMNS, PREDICTION_DTYPES),
    )


def build_frames(builder: TableBuilder) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Flush ``builder`` and join its chunks into the final typed tables in canonical order."""
    import pandas as pd

    builder.flush()
    if builder.chunks:
        parts = list(zip(*builder.chunks))
        tasks, annotations, predictions = (pd.concat(frames, ignore_index=True) for frames in parts)
    else:
        tasks, annotations, predictions = typed_tables(
            {name: [] for name in TASK_COLUMNS},
            {name: [] for name in ANNOTATION_COLUMNS},
            {name: [] for name in PREDICTION_COLUMNS},
        )
    for key in sorted(builder.data_chunks):
        tasks[f"data.{key}"] = _data_column(
            builder.data_chunks[key], data_column_dtype(builder.data_kinds[key])
        )
    builder.chunks.clear()
    builder.data_chunks.clear()
    return canonical_order(tasks, annotations, predictions)


def _data_column(chunks: list[Any], dtype: str):
    """Join one data column's chunks into a pandas array of ``dtype``."""
    import pandas as pd

    arrays = []
    for chunk in chunks:
        if isinstance(chunk, list):
            values = [as_text(value) for value in chunk] if dtype == "string" else chunk
            arrays.append(pd.array(values, dtype=dtype))
        else:
            arrays.append(chunk.astype(dtype))
    if not arrays:
        return pd.array([], dtype=dtype)
    return pd.concat([pd.Series(array) for array in arrays], ignore_index=True).array


def _typed_frame(
    columns: dict[str, list[Any]], order: tuple[str, ...], dtypes: dict[str, str]
) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame({name: pd.Series(columns[name], dtype="object") for name in order})
    for name in order:
        if name in TIME_COLUMNS:
            frame[name] = _utc(columns[name])
        else:
            frame[name] = frame[name].astype(dtypes[name])
    return frame


def canonical_order(tasks, annotations, predictions):
    """Sort the tables by their ids so that equal content has equal row order."""
    tasks = tasks.sort_values(["task_id", "project_id"], kind="stable").reset_index(drop=True)
    annotations = annotations.sort_values(["task_id", "annotation_id"], kind="stable").reset_index(
        drop=True
    )
    predictions = predictions.sort_values(["task_id", "prediction_id"], kind="stable").reset_index(
        drop=True
    )
    return tasks, annotations, predictions


def content_hash(tasks, annotations, predictions, *, identity: dict[str, Any]) -> str:
    """Return a SHA-256 of the tables' values and ``identity``, independent of Parquet bytes.

    Each table contributes its column names and dtypes (sorted by name) and the
    per-row hashes of ``pandas.util.hash_pandas_object`` in canonical row order.
    NOTE: those row hashes are stable for one pandas version; compare hashes made
    with the same ``versions.pandas``.
    """
    import pandas as pd

    digest = hashlib.sha256()
    digest.update(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    for name, frame in (
        ("tasks", tasks),
        ("annotations", annotations),
        ("predictions", predictions),
    ):
        digest.update(f"\n#{name}\n".encode())
        if frame is None or frame.empty:
            continue
        ordered = frame[sorted(frame.columns)]
        digest.update(
            json.dumps([f"{column}:{ordered[column].dtype}" for column in ordered.columns]).encode()
        )
        digest.update(pd.util.hash_pandas_object(ordered, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def write_snapshot(out: Path, tasks, annotations, predictions, manifest: dict[str, Any]) -> Path:
    """Write the tables and ``manifest`` to ``out`` atomically: a temporary directory, then a rename."""
    from regionkit.atomic import atomic_directory

    with atomic_directory(out) as staging:
        tasks.to_parquet(staging / TASKS_FILE, index=False)
        annotations.to_parquet(staging / ANNOTATIONS_FILE, index=False)
        if predictions is not None and not predictions.empty:
            predictions.to_parquet(staging / PREDICTIONS_FILE, index=False)
        text = json.dumps(manifest, indent=2, ensure_ascii=False, default=str)
        (staging / MANIFEST_FILE).write_text(text + "\n", encoding="utf-8")
    return out
