"""Turn Label Studio task objects, in any export shape, into snapshot rows.

One :class:`TableBuilder` collects the three snapshot tables while tasks stream in.
Every ``chunk_size`` tasks it turns its Python column lists into typed pandas columns,
so memory keeps the compact output tables plus one chunk of Python objects.

Accepted shapes: ``annotations`` or the pre-1.0 ``completions``; tasks with or without
a ``data`` wrapper; ``completed_by`` as an id, a user object or ``{"email": ...}``.
Predictions count only as objects, because a bare id carries no label. Drafts set a
flag and never count as annotations.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

#: Keys of an exported task object that are not task data (used when ``data`` is missing).
TASK_KEYS = frozenset(
    {
        "id",
        "annotations",
        "completions",
        "predictions",
        "drafts",
        "meta",
        "created_at",
        "updated_at",
        "project",
        "data",
        "inner_id",
        "total_annotations",
        "cancelled_annotations",
        "total_predictions",
        "comment_count",
        "unresolved_comment_count",
        "last_comment_updated_at",
        "updated_by",
        "comment_authors",
        "allow_skip",
        "file_upload",
        "storage_filename",
        "annotators",
        "completed_at",
        "is_labeled",
        "overlap",
        "draft_exists",
        "avg_lead_time",
        "annotations_results",
        "predictions_results",
        "predictions_score",
        "annotations_ids",
        "predictions_model_versions",
        "assignee",
    }
)

TASK_COLUMNS = (
    "task_id",
    "project_id",
    "region",
    "label",
    "agreement",
    "n_annotations",
    "n_cancelled",
    "has_ground_truth",
    "no_consensus",
    "n_predictions",
    "has_draft",
    "created_at",
    "updated_at",
)
ANNOTATION_COLUMNS = (
    "annotation_id",
    "task_id",
    "project_id",
    "annotator",
    "label",
    "was_cancelled",
    "ground_truth",
    "lead_time",
    "created_at",
    "updated_at",
)
PREDICTION_COLUMNS = (
    "prediction_id",
    "task_id",
    "project_id",
    "model_version",
    "label",
    "score",
    "created_at",
)

RegionResolver = Callable[[int, Mapping[str, Any]], "str | None"]


@dataclass
class Consensus:
    """The consensus of one task's annotations."""

    label: str | None
    agreement: float | None
    n_annotations: int
    n_cancelled: int
    has_ground_truth: bool
    no_consensus: bool


def compute_consensus(annotations: list[dict[str, Any]]) -> Consensus:
    """Decide a task's label from its annotation rows.

    A ground-truth annotation with a label wins (the most recently updated one when
    several disagree). Otherwise the most frequent label among non-cancelled annotations
    wins, and a tie sets ``no_consensus``. ``agreement`` is the share of non-cancelled
    annotations, labeled or not, whose label equals the consensus.
    """
    active = [row for row in annotations if not row["was_cancelled"]]
    n_cancelled = len(annotations) - len(active)
    labeled = [row for row in active if row["label"] is not None]

    label: str | None = None
    has_ground_truth = False
    no_consensus = False
    truths = [row for row in labeled if row["ground_truth"]]
    if truths:
        truths.sort(key=lambda row: (row["updated_at"] or "", row["annotation_id"]))
        label = truths[-1]["label"]
        has_ground_truth = True
    elif labeled:
        ranked = Counter(row["label"] for row in labeled).most_common()
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            no_consensus = True
        else:
            label = ranked[0][0]

    agreement = None
    if label is not None and active:
        agreement = sum(row["label"] == label for row in active) / len(active)
    return Consensus(label, agreement, len(active), n_cancelled, has_ground_truth, no_consensus)


def choice_label(result: Any, control: str) -> str | None:
    """Return the first choice of ``control`` in an annotation ``result`` list.

    NOTE: a multi-select Choices control keeps only its first choice.
    """
    if not isinstance(result, list):
        return None
    for region in result:
        if not isinstance(region, Mapping) or region.get("from_name") != control:
            continue
        choices = (region.get("value") or {}).get("choices")
        if isinstance(choices, list) and choices:
            return str(choices[0])
        if isinstance(choices, str):
            return choices
    return None


def annotator_name(completed_by: Any) -> str | None:
    """Return the annotator as the user id (as text), else the email, from any shape."""
    if completed_by is None:
        return None
    if isinstance(completed_by, Mapping):
        user_id = completed_by.get("id")
        if user_id is not None:
            return str(user_id)
        email = completed_by.get("email")
        return str(email) if email else None
    return str(completed_by)


def _to_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _to_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


@dataclass
class TableBuilder:
    """The three snapshot tables, filled one task at a time and typed chunk by chunk."""

    control: str
    region_of: RegionResolver
    default_project_id: int = 0
    chunk_size: int = 4096
    tasks: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in TASK_COLUMNS})
    data: dict[str, list[Any]] = field(default_factory=dict)
    annotations: dict[str, list[Any]] = field(
        default_factory=lambda: {name: [] for name in ANNOTATION_COLUMNS}
    )
    predictions: dict[str, list[Any]] = field(
        default_factory=lambda: {name: [] for name in PREDICTION_COLUMNS}
    )
    n_tasks: int = 0
    #: Typed (tasks, annotations, predictions) frames of the flushed chunks, without data columns.
    chunks: list[tuple[Any, Any, Any]] = field(default_factory=list)
    #: Per data key: flushed chunks, each a pandas string array or a list of Python values.
    data_chunks: dict[str, list[Any]] = field(default_factory=dict)
    #: Per data key: the Python types of its non-null values so far.
    data_kinds: dict[str, set[type]] = field(default_factory=dict)
    _flushed_tasks: int = 0
    _missing_ids: int = 0

    def add_task(self, raw: Mapping[str, Any]) -> None:
        """Add one exported task object (JSON export, snapshot export or tasks API shape)."""
        if not isinstance(raw, Mapping):
            raise ValueError(f"expected a task object, got {type(raw).__name__}")
        task_id = _to_int(raw.get("id"))
        if task_id is None:
            # Files in import format carry no ids; number their tasks by position instead.
            self._missing_ids += 1
            task_id = self._missing_ids
        project_id = _to_int(raw.get("project"))
        if project_id is None:
            project_id = self.default_project_id

        data = raw.get("data")
        if not isinstance(data, Mapping):
            data = {key: value for key, value in raw.items() if key not in TASK_KEYS}

        raw_annotations = raw.get("annotations")
        if raw_annotations is None:
            raw_annotations = raw.get("completions") or []
        rows = [
            self._annotation_row(item, task_id, project_id)
            for item in raw_annotations
            if isinstance(item, Mapping)
        ]
        self.add_rows(
            task_id=task_id,
            project_id=project_id,
            data=data,
            annotations=rows,
            predictions=raw.get("predictions") or [],
            has_draft=bool(raw.get("drafts")) or bool(raw.get("draft_exists")),
            created_at=raw.get("created_at"),
            updated_at=raw.get("updated_at"),
        )

    def add_rows(
        self,
        *,
        task_id: int,
        project_id: int,
        data: Mapping[str, Any],
        annotations: list[dict[str, Any]],
        predictions: list[Any],
        has_draft: bool,
        created_at: Any,
        updated_at: Any,
    ) -> None:
        """Add a task whose annotations are already rows of ``ANNOTATION_COLUMNS``."""
        for row in annotations:
            for name in ANNOTATION_COLUMNS:
                self.annotations[name].append(row[name])

        n_predictions = 0
        for item in predictions:
            if not isinstance(item, Mapping):
                continue  # a bare prediction id (synchronous export) has no label or score
            n_predictions += 1
            self.predictions["prediction_id"].append(_to_int(item.get("id")))
            self.predictions["task_id"].append(task_id)
            self.predictions["project_id"].append(project_id)
            self.predictions["model_version"].append(item.get("model_version") or None)
            self.predictions["label"].append(choice_label(item.get("result"), self.control))
            self.predictions["score"].append(_to_float(item.get("score")))
            self.predictions["created_at"].append(item.get("created_at"))

        consensus = compute_consensus(annotations)
        values = {
            "task_id": task_id,
            "project_id": project_id,
            "region": self.region_of(project_id, data),
            "label": consensus.label,
            "agreement": consensus.agreement,
            "n_annotations": consensus.n_annotations,
            "n_cancelled": consensus.n_cancelled,
            "has_ground_truth": consensus.has_ground_truth,
            "no_consensus": consensus.no_consensus,
            "n_predictions": n_predictions,
            "has_draft": has_draft,
            "created_at": created_at or None,
            "updated_at": updated_at or None,
        }
        for name in TASK_COLUMNS:
            self.tasks[name].append(values[name])

        pending = self.n_tasks - self._flushed_tasks
        for key, value in data.items():
            column = self.data.get(key)
            if column is None:
                column = self.data[key] = [None] * pending
                self.data_chunks[key] = (
                    [[None] * self._flushed_tasks] if self._flushed_tasks else []
                )
                self.data_kinds[key] = set()
            column.append(value)
            if value is not None:
                self.data_kinds[key].add(type(value))
        self.n_tasks += 1
        for column in self.data.values():
            if len(column) < pending + 1:
                column.append(None)
        if pending + 1 >= self.chunk_size:
            self.flush()

    def flush(self) -> None:
        """Type the pending rows as pandas columns and start a new chunk."""
        import pandas as pd

        from regionkit.labelstudio.snapshot import typed_tables

        if self.n_tasks == self._flushed_tasks:
            return
        self.chunks.append(typed_tables(self.tasks, self.annotations, self.predictions))
        for key, values in self.data.items():
            kinds = {type(value) for value in values if value is not None}
            # Text is stored compactly now; other types wait for the final type decision.
            chunk = pd.array(values, dtype="string") if kinds <= {str} else values
            self.data_chunks[key].append(chunk)
        self.tasks = {name: [] for name in TASK_COLUMNS}
        self.annotations = {name: [] for name in ANNOTATION_COLUMNS}
        self.predictions = {name: [] for name in PREDICTION_COLUMNS}
        self.data = {key: [] for key in self.data}
        self._flushed_tasks = self.n_tasks

    def _annotation_row(
        self, item: Mapping[str, Any], task_id: int, project_id: int
    ) -> dict[str, Any]:
        return {
            "annotation_id": _to_int(item.get("id")),
            "task_id": task_id,
            "project_id": project_id,
            "annotator": annotator_name(item.get("completed_by")),
            "label": choice_label(item.get("result"), self.control),
            "was_cancelled": _to_bool(item.get("was_cancelled", False)),
            "ground_truth": _to_bool(item.get("ground_truth", False)),
            "lead_time": _to_float(item.get("lead_time")),
            "created_at": item.get("created_at") or None,
            "updated_at": item.get("updated_at") or None,
        }


def data_column_dtype(kinds: set[type]) -> str:
    """Return the pandas dtype of a data column whose non-null values have ``kinds``: their type when consistent, else string."""
    if kinds == {bool}:
        return "boolean"
    if kinds == {int}:
        return "Int64"
    if kinds and kinds <= {int, float}:
        return "Float64"
    return "string"


def as_text(value: Any) -> str | None:
    """Return a data value as text: strings unchanged, objects and lists as JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def data_column_values(values: list[Any]) -> tuple[list[Any], str]:
    """Return a data column's values and pandas dtype (see :func:`data_column_dtype`)."""
    dtype = data_column_dtype({type(value) for value in values if value is not None})
    if dtype != "string":
        return values, dtype
    return [as_text(value) for value in values], dtype
