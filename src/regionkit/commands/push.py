"""The `regionkit push` command: upload a model's predictions to Label Studio as pre-annotations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `push` command to ``app``."""

    @app.command(
        "push",
        help=_(
            "Upload a model's predictions to a Label Studio project as pre-annotations. "
            "Pushing the same model version again replaces its predictions; other versions stay."
        ),
    )
    def command(
        snapshot: Annotated[
            Path,
            typer.Option("--snapshot", help=_("Snapshot directory written by 'regionkit sync'.")),
        ],
        model_version: Annotated[
            str,
            typer.Option("--model-version", help=_("Version tag shown in Label Studio, e.g. v2.")),
        ],
        models: Annotated[
            Path | None,
            typer.Option(
                "--models",
                help=_("Models directory written by 'regionkit train'; predicts the tasks."),
            ),
        ] = None,
        predictions: Annotated[
            Path | None,
            typer.Option(
                "--predictions",
                help=_(
                    "Predictions table (.parquet or .csv, predict_frame columns) instead of "
                    "--models."
                ),
            ),
        ] = None,
        project: Annotated[
            int | None,
            typer.Option(
                "--project",
                help=_("Label Studio project id (default: the snapshot's only project)."),
            ),
        ] = None,
        scope: Annotated[
            str,
            typer.Option("--scope", help=_("Tasks to push to: all, unlabeled or region:<name>.")),
        ] = "all",
        model: Annotated[
            str, typer.Option("--model", help=_("Model to push: fine_tuned, base or baseline."))
        ] = "fine_tuned",
        batch_size: Annotated[
            int, typer.Option("--batch-size", min=1, help=_("Predictions per import request."))
        ] = 500,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help=_("Print what would change and change nothing."))
        ] = False,
    ) -> None:
        from regionkit.config import label_studio_settings
        from regionkit.console import stdout
        from regionkit.errors import InputError
        from regionkit.labelstudio.client import connect
        from regionkit.labelstudio.push import (
            labeling_targets,
            parse_scope,
            push_predictions,
            select_scope,
        )
        from regionkit.planning.inputs import (
            labeling_config_of,
            predict_tasks,
            project_id_from_manifest,
            read_predictions,
            read_snapshot,
        )

        if (models is None) == (predictions is None):
            raise InputError(_("Pass exactly one of --models and --predictions."))
        parsed_scope = parse_scope(scope)
        tables = read_snapshot(snapshot)
        project_id = project_id_from_manifest(tables.manifest, project)
        label_control, to_name, labels = labeling_targets(
            labeling_config_of(tables.manifest), label_control=tables.manifest.get("label_control")
        )
        scoped = select_scope(tables.tasks, parsed_scope)

        # Connect before predicting, so a wrong URL or API key fails in seconds.
        settings = label_studio_settings()
        client = connect(settings)
        if predictions is not None:
            frame = read_predictions(predictions)
            if "model" in frame.columns and frame["model"].nunique() > 1:
                models_found = sorted(map(str, frame["model"].unique()))
                if model not in models_found:
                    raise InputError(
                        _("{path} has no rows of model {model!r}; pass --model {models}.").format(
                            path=predictions, model=model, models=" or ".join(models_found)
                        )
                    )
                frame = frame[frame["model"] == model]
        else:
            frame = predict_tasks(models, scoped, model=model)

        result = push_predictions(
            client=client,
            project_id=project_id,
            predictions=frame,
            labels=labels,
            label_control=label_control,
            to_name=to_name,
            model_version=model_version,
            tasks=tables.tasks,
            scope=parsed_scope,
            dry_run=dry_run,
            batch_size=batch_size,
            url=settings.url,
        )
        _print_result(result, stdout)


def _print_result(result, console) -> None:
    from rich.markup import escape
    from rich.table import Table

    if result.dry_run:
        template = _(
            "Dry run: would delete {deleted} and create {created} predictions of {version} "
            "in project {project} (scope {scope}); nothing changed."
        )
    else:
        template = _(
            "Deleted {deleted} old and created {created} new predictions of {version} in project "
            "{project} "
            "(scope {scope})."
        )
    summary = template.format(
        deleted=result.deleted,
        created=result.created,
        version=result.model_version,
        project=result.project_id,
        scope=result.scope,
    )
    console.print(summary, markup=False)

    table = Table()
    table.add_column(_("Region"))
    table.add_column(_("Tasks"), justify="right")
    for region, count in result.by_region.items():
        table.add_row(escape(region), str(count))
    console.print(table)
