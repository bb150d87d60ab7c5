"""The terminal summary of ``regionkit validate``: rows per region, cleaning steps, flagged checks."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from regionkit.i18n import _

#: Quarantine reasons listed per region in the terminal.
TOP_REASONS = 3


def _regions_table(summary: dict) -> Table:
    table = Table(title=_("Validation per region"), title_justify="left")
    table.add_column(_("region"))
    for header in (_("rows"), _("clean"), _("quarantined")):
        table.add_column(header, justify="right")
    table.add_column(_("main reasons"))
    for name, entry in summary["regions"].items():
        flagged = sorted(entry["flagged"].items(), key=lambda item: -item[1])[:TOP_REASONS]
        reasons = ", ".join(f"{check} {count}" for check, count in flagged)
        style = "red" if entry["rows"] == 0 else None
        # Region names come from task data, so rich must not read "[...]" in them as markup.
        table.add_row(
            escape(name),
            str(entry["rows"]),
            str(entry["clean"]),
            str(entry["quarantined"]),
            reasons,
            style=style,
        )
    return table


def _cleaning_table(summary: dict) -> Table:
    regions = list(summary["regions"])
    table = Table(title=_("Rows cleaned per step and region"), title_justify="left")
    table.add_column(_("step"))
    for region in regions:
        table.add_column(escape(region), justify="right")
    for step, counts in summary["cleaning"].items():
        table.add_row(step, *(str(counts.get(region, 0)) for region in regions))
    return table


def _checks_table(summary: dict) -> Table | None:
    flagged = [
        check for check in summary["checks"] if not check["success"] or check["unexpected_count"]
    ]
    if not flagged:
        return None
    table = Table(title=_("Checks that flagged rows or failed"), title_justify="left")
    for header in (_("check"), _("severity"), _("result"), _("rows")):
        table.add_column(header)
    table.add_column(_("by region or details"), overflow="fold")
    for check in flagged:
        by_region = ", ".join(
            f"{region} {count}" for region, count in check.get("by_region", {}).items()
        )
        result = _("passed") if check["success"] else _("failed")
        table.add_row(
            check["check"],
            check["severity"],
            result,
            str(check["unexpected_count"]) if check["row_level"] else "",
            escape(check["error"] or by_region or _below_text(check["observed"])),
            style="red" if check["severity"] == "critical" and not check["success"] else "yellow",
        )
    return table


def _below_text(observed) -> str:
    if isinstance(observed, dict) and observed.get("below"):
        return "; ".join(
            ", ".join(f"{key}={value}" for key, value in item.items())
            for item in observed["below"][:5]
        )
    return ""


def print_validation_summary(summary: dict, *, console: Console) -> None:
    """Print per-region counts, cleaning counts, flagged checks and the gate outcome of ``summary``."""
    console.print(_regions_table(summary))
    if summary["cleaning"]:
        console.print(_cleaning_table(summary))
    checks = _checks_table(summary)
    if checks is not None:
        console.print(checks)

    rows = summary["rows"]
    console.print(
        _("{rows_in} rows: {clean} clean, {quarantined} quarantined.").format(
            rows_in=rows["in"], clean=rows["clean"], quarantined=rows["quarantined"]
        )
    )
    if summary["gate"]["passed"]:
        console.print("[green]" + _("Gate passed.") + "[/]")
    else:
        console.print(
            "[red]"
            + _("Gate failed: {checks}.").format(checks=", ".join(summary["gate"]["failures"]))
            + "[/]"
        )
