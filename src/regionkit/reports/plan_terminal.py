"""Print a plan document (``Plan.to_dict()``) as a rich table with one reason line per region."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from regionkit.i18n import _


def print_plan(plan: dict[str, Any], *, console: Console) -> None:
    """Print the share table and the reasons to ``console``."""
    table = Table(
        title=_("Labeling plan: {total} tasks").format(total=plan["total_tasks"]),
        title_justify="left",
    )
    with_hours = plan["budget"].get("hours") is not None
    table.add_column(_("Region"))
    headings = [_("Tasks"), _("Share"), _("Gap"), _("n"), _("n to judge"), _("Candidates")]
    if with_hours:
        headings.insert(2, _("Hours"))
    for heading in headings:
        table.add_column(heading, justify="right")
    for region, entry in plan["regions"].items():
        gap = entry["gap_to_overall"]
        gap_text = "-" if gap is None else f"{gap * 100:+.1f}"
        if gap is not None and gap < 0 and entry["significant"]:
            gap_text = f"[red]{gap_text}[/]"
        cells = [
            str(entry["tasks"]),
            f"{entry['share']:.0%}",
            gap_text,
            str(entry["n"]),
            "-" if entry["n_to_judge"] is None else str(entry["n_to_judge"]),
            str(entry["candidates"]),
        ]
        if with_hours:
            cells.insert(2, f"{entry['hours']:.1f}")
        table.add_row(escape(region), *cells)
    console.print(table)
    for entry in plan["regions"].values():
        console.print(entry["reason"], markup=False)
