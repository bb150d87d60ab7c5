"""Build a snapshot from a Label Studio server or an export file: :func:`sync_snapshot`."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from regionkit.atomic import unwritable_parent
from regionkit.config import LabelStudioSettings
from regionkit.errors import InputError
from regionkit.i18n import _
from regionkit.labelstudio.labeling_config import (
    LabelSchema,
    parse_label_schema,
    read_labeling_config,
)
from regionkit.labelstudio.progress import SyncProgress
from regionkit.labelstudio.records import TableBuilder
from regionkit.labelstudio.regions import (
    ProjectRegionMap,
    RegionField,
    RegionSource,
    region_resolver,
)
from regionkit.labelstudio.snapshot import (
    SCHEMA_VERSION,
    Snapshot,
    build_frames,
    canonical_order,
    content_hash,
    load_snapshot,
    write_snapshot,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileSource:
    """A Label Studio export file (JSON, JSON_MIN or CSV, plain or ``.gz``) and its labeling config file."""

    path: Path
    labeling_config: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))
        object.__setattr__(self, "labeling_config", Path(self.labeling_config))


@dataclass(frozen=True)
class ServerSource:
    """Projects on a live server, by id or exact title; settings default to the environment or config file."""

    projects: tuple[str | int, ...]
    settings: LabelStudioSettings | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "projects", tuple(self.projects))


@dataclass
class SyncResult:
    """Summary of the snapshot that :func:`sync_snapshot` wrote."""

    path: Path
    mode: str
    method: str
    n_tasks: int
    n_annotations: int
    n_predictions: int
    by_region: dict[str, int]
    no_region: int
    content_hash: str
    watermark: str | None
    changed_tasks: int | None = None
    projects: list[dict[str, Any]] = field(default_factory=list)
    #: ``(project_id, task_id)`` pairs that an incremental sync pulled; None after a full sync.
    pulled_tasks: list[tuple[int, int]] | None = None


def sync_snapshot(
    *,
    source: FileSource | ServerSource,
    region: RegionSource,
    out: str | Path,
    label_control: str | None = None,
    since_last: bool = False,
    show_progress: bool = True,
) -> SyncResult:
    """Pull annotated tasks into a new snapshot directory at ``out``.

    Parameters
    ----------
    source : FileSource or ServerSource
        An export file with its labeling config, or projects on a server.
    region : RegionField or ProjectRegionMap
        Where each task's region comes from.
    out : str or Path
        The snapshot directory. It is replaced atomically; an interrupted sync leaves the
        previous snapshot (or nothing) in place.
    label_control : str, optional
        Name of the Choices control holding the labels; needed only when the labeling
        config has several.
    since_last : bool, default=False
        Server sources only: read the snapshot already at ``out`` and pull only tasks
        whose ``updated_at`` is later than its watermark. The result is a complete
        snapshot equal to a full sync. Without a previous snapshot, a full sync runs.
    show_progress : bool, default=True
        Show rich progress bars on stderr.

    Returns
    -------
    SyncResult

    Raises
    ------
    InputError
        On invalid arguments, files, labeling configs or an incompatible previous snapshot.
    ConnectionFailed
        If the server cannot be reached, rejects the API key or a project is unknown.
    """
    if not isinstance(region, (RegionField, ProjectRegionMap)):
        raise InputError(
            _("region must be a RegionField or a ProjectRegionMap, got {value!r}.").format(
                value=region
            )
        )
    out = Path(out)
    check_out_dir(out)
    progress = SyncProgress(enabled=show_progress)

    if isinstance(source, FileSource):
        if since_last:
            raise InputError(
                _("--since-last needs a server source; an export file is always read whole.")
            )
        return _sync_file(
            source, region=region, out=out, label_control=label_control, progress=progress
        )
    if isinstance(source, ServerSource):
        from regionkit.labelstudio.server_sync import sync_server

        return sync_server(
            source,
            region=region,
            out=out,
            label_control=label_control,
            since_last=since_last,
            progress=progress,
        )
    raise InputError(
        _("source must be a FileSource or a ServerSource, got {value!r}.").format(value=source)
    )


def _sync_file(
    source: FileSource, *, region: RegionSource, out: Path, label_control, progress
) -> SyncResult:
    from regionkit.labelstudio.files import read_export

    schema = parse_label_schema(
        read_labeling_config(source.labeling_config),
        control=label_control,
        origin=str(source.labeling_config),
    )
    control_names = _control_names(schema)
    builder = TableBuilder(control=schema.control, region_of=region_resolver(region))
    if not source.path.is_file():
        raise InputError(
            _("Export file {path} not found; check the --file path.").format(path=source.path)
        )

    with progress.bytes_task(
        _("Reading {file}").format(file=source.path.name), source.path.stat().st_size
    ) as advance:
        file_format = read_export(
            source.path, builder, control_names=control_names, progress=advance
        )
    if builder.n_tasks == 0:
        raise InputError(
            _(
                "Export file {path} contains no tasks; export the project again with all tasks."
            ).format(path=source.path)
        )

    tasks, annotations, predictions = build_frames(builder)
    project_ids = sorted(int(value) for value in tasks["project_id"].unique())
    projects = [
        {"id": project_id, "title": None, "region": _mapped_region(region, project_id, None)}
        for project_id in project_ids
    ]
    source_entry = {"kind": "file", "path": str(source.path), "format": file_format}
    return _finish(
        out,
        tasks,
        annotations,
        predictions,
        schema=schema,
        region=region,
        projects=projects,
        source_entry=source_entry,
        mode="full",
        method="file",
        changed_tasks=None,
        server_version=None,
    )


def _control_names(schema: LabelSchema) -> frozenset[str]:
    from label_studio_sdk.label_interface import LabelInterface

    return frozenset(tag.name for tag in LabelInterface(schema.xml).controls)


def _mapped_region(region: RegionSource, project_id: int, title: str | None) -> str | None:
    if not isinstance(region, ProjectRegionMap):
        return None
    return region.mapping.get(str(project_id)) or (region.mapping.get(title) if title else None)


def watermark_of(tasks, annotations) -> str | None:
    """Return the latest ``updated_at`` of tasks (else of annotations) as ISO 8601 UTC, or None."""
    for frame in (tasks, annotations):
        if frame is not None and len(frame) and frame["updated_at"].notna().any():
            return frame["updated_at"].max().isoformat()
    return None


def filter_time(watermark: str, pull_started_at: str | None = None) -> str:
    """Return the Data Manager filter time for an incremental pull after a snapshot.

    That is the snapshot's watermark, or the server time when its pull started if that
    is earlier: a task edited while the server was exporting may be older than the
    watermark but still missing from the export.
    """
    from regionkit.labelstudio.server import FILTER_DATETIME_FORMAT

    moments = [datetime.fromisoformat(watermark.replace("Z", "+00:00"))]
    if pull_started_at:
        moments.append(datetime.fromisoformat(pull_started_at.replace("Z", "+00:00")))
    return min(moment.astimezone(timezone.utc) for moment in moments).strftime(
        FILTER_DATETIME_FORMAT
    )


def _finish(
    out: Path,
    tasks,
    annotations,
    predictions,
    *,
    schema: LabelSchema,
    region: RegionSource,
    projects: list[dict[str, Any]],
    source_entry: dict[str, Any],
    mode: str,
    method: str,
    changed_tasks: int | None,
    server_version: str | None,
    pulled_tasks: list[tuple[int, int]] | None = None,
    pull_started_at: str | None = None,
) -> SyncResult:
    """Compute counts, hash and manifest, then write the snapshot atomically."""
    _check_region_field(region, tasks)
    tasks, annotations, predictions = canonical_order(tasks, annotations, predictions)

    by_region = {
        str(key): int(value)
        for key, value in tasks["region"].value_counts(dropna=True).sort_index().items()
    }
    no_region = int(tasks["region"].isna().sum())
    identity = {
        "labels": list(schema.labels),
        "label_control": schema.control,
        "region_source": region.manifest_entry(),
        "projects": projects,
    }
    digest = content_hash(tasks, annotations, predictions, identity=identity)
    watermark = watermark_of(tasks, annotations)

    manifest = {
        "schema_version": SCHEMA_VERSION,
        "source": source_entry,
        "projects": projects,
        "labeling_config": schema.xml,
        "label_control": schema.control,
        "input_field": schema.input_field,
        "input_type": schema.input_type,
        "labels": list(schema.labels),
        "region_source": region.manifest_entry(),
        "counts": {
            "tasks": int(len(tasks)),
            "by_region": by_region,
            "no_region": no_region,
            "annotations": int(len(annotations)),
            "predictions": int(len(predictions)),
        },
        "watermark": watermark,
        "pull_started_at": pull_started_at,
        "content_hash": digest,
        "versions": _versions(server_version),
        "created_at": datetime.now(timezone.utc).isoformat(),
        "sync": {"mode": mode, "method": method, "changed_tasks": changed_tasks},
    }
    write_snapshot(out, tasks, annotations, predictions, manifest)
    logger.info("wrote snapshot %s: %d tasks, hash %s", out, len(tasks), digest[:12])

    return SyncResult(
        path=out,
        mode=mode,
        method=method,
        n_tasks=int(len(tasks)),
        n_annotations=int(len(annotations)),
        n_predictions=int(len(predictions)),
        by_region=by_region,
        no_region=no_region,
        content_hash=digest,
        watermark=watermark,
        changed_tasks=changed_tasks,
        projects=projects,
        pulled_tasks=pulled_tasks,
    )


def _check_region_field(region: RegionSource, tasks) -> None:
    """Reject a region field that no task's data contains, naming the fields that exist."""
    if (
        not isinstance(region, RegionField)
        or not len(tasks)
        or f"data.{region.name}" in tasks.columns
    ):
        return
    fields = sorted(
        column.removeprefix("data.") for column in tasks.columns if column.startswith("data.")
    )
    raise InputError(
        _("Region field {field!r} is in no task's data; choose one of: {fields}.").format(
            field=region.name, fields=", ".join(fields) or _("none")
        )
    )


def _versions(server_version: str | None) -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    import regionkit

    versions: dict[str, str | None] = {"regionkit": regionkit.__version__}
    for package in ("label-studio-sdk", "pandas", "pyarrow"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    versions["label-studio-server"] = server_version
    return versions


def check_out_dir(out: Path) -> None:
    """Reject an ``out`` whose atomic replacement would delete a file or data that is not a snapshot.

    Raises
    ------
    InputError
        If ``out`` is a file, a non-empty directory without ``manifest.json``, or
        its parent directory is not writable.
    """
    if out.exists() and not out.is_dir():
        raise InputError(
            _("--out {path} is a file; choose a new or empty directory for the snapshot.").format(
                path=out
            )
        )
    if out.is_dir() and any(out.iterdir()) and not (out / "manifest.json").is_file():
        raise InputError(
            _(
                "--out {path} exists and is not a snapshot; choose a new or empty directory."
            ).format(path=out)
        )
    parent = unwritable_parent(out)
    if parent is not None:
        raise InputError(
            _("--out {path} cannot be written: {parent} is read-only; choose another directory.").format(
                path=out, parent=parent
            )
        )


def previous_snapshot(out: Path) -> Snapshot | None:
    """Return the snapshot at ``out``, or None when there is none."""
    if not (out / "manifest.json").is_file():
        return None
    return load_snapshot(out)


def temporary_work_dir(out: Path) -> tempfile.TemporaryDirectory:
    """Return a temporary directory beside ``out`` for downloaded export files."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=f".{out.name}.download-", dir=out.parent)


__all__ = [
    "FileSource",
    "ServerSource",
    "SyncResult",
    "sync_snapshot",
    "watermark_of",
    "filter_time",
    "previous_snapshot",
]
