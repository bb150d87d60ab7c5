"""Report tables as plain text cells, shared by the Markdown and HTML evaluation reports."""

from __future__ import annotations

from dataclasses import dataclass

from regionkit.evaluation import EvaluationReport, LiftResult
from regionkit.i18n import _
from regionkit.reports import evaluation_format as fmt

#: Row kinds a renderer can style: plain region, significant lag, small region, whole test set.
REGION, LAGS, SMALL, OVERALL = "region", "lags", "small", "overall"


@dataclass(frozen=True)
class TextTable:
    """Headers, formatted rows and the kind of each row."""

    headers: list[str]
    rows: list[list[str]]
    kinds: list[str]


def other_metric(metric: str) -> str:
    """Return the metric reported next to the primary one."""
    return "accuracy" if metric == "macro_f1" else "macro_f1"


def region_table(report: EvaluationReport, model: str) -> TextTable:
    """Tabulate one model per region, worst first, then the whole test set."""
    result = report.models[model]
    metric = report.primary_metric
    other = other_metric(metric)
    ci = fmt.ci_label(report)
    headers = [
        _("Region"),
        "n",
        _("{metric} [{ci}]").format(metric=fmt.metric_name(metric), ci=ci),
        _("{metric} [{ci}]").format(metric=fmt.metric_name(other), ci=ci),
        _("Gap to overall [{ci}]").format(ci=ci),
        _("Gap to best [{ci}]").format(ci=ci),
        _("p"),
        _("p (Holm)"),
        _("Verdict"),
    ]

    rows, kinds = [], []
    for name in result.regions_worst_first(metric):
        region = result.regions[name]
        metrics = region.metrics
        rows.append(
            [
                name,
                str(metrics.n),
                fmt.with_interval(metrics.value(metric), metrics.interval(metric)),
                fmt.with_interval(metrics.value(other), metrics.interval(other)),
                fmt.with_interval(region.gap_to_overall, region.gap_ci, sign=True),
                fmt.with_interval(region.gap_to_best, region.gap_to_best_ci, sign=True),
                fmt.p_value(region.p_value),
                fmt.p_value(region.p_value_holm),
                fmt.verdict(region),
            ]
        )
        if region.too_few_to_judge:
            kinds.append(SMALL)
        elif region.significant and region.gap_to_overall < 0:
            kinds.append(LAGS)
        else:
            kinds.append(REGION)

    overall = result.overall
    rows.append(
        [
            _("overall"),
            str(overall.n),
            fmt.with_interval(overall.value(metric), overall.interval(metric)),
            fmt.with_interval(overall.value(other), overall.interval(other)),
        ]
        + [""] * 5
    )
    kinds.append(OVERALL)
    return TextTable(headers=headers, rows=rows, kinds=kinds)


def model_summary(report: EvaluationReport, model: str) -> str:
    """Name the best and worst region and the worst-to-best ratio in one sentence."""
    result = report.models[model]
    return _(
        "Best region {best}, worst region {worst}; worst-to-best ratio {ratio} {interval}."
    ).format(
        best=result.best_region,
        worst=result.worst_region,
        ratio=fmt.number(result.worst_to_best_ratio),
        interval=fmt.interval(result.worst_to_best_ratio_ci),
    )


def lift_title(lift: LiftResult) -> str:
    """Return the heading of the lift section."""
    return _("Lift of {model} over {reference} in {metric}").format(
        model=fmt.model_name(lift.model),
        reference=fmt.model_name(lift.reference),
        metric=fmt.metric_name(lift.metric),
    )


def lift_table(report: EvaluationReport) -> TextTable:
    """Tabulate the lift per region (worst region of the lift model first), then overall."""
    lift = report.lift
    model, reference = report.models[lift.model], report.models[lift.reference]
    headers = [
        _("Region"),
        fmt.model_name(lift.reference),
        fmt.model_name(lift.model),
        _("Lift [{ci}]").format(ci=fmt.ci_label(report)),
        _("p"),
        _("p (Holm)"),
    ]
    rows = []
    for name in model.regions_worst_first(lift.metric):
        entry = lift.regions[name]
        rows.append(
            [
                name,
                fmt.number(reference.regions[name].metrics.value(lift.metric)),
                fmt.number(model.regions[name].metrics.value(lift.metric)),
                fmt.with_interval(entry.value, entry.ci, sign=True),
                fmt.p_value(entry.p_value),
                fmt.p_value(entry.p_value_holm),
            ]
        )
    rows.append(
        [
            _("overall"),
            fmt.number(reference.overall.value(lift.metric)),
            fmt.number(model.overall.value(lift.metric)),
            fmt.with_interval(lift.overall.value, lift.overall.ci, sign=True),
            fmt.p_value(lift.overall.p_value),
            # A single test: its Holm-adjusted p-value is the p-value itself.
            fmt.p_value(lift.overall.p_value),
        ]
    )
    kinds = [REGION] * (len(rows) - 1) + [OVERALL]
    return TextTable(headers=headers, rows=rows, kinds=kinds)


def per_class_table(report: EvaluationReport, model: str) -> TextTable:
    """Tabulate precision, recall and F1 per label, for the whole and every region."""
    result = report.models[model]
    headers = [_("Region"), _("Label"), _("Precision"), _("Recall"), "F1", _("Support")]
    groups = [(_("overall"), result.overall)]
    groups += [
        (name, result.regions[name].metrics)
        for name in result.regions_worst_first(report.primary_metric)
    ]
    rows = []
    for title, metrics in groups:
        for label, scores in metrics.per_class.items():
            rows.append(
                [
                    title,
                    label,
                    fmt.with_interval(scores.precision, scores.precision_ci),
                    fmt.with_interval(scores.recall, scores.recall_ci),
                    fmt.with_interval(scores.f1, scores.f1_ci),
                    str(scores.support),
                ]
            )
    return TextTable(headers=headers, rows=rows, kinds=[REGION] * len(rows))


def not_gated_text(report: EvaluationReport) -> str | None:
    """Return the sentence listing regions the gate skipped, or None when there is none."""
    gate = report.gate
    if not gate.not_judged or (gate.max_gap is None and not gate.min_metric):
        return None
    return _("Not gated (too few to judge): {regions}.").format(regions=", ".join(gate.not_judged))
