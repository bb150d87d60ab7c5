"""The `regionkit train` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from regionkit.i18n import _


def _settings_from_options(options: dict):
    """Build TrainingSettings from the options the user gave; the rest keep their defaults."""
    from regionkit.errors import InputError
    from regionkit.training import TrainingSettings

    explicit = {key: value for key, value in options.items() if value is not None}
    if "base_regions" in explicit:
        explicit["base_regions"] = [
            region.strip() for region in explicit["base_regions"].split(",") if region.strip()
        ]
    try:
        return TrainingSettings(**explicit)
    except ValueError as error:
        first = (
            error.errors()[0] if hasattr(error, "errors") else {"loc": ("?",), "msg": str(error)}
        )
        raise InputError(
            _("Invalid option {option}: {message}.").format(
                option="--" + str(first["loc"][0]).replace("_", "-"), message=first["msg"]
            )
        ) from None


def _print_scores(result) -> None:
    from rich.table import Table

    from regionkit.console import stdout

    table = Table(title=_("Validation macro-F1 per region"))
    table.add_column(_("region"))
    models = [name for name in ("base", "fine_tuned", "baseline") if name in result.val_scores]
    for name in models:
        table.add_column(name, justify="right")
    regions = [region for region in result.val_scores["base"] if region != "all"] + ["all"]
    for region in regions:
        cells = []
        for name in models:
            score = result.val_scores[name].get(region, {}).get("macro_f1")
            cells.append("-" if score is None or score != score else f"{score:.3f}")
        table.add_row(region, *cells)
    stdout.print(table)
    stdout.print(
        _("Models written to {path} in {seconds:.0f} s.").format(
            path=result.model_dir, seconds=result.seconds["total"]
        )
    )


def register(app: typer.Typer) -> None:
    """Add the `train` command to ``app``."""

    @app.command(
        "train",
        help=_(
            "Fine-tune a base model on the clean regional data of 'regionkit validate' and save the "
            "base, fine-tuned and TF-IDF baseline models with history, TensorBoard logs and a SavedModel."
        ),
    )
    def command(
        data: Annotated[Path, typer.Argument(help=_("Output directory of 'regionkit validate'."))],
        out: Annotated[
            Path, typer.Option("--out", "-o", help=_("Model directory to write."))
        ] = Path("models"),
        base_model: Annotated[
            Path | None,
            typer.Option(
                help=_("Keras base model (.keras) taking raw inputs; default: the built-in base.")
            ),
        ] = None,
        strategy: Annotated[
            str | None, typer.Option(help=_("joint or per-region (default: per-region)."))
        ] = None,
        base_regions: Annotated[
            str | None,
            typer.Option(
                help=_("Comma-separated regions that train the built-in base (default: all).")
            ),
        ] = None,
        epochs: Annotated[
            int | None, typer.Option(help=_("Maximum fine-tuning epochs (default: 30)."))
        ] = None,
        base_epochs: Annotated[
            int | None,
            typer.Option(help=_("Maximum epochs of the built-in base (default: 40).")),
        ] = None,
        learning_rate: Annotated[
            float | None, typer.Option(help=_("Fine-tuning learning rate (default: 0.0003)."))
        ] = None,
        base_learning_rate: Annotated[
            float | None,
            typer.Option(help=_("Learning rate of the built-in base (default: 0.001).")),
        ] = None,
        batch_size: Annotated[
            int | None, typer.Option(help=_("Examples per step (default: 64)."))
        ] = None,
        frozen_layers: Annotated[
            int | None,
            typer.Option(help=_("Leading trainable layers frozen in fine-tuning (default: 0).")),
        ] = None,
        patience: Annotated[
            int | None,
            typer.Option(
                help=_("Epochs without a better validation score before stopping (default: 4).")
            ),
        ] = None,
        class_weight: Annotated[
            str | None, typer.Option(help=_("balanced or none (default: balanced)."))
        ] = None,
        seed: Annotated[int | None, typer.Option(help=_("Random seed (default: 0)."))] = None,
        group_field: Annotated[
            str | None,
            typer.Option(
                help=_(
                    "Task data field whose equal values stay in one split, when there is no split column."
                )
            ),
        ] = None,
        image_root: Annotated[
            Path | None,
            typer.Option(
                help=_("Directory that image paths resolve under (default: the data directory).")
            ),
        ] = None,
        cache_dir: Annotated[
            Path | None, typer.Option(help=_("Embedding cache directory (default: OUT/cache)."))
        ] = None,
        threads: Annotated[
            int | None, typer.Option(help=_("CPU threads (default: all cores)."))
        ] = None,
        baseline: Annotated[
            bool | None,
            typer.Option(
                "--baseline/--no-baseline", help=_("Train the TF-IDF baseline (default: on).")
            ),
        ] = None,
    ) -> None:
        from regionkit.training import train_models

        settings = _settings_from_options(
            {
                "base_model": base_model,
                "strategy": strategy,
                "base_regions": base_regions,
                "epochs": epochs,
                "base_epochs": base_epochs,
                "learning_rate": learning_rate,
                "base_learning_rate": base_learning_rate,
                "batch_size": batch_size,
                "frozen_layers": frozen_layers,
                "patience": patience,
                "class_weight": class_weight,
                "seed": seed,
                "group_field": group_field,
                "image_root": image_root,
                "cache_dir": cache_dir,
                "threads": threads,
                "baseline": baseline,
            }
        )
        result = train_models(data=data, out=out, settings=settings)
        _print_scores(result)
