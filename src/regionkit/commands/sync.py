"""The `regionkit sync` command: a thin shell over :func:`regionkit.labelstudio.sync_snapshot`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from regionkit.errors import InputError
from regionkit.i18n import _, ngettext


def register(app: typer.Typer) -> None:
    """Add the `sync` command to ``app``."""

    @app.command(
        "sync",
        help=_(
            "Pull annotated tasks from Label Studio projects or an export file into a snapshot "
            "directory (tasks.parquet, annotations.parquet, predictions.parquet, manifest.json)."
        ),
    )
    def command(
        out: Annotated[
            Path,
            typer.Option(
                "--out",
                "-o",
                metavar="DIR",
                help=_("Snapshot directory to write; an existing one is replaced atomically."),
            ),
        ],
        project: Annotated[
            Optional[list[str]],
            typer.Option(
                "--project",
                "-p",
                metavar="ID|TITLE",
                help=_(
                    "Label Studio project id or exact title; repeat for several. The server comes from "
                    "LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY or the config file."
                ),
            ),
        ] = None,
        file: Annotated[
            Optional[Path],
            typer.Option(
                "--file",
                "-f",
                metavar="PATH",
                help=_("Label Studio export file (JSON, JSON_MIN or CSV, plain or .gz)."),
            ),
        ] = None,
        labeling_config: Annotated[
            Optional[Path],
            typer.Option(
                "--labeling-config",
                metavar="XML",
                help=_("Labeling config XML file; required with --file."),
            ),
        ] = None,
        region_field: Annotated[
            Optional[str],
            typer.Option(
                "--region-field",
                metavar="FIELD",
                help=_("Task data field with the region, e.g. locale or market."),
            ),
        ] = None,
        region_map: Annotated[
            Optional[str],
            typer.Option(
                "--region-map",
                metavar="MAP",
                help=_(
                    "Project-to-region map for one project per region, e.g. '3=de,Market FR=fr'."
                ),
            ),
        ] = None,
        label_control: Annotated[
            Optional[str],
            typer.Option(
                "--label-control",
                metavar="NAME",
                help=_(
                    "Name of the Choices control with the labels; needed only when there are several."
                ),
            ),
        ] = None,
        since_last: Annotated[
            bool,
            typer.Option(
                "--since-last",
                help=_(
                    "Pull only tasks updated since the snapshot already in --out, and write a new complete snapshot."
                ),
            ),
        ] = False,
        progress: Annotated[
            bool,
            typer.Option("--progress/--no-progress", help=_("Show progress bars on stderr.")),
        ] = True,
    ) -> None:
        from regionkit.console import stderr, stdout
        from regionkit.labelstudio.regions import RegionField, parse_region_map
        from regionkit.labelstudio.sync import FileSource, ServerSource, sync_snapshot

        if bool(project) == (file is not None):
            raise InputError(
                _(
                    "Pass either --project (a server) or --file (an export file), not both or neither."
                )
            )
        if (region_field is None) == (region_map is None):
            raise InputError(
                _(
                    "Pass either --region-field FIELD or --region-map 'PROJECT=REGION,...', not both or neither."
                )
            )
        if file is not None and labeling_config is None:
            raise InputError(
                _(
                    "--file {path} needs --labeling-config with the project's labeling config XML."
                ).format(path=file)
            )

        region = (
            RegionField(region_field)
            if region_field is not None
            else parse_region_map(region_map or "")
        )
        source = (
            FileSource(file, labeling_config)
            if file is not None
            else ServerSource(tuple(project or ()))
        )
        result = sync_snapshot(
            source=source,
            region=region,
            out=out,
            label_control=label_control,
            since_last=since_last,
            show_progress=progress,
        )

        regions = ", ".join(f"{name} {count}" for name, count in result.by_region.items())
        stdout.print(
            _(
                "Wrote snapshot {path}: {tasks} tasks, {annotations} annotations, {predictions} predictions."
            ).format(
                path=result.path,
                tasks=result.n_tasks,
                annotations=result.n_annotations,
                predictions=result.n_predictions,
            ),
            markup=False,
        )
        stdout.print(
            _("Tasks per region: {regions}").format(regions=regions or _("none")), markup=False
        )
        if result.changed_tasks is not None:
            stdout.print(
                _(
                    "Incremental sync: pulled {count} tasks updated since the previous snapshot."
                ).format(count=result.changed_tasks)
            )
        if result.no_region:
            message = ngettext(
                "Warning: {count} task has no region; it is kept with an empty region.",
                "Warning: {count} tasks have no region; they are kept with an empty region.",
                result.no_region,
            )
            stderr.print(message.format(count=result.no_region))
        stdout.print(_("Content hash: {digest}").format(digest=result.content_hash), markup=False)
