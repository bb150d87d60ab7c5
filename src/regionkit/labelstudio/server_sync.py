"""Full and incremental sync of server projects into a snapshot."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from regionkit.config import label_studio_settings
from regionkit.console import stderr
from regionkit.errors import InputError
from regionkit.i18n import _
from regionkit.labelstudio.client import connect
from regionkit.labelstudio.files import read_export
from regionkit.labelstudio.labeling_config import LabelSchema, parse_label_schema
from regionkit.labelstudio.records import TableBuilder
from regionkit.labelstudio.regions import ProjectRegionMap, RegionSource, region_resolver
from regionkit.labelstudio.server import (
    ProjectInfo,
    ServerSession,
    export_project,
    iter_changed_tasks,
    resolve_projects,
)
from regionkit.labelstudio.snapshot import build_frames
from regionkit.labelstudio.sync import (
    ServerSource,
    SyncResult,
    _control_names,
    _finish,
    _mapped_region,
    filter_time,
    previous_snapshot,
    temporary_work_dir,
)

logger = logging.getLogger(__name__)


def sync_server(
    source: ServerSource,
    *,
    region: RegionSource,
    out: Path,
    label_control: str | None,
    since_last: bool,
    progress,
) -> SyncResult:
    """Pull ``source``'s projects, fully or since the previous snapshot's watermark, and write ``out``."""
    settings = source.settings or label_studio_settings()
    client = connect(settings)
    session = ServerSession(client, settings.url)
    projects = resolve_projects(session, source.projects)
    schema = _common_schema(projects, label_control)
    _check_region_map(region, projects)
    resolver = region_resolver(
        region, project_titles={project.id: project.title for project in projects}
    )
    project_entries = [
        {
            "id": project.id,
            "title": project.title,
            "region": _mapped_region(region, project.id, project.title),
        }
        for project in projects
    ]
    source_entry = {"kind": "server", "url": settings.url}
    server_version, pull_started_at = _server_info(session)

    previous = previous_snapshot(out) if since_last else None
    if since_last and previous is None:
        stderr.print(_("No snapshot at {path} yet; running a full sync.").format(path=out))
    if previous is not None:
        _check_compatible(previous.manifest, out, settings.url, project_entries, region, schema)
        watermark = previous.manifest.get("watermark")
        if watermark:
            result = _incremental(
                session,
                projects,
                previous,
                filter_time(watermark, previous.manifest.get("pull_started_at")),
                schema=schema,
                resolver=resolver,
                progress=progress,
            )
            if result is not None:
                tasks, annotations, predictions, pulled = result
                return _finish(
                    out,
                    tasks,
                    annotations,
                    predictions,
                    schema=schema,
                    region=region,
                    projects=project_entries,
                    source_entry=source_entry,
                    mode="incremental",
                    method="tasks_api",
                    changed_tasks=len(pulled),
                    server_version=server_version,
                    pulled_tasks=pulled,
                    pull_started_at=pull_started_at,
                )

    builder = TableBuilder(control=schema.control, region_of=resolver)
    control_names = _control_names(schema)
    with temporary_work_dir(out) as work_dir:
        for project in projects:
            builder.default_project_id = project.id
            started = time.perf_counter()
            with progress.bytes_task(
                _("Exporting project {project} ({title})").format(
                    project=project.id, title=project.title
                ),
                None,
            ) as advance:
                path = export_project(session, project, work_dir=Path(work_dir), on_bytes=advance)
            exported = time.perf_counter()
            with progress.bytes_task(
                _("Reading project {project}").format(project=project.id), path.stat().st_size
            ) as advance:
                read_export(path, builder, control_names=control_names, progress=advance)
            logger.info(
                "project %d: export and download %.1f s, parsing %.1f s (%d bytes)",
                project.id,
                exported - started,
                time.perf_counter() - exported,
                path.stat().st_size,
            )
            path.unlink()
    tasks, annotations, predictions = build_frames(builder)
    return _finish(
        out,
        tasks,
        annotations,
        predictions,
        schema=schema,
        region=region,
        projects=project_entries,
        source_entry=source_entry,
        mode="full",
        method="export",
        changed_tasks=None,
        server_version=server_version,
        pull_started_at=pull_started_at,
    )


def _check_region_map(region: RegionSource, projects: list[ProjectInfo]) -> None:
    """Reject a project-to-region map with a key that names none of the synced projects."""
    if not isinstance(region, ProjectRegionMap):
        return
    known = {str(project.id) for project in projects} | {project.title for project in projects}
    unknown = [key for key in region.mapping if key not in known]
    if unknown:
        raise InputError(
            _(
                "Region map entry {entry!r} names none of the synced projects ({projects}); "
                "use their ids or exact titles."
            ).format(
                entry=unknown[0],
                projects=", ".join(f"{project.id} {project.title!r}" for project in projects),
            )
        )


def _common_schema(projects: list[ProjectInfo], label_control: str | None) -> LabelSchema:
    """Parse every project's labeling config; all must share the control name and label set."""
    schemas = [
        parse_label_schema(
            project.label_config,
            control=label_control,
            origin=_("project {project} ({title})").format(project=project.id, title=project.title),
        )
        for project in projects
    ]
    first = schemas[0]
    for project, schema in zip(projects[1:], schemas[1:]):
        if (schema.control, schema.labels) != (first.control, first.labels):
            raise InputError(
                _(
                    "Project {project} labels {labels} with control {control!r}, but project {first_project} "
                    "labels {first_labels} with {first_control!r}; sync projects with the same label set together."
                ).format(
                    project=project.id,
                    labels=list(schema.labels),
                    control=schema.control,
                    first_project=projects[0].id,
                    first_labels=list(first.labels),
                    first_control=first.control,
                )
            )
    return first


def _server_info(session: ServerSession) -> tuple[str | None, str | None]:
    """Return the server's release and its clock (from the HTTP ``Date`` header) before the pull starts."""
    from email.utils import parsedate_to_datetime

    try:
        response = session.call(
            lambda: session.client._client_wrapper.httpx_client.request(
                "/api/version", method="GET"
            ),
            what=_("read server version"),
        )
        body = response.json()
        release = (
            str(body.get("release")) if isinstance(body, dict) and body.get("release") else None
        )
    except (ValueError, AttributeError):
        logger.info("could not read the server version", exc_info=True)
        release, response = None, None
    started = None
    if response is not None and response.headers.get("date"):
        try:
            started = parsedate_to_datetime(response.headers["date"]).isoformat()
        except (TypeError, ValueError):
            logger.info("server sent an unparsable Date header: %r", response.headers.get("date"))
    return release, started


def _check_compatible(
    manifest: dict[str, Any], out: Path, url: str, projects: list[dict[str, Any]], region, schema
) -> None:
    """Reject an incremental sync whose previous snapshot came from another source or settings."""
    previous_source = manifest.get("source", {})
    reasons = []
    if previous_source.get("kind") != "server" or previous_source.get("url") != url:
        reasons.append(_("source"))
    if sorted(project["id"] for project in manifest.get("projects", [])) != sorted(
        project["id"] for project in projects
    ):
        reasons.append(_("projects"))
    if manifest.get("region_source") != region.manifest_entry():
        reasons.append(_("region source"))
    if manifest.get("label_control") != schema.control or manifest.get("labels") != list(
        schema.labels
    ):
        reasons.append(_("label set"))
    if manifest.get("labeling_config") != schema.xml:
        reasons.append(_("labeling config"))
    if reasons:
        raise InputError(
            _(
                "The snapshot in {path} was synced with another {what}; run 'regionkit sync' without --since-last."
            ).format(path=out, what=", ".join(reasons))
        )


def _incremental(session, projects, previous, updated_after: str, *, schema, resolver, progress):
    """Merge the tasks updated after ``updated_after`` (filter format) into the previous tables.

    Returns None when a project's task count on the server differs from the merged
    count. That means tasks were deleted, so the caller runs a full sync instead.
    """
    import pandas as pd

    builder = TableBuilder(control=schema.control, region_of=resolver)
    for project in projects:
        builder.default_project_id = project.id
        with progress.count_task(
            _("Pulling changed tasks of project {project}").format(project=project.id), None
        ) as advance:
            for task in iter_changed_tasks(
                session, project, updated_after=updated_after, on_page=advance
            ):
                builder.add_task(task)
    changed, changed_annotations, changed_predictions = build_frames(builder)

    keys = set(zip(changed["project_id"].tolist(), changed["task_id"].tolist()))

    def keep(frame):
        if frame is None or frame.empty:
            return frame
        pairs = zip(frame["project_id"].tolist(), frame["task_id"].tolist())
        return frame[[pair not in keys for pair in pairs]]

    tasks = _concat_tasks(keep(previous.tasks), changed)
    annotations = pd.concat([keep(previous.annotations), changed_annotations], ignore_index=True)
    old_predictions = keep(previous.predictions)
    predictions = (
        changed_predictions
        if old_predictions is None
        else pd.concat([old_predictions, changed_predictions], ignore_index=True).astype(
            changed_predictions.dtypes.to_dict()
        )
    )
    annotations = annotations.astype(changed_annotations.dtypes.to_dict())

    counts = tasks.groupby("project_id").size().to_dict()
    for project in projects:
        if project.task_number is not None and counts.get(project.id, 0) != project.task_number:
            stderr.print(
                _(
                    "Project {project} has {server} tasks on the server and {local} after merging; "
                    "tasks were deleted, so running a full sync."
                ).format(
                    project=project.id, server=project.task_number, local=counts.get(project.id, 0)
                )
            )
            return None
    return tasks, annotations, predictions, sorted(keys)


def _concat_tasks(old, new):
    """Concatenate task frames and re-infer each ``data.*`` column's type over all rows."""
    import pandas as pd

    from regionkit.labelstudio.records import data_column_values
    from regionkit.labelstudio.snapshot import TASK_DTYPES

    combined = pd.concat([old, new], ignore_index=True)
    for column in combined.columns:
        if column.startswith("data."):
            values = [
                None if pd.isna(value) else value
                for value in combined[column].astype(object).tolist()
            ]
            values = [value.item() if hasattr(value, "item") else value for value in values]
            converted, dtype = data_column_values(values)
            combined[column] = pd.array(converted, dtype=dtype)
        elif column in TASK_DTYPES:
            combined[column] = combined[column].astype(TASK_DTYPES[column])
        else:
            combined[column] = combined[column].astype("datetime64[us, UTC]")
    data_columns = sorted(column for column in combined.columns if column.startswith("data."))
    base = [column for column in combined.columns if not column.startswith("data.")]
    return combined[base + data_columns]
