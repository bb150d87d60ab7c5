"""The `regionkit evaluate` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regionkit.errors import InputError
from regionkit.i18n import _


def register(app: typer.Typer) -> None:
    """Add the `evaluate` command to ``app``."""

    @app.command(
        "evaluate",
        help=_(
            "Evaluate models per region: metrics with confidence intervals, gaps to the overall "
            "and best region, significance, fine-tuning lift and an optional quality gate. "
            "Writes report.json, report.html, report.md and predictions.parquet."
        ),
    )
    def command(
        out: Annotated[
            Path, typer.Option("--out", help=_("Directory for the reports and predictions."))
        ],
        models: Annotated[
            Path | None,
            typer.Option("--models", help=_("Output directory of 'regionkit train'.")),
        ] = None,
        data: Annotated[
            Path | None,
            typer.Option("--data", help=_("Output directory of 'regionkit validate'.")),
        ] = None,
        predictions: Annotated[
            Path | None,
            typer.Option(
                "--predictions",
                help=_(
                    "Evaluate this predictions Parquet file (task_id, region, model, y_true, "
                    "y_pred) instead of predicting with --models and --data."
                ),
            ),
        ] = None,
        labels: Annotated[
            str | None,
            typer.Option(
                "--labels",
                help=_(
                    "Comma-separated labels in order, for a --predictions file that stores none."
                ),
            ),
        ] = None,
        model: Annotated[
            list[str] | None,
            typer.Option(
                "--model", help=_("Evaluate only this model (repeatable), e.g. fine_tuned.")
            ),
        ] = None,
        primary_metric: Annotated[
            str,
            typer.Option(
                "--primary-metric",
                help=_("Metric for gaps, tests, lift and --max-gap: macro_f1 or accuracy."),
            ),
        ] = "macro_f1",
        n_boot: Annotated[
            int, typer.Option("--n-boot", help=_("Bootstrap replicates (at least 100)."))
        ] = 1000,
        confidence_level: Annotated[
            float,
            typer.Option(
                "--confidence-level", help=_("Coverage of the confidence intervals, e.g. 0.95.")
            ),
        ] = 0.95,
        seed: Annotated[
            int, typer.Option("--seed", help=_("Seed of the bootstrap and permutation tests."))
        ] = 0,
        min_region_size: Annotated[
            int,
            typer.Option(
                "--min-region-size", help=_("Regions with fewer test tasks are too few to judge.")
            ),
        ] = 100,
        max_ci_width: Annotated[
            float | None,
            typer.Option(
                "--max-ci-width",
                help=_("Also mark a region too few to judge when its interval is wider."),
            ),
        ] = None,
        max_gap: Annotated[
            float | None,
            typer.Option(
                "--max-gap",
                help=_(
                    "Gate: largest allowed lag of a region behind the overall "
                    "primary metric, e.g. 0.05."
                ),
            ),
        ] = None,
        min_metric: Annotated[
            list[str] | None,
            typer.Option(
                "--min-metric",
                help=_(
                    "Gate: METRIC=VALUE or REGION:METRIC=VALUE, e.g. "
                    "macro_f1=0.5 or hi:macro_f1=0.4 (repeatable)."
                ),
            ),
        ] = None,
        gate_model: Annotated[
            str | None,
            typer.Option(
                "--gate-model",
                help=_("Model the gate checks (default: fine_tuned, else the first)."),
            ),
        ] = None,
    ) -> None:
        from regionkit.console import stdout
        from regionkit.evaluation import (
            EvaluationSettings,
            evaluate_models,
            evaluate_predictions,
            load_predictions,
            raise_for_gate,
        )
        from regionkit.reports import write_evaluation_reports
        from regionkit.reports.evaluation_terminal import print_evaluation

        settings = EvaluationSettings(
            primary_metric=primary_metric,
            n_boot=n_boot,
            confidence_level=confidence_level,
            seed=seed,
            min_region_size=min_region_size,
            max_ci_width=max_ci_width,
            max_gap=max_gap,
            min_metric=tuple(min_metric or ()),
            gate_model=gate_model,
            models=tuple(model) if model else None,
        )

        if predictions is not None:
            if models is not None or data is not None:
                raise InputError(_("Use either --predictions or --models with --data, not both."))
            frame, stored_labels = load_predictions(predictions)
            label_list = [label.strip() for label in labels.split(",")] if labels else stored_labels
            if not label_list:
                raise InputError(
                    _(
                        "{path} stores no label list; pass --labels, "
                        "e.g. --labels negative,neutral,positive."
                    ).format(path=predictions)
                )
            report = evaluate_predictions(
                frame,
                labels=label_list,
                progress=True,
                source={"predictions": str(predictions)},
                **settings.options(),
            )
            paths = write_evaluation_reports(report, out)
        else:
            if models is None or data is None:
                raise InputError(
                    _(
                        "Pass --models and --data (outputs of 'regionkit train' and "
                        "'regionkit validate'), or --predictions FILE.parquet."
                    )
                )
            run = evaluate_models(
                model_dir=models,
                data=data,
                out=out,
                settings=settings,
                progress=True,
                check_gate=False,
            )
            report, paths = run.report, run.report_paths

        print_evaluation(report, stdout)
        stdout.print(
            _("Reports: {paths}").format(paths=", ".join(str(path) for path in paths.values())),
            soft_wrap=True,
        )
        raise_for_gate(report, report_path=paths["json"])
