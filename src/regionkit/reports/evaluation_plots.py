"""Matplotlib figures of the evaluation report (Agg backend, no display needed)."""

from __future__ import annotations

import math
from typing import Any

from regionkit.evaluation import EvaluationReport
from regionkit.i18n import _, localized_figure
from regionkit.reports import evaluation_format as fmt

#: Colours per model, in report order; further models cycle through the list.
MODEL_COLORS = ("#1f77b4", "#ff7f0e", "#7f7f7f", "#2ca02c", "#9467bd")
LAG_COLOR, AHEAD_COLOR, NEUTRAL_COLOR, SMALL_COLOR = "#b42318", "#1a7f37", "#57606a", "#c8c8c8"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _region_order(report: EvaluationReport) -> list[str]:
    """Regions of the gate model (or the first model), worst first in the primary metric."""
    model = report.gate.model or next(iter(report.models))
    return report.models[model].regions_worst_first(report.primary_metric)


@localized_figure
def metric_figure(report: EvaluationReport) -> Any:
    """Plot the primary metric per region and model with confidence-interval error bars."""
    plt = _pyplot()
    metric = report.primary_metric
    regions = _region_order(report)
    figure, axes = plt.subplots(figsize=(8, 0.45 * len(regions) + 1.6))
    width = 0.7 / max(1, len(report.models))

    for index, (model, result) in enumerate(report.models.items()):
        positions = [
            r + (index - (len(report.models) - 1) / 2) * width for r in range(len(regions))
        ]
        values = [result.regions[name].metrics.value(metric) for name in regions]
        lows = [
            value - result.regions[name].metrics.interval(metric)[0]
            for name, value in zip(regions, values, strict=True)
        ]
        highs = [
            result.regions[name].metrics.interval(metric)[1] - value
            for name, value in zip(regions, values, strict=True)
        ]
        color = MODEL_COLORS[index % len(MODEL_COLORS)]
        axes.errorbar(
            values,
            positions,
            xerr=[lows, highs],
            fmt="o",
            color=color,
            capsize=3,
            label=fmt.model_name(model),
        )
        axes.axvline(result.overall.value(metric), color=color, linestyle=":", linewidth=1)

    axes.set_yticks(range(len(regions)), regions)
    axes.invert_yaxis()
    axes.set_xlabel(
        _("{metric} with {ci} (dotted: overall)").format(
            metric=fmt.metric_name(metric), ci=fmt.ci_label(report)
        )
    )
    axes.set_title(_("{metric} per region").format(metric=fmt.metric_name(metric)))
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    axes.grid(axis="x", alpha=0.3)
    return figure


@localized_figure
def gap_figure(report: EvaluationReport, model: str) -> Any:
    """Plot each region's gap to the overall value with intervals, coloured by verdict."""
    plt = _pyplot()
    result = report.models[model]
    regions = result.regions_worst_first(report.primary_metric)
    figure, axes = plt.subplots(figsize=(8, 0.4 * len(regions) + 1.6))

    gaps = [result.regions[name].gap_to_overall for name in regions]
    colors = []
    for name in regions:
        region = result.regions[name]
        if region.too_few_to_judge:
            colors.append(SMALL_COLOR)
        elif region.significant:
            colors.append(LAG_COLOR if region.gap_to_overall < 0 else AHEAD_COLOR)
        else:
            colors.append(NEUTRAL_COLOR)
    lows = [gap - result.regions[name].gap_ci[0] for name, gap in zip(regions, gaps, strict=True)]
    highs = [result.regions[name].gap_ci[1] - gap for name, gap in zip(regions, gaps, strict=True)]
    axes.barh(range(len(regions)), gaps, xerr=[lows, highs], color=colors, capsize=3)
    axes.axvline(0.0, color="black", linewidth=0.8)
    if report.gate.max_gap is not None and model == report.gate.model:
        axes.axvline(
            -report.gate.max_gap,
            color=LAG_COLOR,
            linestyle="--",
            linewidth=1,
            label=_("allowed gap"),
        )
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")

    axes.set_yticks(range(len(regions)), regions)
    axes.invert_yaxis()
    axes.set_xlabel(
        _("Gap to overall {metric} with {ci}").format(
            metric=fmt.metric_name(report.primary_metric), ci=fmt.ci_label(report)
        )
    )
    axes.set_title(
        _("Gaps of the {model} model (red: significant lag, grey: too few to judge)").format(
            model=fmt.model_name(model)
        )
    )
    axes.grid(axis="x", alpha=0.3)
    return figure


@localized_figure
def lift_figure(report: EvaluationReport) -> Any | None:
    """Plot base against fine-tuned per region as a dumbbell chart, or None without lift."""
    lift = report.lift
    if lift is None:
        return None
    plt = _pyplot()
    model, reference = report.models[lift.model], report.models[lift.reference]
    regions = model.regions_worst_first(lift.metric)
    figure, axes = plt.subplots(figsize=(8, 0.45 * len(regions) + 1.6))

    for row, name in enumerate(regions):
        before = reference.regions[name].metrics.value(lift.metric)
        after = model.regions[name].metrics.value(lift.metric)
        color = AHEAD_COLOR if lift.regions[name].significant and after > before else NEUTRAL_COLOR
        axes.plot([before, after], [row, row], color=color, linewidth=2)
    for index, (name, result) in enumerate(((lift.reference, reference), (lift.model, model))):
        values = [result.regions[region].metrics.value(lift.metric) for region in regions]
        axes.scatter(
            values,
            range(len(regions)),
            color=MODEL_COLORS[(index + 1) % 2],
            zorder=3,
            label=fmt.model_name(name),
        )

    axes.set_yticks(range(len(regions)), regions)
    axes.invert_yaxis()
    axes.set_xlabel(fmt.metric_name(lift.metric))
    axes.set_title(
        _("{reference} vs {model} per region (green: significant lift)").format(
            reference=fmt.model_name(lift.reference), model=fmt.model_name(lift.model)
        )
    )
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    axes.grid(axis="x", alpha=0.3)
    return figure


@localized_figure
def confusion_figure(report: EvaluationReport, model: str) -> Any:
    """Plot row-normalized confusion matrices of the whole test set and every region."""
    plt = _pyplot()
    result = report.models[model]
    groups = [(_("overall"), result.overall)] + [
        (name, result.regions[name].metrics)
        for name in result.regions_worst_first(report.primary_metric)
    ]
    columns = min(3, len(groups))
    rows = math.ceil(len(groups) / columns)
    size = 1.0 + 0.55 * len(report.labels)
    figure, axes_grid = plt.subplots(
        rows, columns, figsize=(size * columns + 1, size * rows + 0.5), squeeze=False
    )

    for axes in axes_grid.ravel()[len(groups) :]:
        axes.axis("off")
    for axes, (title, metrics) in zip(axes_grid.ravel(), groups, strict=False):
        matrix = metrics.confusion_matrix
        totals = [max(1, sum(row)) for row in matrix]
        shares = [
            [count / total for count in row] for row, total in zip(matrix, totals, strict=True)
        ]
        axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
        for i, row in enumerate(matrix):
            for j, count in enumerate(row):
                axes.text(
                    j,
                    i,
                    str(count),
                    ha="center",
                    va="center",
                    fontsize="small",
                    color="white" if shares[i][j] > 0.6 else "black",
                )
        axes.set_title(_("{group} (n={n})").format(group=title, n=metrics.n), fontsize="medium")
        axes.set_xticks(
            range(len(report.labels)), report.labels, rotation=45, ha="right", fontsize="small"
        )
        axes.set_yticks(range(len(report.labels)), report.labels, fontsize="small")
        axes.set_xlabel(_("predicted"), fontsize="small")
        axes.set_ylabel(_("true"), fontsize="small")
    figure.suptitle(
        _("Confusion matrices of the {model} model (colour: share of the true label)").format(
            model=fmt.model_name(model)
        )
    )
    figure.tight_layout()
    return figure
