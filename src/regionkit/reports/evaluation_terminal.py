"""The evaluation report in the terminal: one rich table per model, worst region first."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from regionkit.evaluation import EvaluationReport
from regionkit.i18n import _
from regionkit.reports import evaluation_format as fmt
from regionkit.reports import evaluation_tables as tables

#: rich style of each row kind.
ROW_STYLES = {tables.LAGS: "red", tables.SMALL: "dim", tables.REGION: "", tables.OVERALL: "bold"}
#: Columns of the region table shown in the terminal: region, n, primary metric,
#: gap to overall, p (Holm) and verdict. The rest is left to report.md and report.html
#: so that the table fits 100 columns.
REGION_COLUMNS = (0, 1, 2, 4, 7, 8)
#: Columns of the lift table shown in the terminal (all but the unadjusted p).
LIFT_COLUMNS = (0, 1, 2, 3, 5)
#: Consoles narrower than this get compact tables, with intervals below the values.
COMPACT_WIDTH = 110
#: Text columns are at least as wide as their longest word, up to this many characters.
TEXT_MIN_WIDTH = 12


def _rich_table(
    source: tables.TextTable,
    *,
    title: str,
    columns: tuple[int, ...],
    text_columns: tuple[int, ...],
    compact: bool,
) -> Table:
    """Build a rich table; ``compact`` puts each interval on a line below its value."""
    # Without vertical rules a compact table keeps 7 more columns for its cells.
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD
    )
    rows = []
    for row in source.rows:
        cells = [row[index] for index in columns]
        if compact:
            cells = [
                cell if index in text_columns else cell.replace(" [", "\n[", 1)
                for index, cell in zip(columns, cells, strict=True)
            ]
        rows.append(cells)

    for position, index in enumerate(columns):
        if index in text_columns:
            words = [word for row in rows for word in row[position].split()]
            longest = max((len(word) for word in words), default=1)
            table.add_column(source.headers[index], min_width=min(longest, TEXT_MIN_WIDTH))
        else:
            # Numbers never wrap: the column is as wide as its longest line; a long header wraps.
            lines = [line for row in rows for line in row[position].splitlines()]
            longest = max((len(line) for line in lines), default=1)
            table.add_column(source.headers[index], justify="right", min_width=longest)

    for cells, kind in zip(rows, source.kinds, strict=True):
        if kind == tables.OVERALL:
            table.add_section()
        table.add_row(*cells, style=ROW_STYLES[kind])
    return table


def model_table(report: EvaluationReport, model: str, *, compact: bool = False) -> Table:
    """Return the per-region table of one model, sorted worst first in the primary metric."""
    title = _("{model} model, {metric} per region (worst first)").format(
        model=fmt.model_name(model), metric=fmt.metric_name(report.primary_metric)
    )
    table = _rich_table(
        tables.region_table(report, model),
        title=title,
        columns=REGION_COLUMNS,
        text_columns=(0, 8),
        compact=compact,
    )
    table.caption = tables.model_summary(report, model)
    return table


def lift_table(report: EvaluationReport, *, compact: bool = False) -> Table | None:
    """Return the fine-tuning lift table, or None when the report has no lift."""
    if report.lift is None:
        return None
    return _rich_table(
        tables.lift_table(report),
        title=tables.lift_title(report.lift),
        columns=LIFT_COLUMNS,
        text_columns=(0,),
        compact=compact,
    )


def gate_text(report: EvaluationReport) -> Text:
    """Return the gate outcome with one line per failure."""
    gate = report.gate
    style = "green" if gate.passed else "bold red"
    text = Text(fmt.gate_summary(report), style=style)
    for failure in gate.failures:
        text.append("\n  " + fmt.failure_text(failure), style="red")
    not_gated = tables.not_gated_text(report)
    if not_gated:
        text.append("\n" + not_gated, style="yellow")
    return text


def evaluation_renderable(report: EvaluationReport, *, compact: bool = False) -> RenderableType:
    """Return every table of the report, ready for ``console.print``."""
    parts: list[RenderableType] = [
        model_table(report, model, compact=compact) for model in report.models
    ]
    lift = lift_table(report, compact=compact)
    if lift is not None:
        parts.append(lift)
    parts.append(gate_text(report))
    return Group(*parts)


def print_evaluation(report: EvaluationReport, console: Console | None = None) -> None:
    """Print the report's tables to ``console`` (default: regionkit's stdout console)."""
    if console is None:
        from regionkit.console import stdout as console
    console.print(evaluation_renderable(report, compact=console.width < COMPACT_WIDTH))
