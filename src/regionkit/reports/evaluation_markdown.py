"""The evaluation report as Markdown, for a pull request or a wiki page."""

from __future__ import annotations

from collections.abc import Sequence

from regionkit.evaluation import EvaluationReport
from regionkit.i18n import _
from regionkit.reports import evaluation_format as fmt
from regionkit.reports import evaluation_tables as tables


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, right: Sequence[int] = ()
) -> str:
    """Return a GitHub-flavoured Markdown table; ``right`` columns are right-aligned."""
    alignment = ["---:" if index in right else "---" for index in range(len(headers))]
    lines = [
        "| " + " | ".join(_cell(header) for header in headers) + " |",
        "| " + " | ".join(alignment) + " |",
    ]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _render(table: tables.TextTable, *, text_columns: Sequence[int]) -> str:
    """Render a report table; the overall row's first cell is bold."""
    rows = []
    for row, kind in zip(table.rows, table.kinds, strict=True):
        if kind == tables.OVERALL:
            row = [f"**{row[0]}**", *row[1:]]
        rows.append(row)
    right = [index for index in range(len(table.headers)) if index not in text_columns]
    return markdown_table(table.headers, rows, right=right)


def _model_section(report: EvaluationReport, model: str) -> str:
    title = _("{model} model").format(model=fmt.model_name(model))
    table = _render(tables.region_table(report, model), text_columns=(0, 8))
    return f"## {title}\n\n{table}\n\n{tables.model_summary(report, model)}\n"


def _lift_section(report: EvaluationReport) -> str:
    table = _render(tables.lift_table(report), text_columns=(0,))
    return f"## {tables.lift_title(report.lift)}\n\n{table}\n"


def _gate_section(report: EvaluationReport) -> str:
    lines = [f"## {_('Gate')}", "", fmt.gate_summary(report)]
    if report.gate.failures:
        lines.append("")
        lines += [f"- {fmt.failure_text(failure)}" for failure in report.gate.failures]
    not_gated = tables.not_gated_text(report)
    if not_gated:
        lines += ["", not_gated]
    return "\n".join(lines) + "\n"


def render_evaluation_markdown(report: EvaluationReport) -> str:
    """Return the whole report as Markdown."""
    intro = _(
        "Primary metric {metric}. Intervals are {level}% stratified bootstrap intervals "
        "({n_boot} replicates, seed {seed}); p-values test each region against all other "
        "regions ({n_permutations} permutations) with Holm correction across regions. "
        "Regions with fewer than {min_size} test tasks are too few to judge."
    ).format(
        metric=fmt.metric_name(report.primary_metric),
        level=f"{report.confidence_level * 100:g}",
        n_boot=report.n_boot,
        seed=report.seed,
        n_permutations=report.n_permutations,
        min_size=report.min_region_size,
    )
    sections = [f"# {_('Evaluation per region')}", intro]
    sections += [_model_section(report, model) for model in report.models]
    if report.lift is not None:
        sections.append(_lift_section(report))
    sections.append(_gate_section(report))
    return "\n\n".join(section.rstrip("\n") for section in sections) + "\n"
