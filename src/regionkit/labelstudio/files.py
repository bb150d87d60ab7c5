"""Stream tasks out of Label Studio export files: JSON, JSON_MIN and CSV, plain or gzip.

JSON is parsed incrementally with ijson, so a file is never loaded whole, and memory
grows with the output tables only. JSON_MIN and CSV files have one row per annotation.
Their rows are grouped by task id in memory, one entry per task.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from regionkit.errors import InputError
from regionkit.i18n import _
from regionkit.labelstudio.records import TableBuilder, _to_float, _to_int

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
#: Columns of JSON_MIN and CSV rows that describe the annotation, not the task data.
MIN_ROW_KEYS = frozenset(
    {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time"}
)


class _CountingReader(io.RawIOBase):
    """A binary reader that counts the bytes read, for the progress bar."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        chunk = self._handle.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self.bytes_read += len(chunk)
        return len(chunk)


def open_export(path: Path) -> tuple[IO[bytes], _CountingReader]:
    """Open ``path`` for binary reading, decompressing gzip; return the stream and its raw byte counter."""
    raw = path.open("rb")
    counter = _CountingReader(raw)
    buffered = io.BufferedReader(counter, buffer_size=1 << 20)
    if buffered.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=buffered, mode="rb"), counter
    return buffered, counter


def detect_format(path: Path) -> str:
    """Return ``"csv"`` for ``.csv``/``.csv.gz`` files and ``"json"`` for everything else."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return "csv" if suffixes and suffixes[-1] == ".csv" else "json"


def read_export(
    path: Path, builder: TableBuilder, *, control_names: frozenset[str], progress=None
) -> str:
    """Add every task of the export file at ``path`` to ``builder``; return the format read.

    Parameters
    ----------
    path : Path
        A JSON, JSON_MIN or CSV export, or one page of the tasks API
        (``{"tasks": [...]}``), optionally gzip-compressed.
    builder : TableBuilder
        Receives the tasks.
    control_names : frozenset of str
        Names of all controls in the labeling config; in JSON_MIN and CSV rows these
        columns hold labels, not task data.
    progress : callable, optional
        Called with the number of file bytes read so far.

    Returns
    -------
    str
        ``"json"``, ``"json_min"`` or ``"csv"``.

    Raises
    ------
    InputError
        If the file is missing, not valid JSON/CSV, or contains no task objects.
    """
    import ijson

    if not path.is_file():
        raise InputError(
            _("Export file {path} not found; check the --file path.").format(path=path)
        )

    kind = detect_format(path)
    stream, counter = open_export(path)
    try:
        with stream:
            if kind == "csv":
                text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
                rows = csv.DictReader(text)
                if rows.fieldnames is not None and "id" not in rows.fieldnames:
                    raise ValueError(_("the CSV header has no 'id' column"))
                _add_min_rows(
                    rows,
                    builder,
                    control_names,
                    csv_values=True,
                    counter=counter,
                    progress=progress,
                )
                return "csv"
            return _read_json(stream, builder, control_names, counter=counter, progress=progress)
    except ijson.JSONError as error:
        raise InputError(
            _(
                "Export file {path} is not valid JSON near byte {offset} ({error}); export it again from Label Studio."
            ).format(path=path, offset=counter.bytes_read, error=" ".join(str(error).split())[:120])
        ) from None
    except (UnicodeDecodeError, csv.Error, gzip.BadGzipFile, EOFError) as error:
        raise InputError(
            _(
                "Export file {path} cannot be read ({error}); export it again from Label Studio."
            ).format(path=path, error=" ".join(str(error).split())[:120])
        ) from None
    except ValueError as error:
        raise InputError(
            _(
                "Export file {path} has an unexpected shape ({error}); use a Label Studio JSON, JSON_MIN or CSV export."
            ).format(path=path, error=error)
        ) from None


def _first_byte(stream: IO[bytes]) -> bytes:
    """Return the first non-whitespace byte without consuming it (the stream must support peek)."""
    while True:
        head = stream.peek(64)  # type: ignore[attr-defined]
        if not head:
            return b""
        stripped = head.lstrip()
        if stripped:
            return stripped[:1]
        stream.read(len(head))


def _read_json(
    stream: IO[bytes], builder: TableBuilder, control_names, *, counter, progress
) -> str:
    import ijson

    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream, buffer_size=1 << 20)  # type: ignore[arg-type]
    first = _first_byte(stream)
    if first == b"{":
        items: Iterator[Any] = ijson.items(stream, "", use_float=True)
    elif first == b"[":
        items = ijson.items(stream, "item", use_float=True)
    else:
        raise ValueError(_("the file starts with neither a task list nor a task object"))

    iterator = iter(items)
    first_item = next(iterator, None)
    if first_item is None:
        return "json"
    if first == b"{" and _is_task_page(first_item):
        # One page of GET /api/tasks/ wraps its tasks in {"tasks": [...], "total": ...}.
        # The page is already in memory, because ijson built the whole top-level object.
        iterator = iter(first_item["tasks"][1:])
        first_item = first_item["tasks"][0] if first_item["tasks"] else None
        if first_item is None:
            return "json"
    if _is_min_row(first_item):
        rows = _chain(first_item, iterator)
        _add_min_rows(
            rows, builder, control_names, csv_values=False, counter=counter, progress=progress
        )
        return "json_min"
    for count, item in enumerate(_chain(first_item, iterator)):
        builder.add_task(item)
        if progress is not None and count % 256 == 0:
            progress(counter.bytes_read)
    if progress is not None:
        progress(counter.bytes_read)
    return "json"


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _is_task_page(item: Any) -> bool:
    """Tell whether ``item`` is a page of the tasks API: a ``tasks`` list and no task keys."""
    return (
        isinstance(item, dict)
        and isinstance(item.get("tasks"), list)
        and not {"data", "annotations", "id"} & item.keys()
    )


def _is_min_row(item: Any) -> bool:
    """Tell whether ``item`` is a JSON_MIN row: annotation keys at the top level, no annotation list."""
    if not isinstance(item, dict):
        return False
    if {"annotations", "completions", "data", "predictions"} & item.keys():
        return False
    return "annotation_id" in item or "annotator" in item


def _min_label(value: Any) -> str | None:
    """Return the label of a JSON_MIN/CSV control column: a string, a list, or ``{"choices": [...]}``."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value[:1] in "[{":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        value = value.get("choices")
    if isinstance(value, list):
        return str(value[0]) if value else None
    return str(value)


def _add_min_rows(
    rows, builder: TableBuilder, control_names, *, csv_values: bool, counter, progress
) -> None:
    """Group JSON_MIN or CSV rows (one per annotation) by task id and add the tasks."""
    tasks: dict[int, dict[str, Any]] = {}
    for count, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValueError(_("a row is not an object"))
        task_id = _to_int(row.get("id"))
        if task_id is None:
            raise ValueError(_("a row has no task id"))
        task = tasks.get(task_id)
        if task is None:
            data = {
                key: (None if csv_values and value == "" else value)
                for key, value in row.items()
                if key not in MIN_ROW_KEYS and key not in control_names
            }
            task = tasks[task_id] = {"data": data, "annotations": []}
        annotation_id = _to_int(row.get("annotation_id"))
        if annotation_id is not None:
            # JSON_MIN and CSV keep only submitted annotations: no skips, no ground-truth flag.
            task["annotations"].append(
                {
                    "annotation_id": annotation_id,
                    "task_id": task_id,
                    "project_id": builder.default_project_id,
                    "annotator": None
                    if row.get("annotator") in (None, "")
                    else str(row.get("annotator")),
                    "label": _min_label(row.get(builder.control)),
                    "was_cancelled": False,
                    "ground_truth": False,
                    "lead_time": _to_float(row.get("lead_time")),
                    "created_at": row.get("created_at") or None,
                    "updated_at": row.get("updated_at") or None,
                }
            )
        if progress is not None and count % 256 == 0:
            progress(counter.bytes_read)

    for task_id, task in tasks.items():
        task["annotations"].sort(key=lambda row: row["annotation_id"])
        builder.add_rows(
            task_id=task_id,
            project_id=builder.default_project_id,
            data=task["data"],
            annotations=task["annotations"],
            predictions=[],
            has_draft=False,
            created_at=None,
            updated_at=None,
        )
    if progress is not None:
        progress(counter.bytes_read)
