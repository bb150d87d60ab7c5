"""The evaluation report as one self-contained HTML page (figures embedded, no remote URL)."""

from __future__ import annotations

from collections.abc import Sequence

from regionkit.evaluation import EvaluationReport
from regionkit.i18n import _
from regionkit.reports import evaluation_format as fmt
from regionkit.reports import evaluation_plots as plots
from regionkit.reports import evaluation_tables as tables
from regionkit.reports.html import escape, figure_html, page_html, table_html

#: CSS class of each row kind (see regionkit.reports.html.STYLE).
ROW_CLASSES = {tables.LAGS: "bad", tables.SMALL: "muted", tables.REGION: "", tables.OVERALL: ""}


def _render(table: tables.TextTable, *, text_columns: Sequence[int]) -> str:
    classes = [ROW_CLASSES[kind] for kind in table.kinds]
    return table_html(table.headers, table.rows, text_columns=text_columns, row_classes=classes)


def _gate_html(report: EvaluationReport) -> str:
    gate = report.gate
    css = "ok" if gate.passed else "bad"
    parts = [
        f"<h2>{escape(_('Gate'))}</h2>",
        f'<p class="{css}">{escape(fmt.gate_summary(report))}</p>',
    ]
    if gate.failures:
        items = "".join(
            f"<li>{escape(fmt.failure_text(failure))}</li>" for failure in gate.failures
        )
        parts.append(f"<ul>{items}</ul>")
    not_gated = tables.not_gated_text(report)
    if not_gated:
        parts.append(f'<p class="warn">{escape(not_gated)}</p>')
    return "".join(parts)


def render_evaluation_html(report: EvaluationReport) -> str:
    """Return the complete report page as HTML text."""
    intro = _(
        "Intervals are {level}% stratified bootstrap intervals ({n_boot} replicates, seed {seed}). "
        "p tests each region against all other regions ({n_permutations} permutations); "
        "p (Holm) is corrected across regions. Regions with fewer than {min_size} test tasks "
        "are too few to judge; their detectable gap is the smallest gap a test could find."
    ).format(
        level=f"{report.confidence_level * 100:g}",
        n_boot=report.n_boot,
        seed=report.seed,
        n_permutations=report.n_permutations,
        min_size=report.min_region_size,
    )
    sections = [f"<p>{escape(intro)}</p>", _gate_html(report)]
    sections.append(f"<h2>{escape(_('Per-region metric'))}</h2>")
    sections.append(
        figure_html(
            plots.metric_figure(report), caption=_("Primary metric per region with intervals")
        )
    )

    for model in report.models:
        title = _("{model} model").format(model=fmt.model_name(model))
        sections.append(f"<h2>{escape(title)}</h2>")
        sections.append(_render(tables.region_table(report, model), text_columns=(0, 8)))
        sections.append(f"<p>{escape(tables.model_summary(report, model))}</p>")
        sections.append(
            figure_html(plots.gap_figure(report, model), caption=_("Gap to overall per region"))
        )

    if report.lift is not None:
        title = tables.lift_title(report.lift)
        sections.append(f"<h2>{escape(title)}</h2>")
        sections.append(_render(tables.lift_table(report), text_columns=(0,)))
        sections.append(figure_html(plots.lift_figure(report), caption=title))

    for model in report.models:
        title = _("Confusion matrices and per-class scores: {model}").format(
            model=fmt.model_name(model)
        )
        sections.append(f"<h2>{escape(title)}</h2>")
        sections.append(figure_html(plots.confusion_figure(report, model), caption=title))
        sections.append(_render(tables.per_class_table(report, model), text_columns=(0, 1)))

    subtitle = _("Primary metric: {metric}. Labels: {labels}.").format(
        metric=fmt.metric_name(report.primary_metric), labels=", ".join(report.labels)
    )
    return page_html(_("Evaluation per region"), sections, subtitle=subtitle)
