"""The `regionkit plan` command: split a labeling budget across regions and choose the tasks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `plan` command to ``app``."""

    @app.command(
        "plan",
        help=_(
            "Plan the next labeling round: split a budget across regions from the evaluation "
            "report's "
            "gaps and confidence intervals, and choose the unlabeled tasks the model is least "
            "sure about."
        ),
    )
    def command(
        report: Annotated[
            Path,
            typer.Option("--report", help=_("Evaluation report.json (or its directory).")),
        ],
        snapshot: Annotated[
            Path,
            typer.Option(
                "--snapshot", help=_("Snapshot directory with tasks, annotations and manifest.")
            ),
        ],
        out: Annotated[Path, typer.Option("--out", help=_("Directory for plan.json and plan.md."))],
        budget: Annotated[
            int | None, typer.Option("--budget", min=1, help=_("Tasks to label in this round."))
        ] = None,
        hours: Annotated[
            float | None,
            typer.Option(
                "--hours",
                help=_(
                    "Annotator hours for this round; converted per region with the median "
                    "lead_time."
                ),
            ),
        ] = None,
        predictions: Annotated[
            Path | None,
            typer.Option(
                "--predictions", help=_("Predictions for the candidate tasks (.parquet or .csv).")
            ),
        ] = None,
        models: Annotated[
            Path | None,
            typer.Option(
                "--models",
                help=_("Models directory; predicts the candidate tasks instead of --predictions."),
            ),
        ] = None,
        model: Annotated[
            str | None,
            typer.Option("--model", help=_("Report model to plan for (default: fine_tuned).")),
        ] = None,
        uncertainty: Annotated[
            str, typer.Option("--uncertainty", help=_("Rank tasks by margin or entropy."))
        ] = "margin",
        similarity: Annotated[
            float,
            typer.Option(
                "--similarity",
                help=_("Cosine similarity (0-1] at which two tasks are near-duplicates."),
            ),
        ] = 0.9,
        target_gap: Annotated[
            float,
            typer.Option(
                "--target-gap",
                help=_("Gap in the primary metric to be able to judge, e.g. 0.05 = 5 points."),
            ),
        ] = 0.05,
        measurement_share: Annotated[
            float,
            typer.Option(
                "--measurement-share",
                help=_("Maximum share of the budget for regions with too wide a CI."),
            ),
        ] = 0.25,
        holdout_fraction: Annotated[
            float,
            typer.Option(
                "--holdout-fraction",
                help=_(
                    "Treat this share of each region's labeled train tasks as unlabeled "
                    "(simulated round)."
                ),
            ),
        ] = 0.0,
        holdout_split: Annotated[
            str,
            typer.Option(
                "--holdout-split",
                help=_("Split the held-back tasks come from: train, val or test."),
            ),
        ] = "train",
        insignificant_weight: Annotated[
            float,
            typer.Option(
                "--insignificant-weight",
                help=_(
                    "Weight (0-1) of a gap that is not significant, relative to a significant one."
                ),
            ),
        ] = 0.5,
        seed: Annotated[int, typer.Option("--seed", help=_("Seed of the holdout draw."))] = 0,
        apply: Annotated[
            bool,
            typer.Option(
                "--apply", help=_("Create Data Manager views in Label Studio for the plan.")
            ),
        ] = False,
        project: Annotated[
            int | None,
            typer.Option(
                "--project", help=_("Project for --apply (default: the snapshot's only one).")
            ),
        ] = None,
        one_view: Annotated[
            bool,
            typer.Option(
                "--one-view",
                help=_("With --apply, one view for all regions instead of one per region."),
            ),
        ] = False,
        tier_size: Annotated[
            int | None,
            typer.Option(
                "--tier-size",
                min=1,
                help=_(
                    "With --apply, split each region's tasks in priority order into views of this "
                    "many tasks."
                ),
            ),
        ] = None,
    ) -> None:
        from regionkit.console import stdout
        from regionkit.planning.inputs import project_id_from_manifest
        from regionkit.planning.run import plan_from_files
        from regionkit.reports.plan_terminal import print_plan

        result = plan_from_files(
            report=report,
            snapshot=snapshot,
            out=out,
            models=models,
            predictions=predictions,
            budget=budget,
            hours=hours,
            model=model,
            uncertainty_method=uncertainty,
            similarity=similarity,
            target_gap=target_gap,
            measurement_share=measurement_share,
            insignificant_weight=insignificant_weight,
            holdout_fraction=holdout_fraction,
            holdout_split=holdout_split,
            seed=seed,
        )
        document = result.plan.to_dict(localized=True)
        print_plan(document, console=stdout)
        stdout.print(
            _("Wrote {json} and {markdown}.").format(
                json=result.paths["json"], markdown=result.paths["markdown"]
            ),
            markup=False,
        )

        if apply:
            from regionkit.config import label_studio_settings
            from regionkit.labelstudio.client import connect
            from regionkit.labelstudio.views import apply_plan

            settings = label_studio_settings()
            client = connect(settings)
            project_id = project_id_from_manifest(result.manifest, project)
            tasks = result.tasks
            project_task_ids = None
            if tasks is not None and "project_id" in tasks.columns:
                project_task_ids = tasks.loc[tasks["project_id"] == project_id, "task_id"].tolist()
            views = apply_plan(
                client=client,
                project_id=project_id,
                plan=document,
                per_region=not one_view,
                tier_size=tier_size,
                url=settings.url,
                project_task_ids=project_task_ids,
            )
            for view in views:
                stdout.print(
                    _("Created view {id} '{title}' with {count} tasks.").format(
                        id=view.view_id, title=view.title, count=len(view.task_ids)
                    ),
                    markup=False,
                )
