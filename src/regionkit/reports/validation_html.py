"""The offline ``validation.html`` report: per-region counts, checks, cleaning and quarantine samples."""

from __future__ import annotations

from typing import TYPE_CHECKING

from regionkit.i18n import _, localized_figure
from regionkit.reports.html import escape, figure_html, page_html, table_html

if TYPE_CHECKING:
    import pandas as pd

#: Quarantined rows shown as examples in the report.
QUARANTINE_SAMPLE = 30


@localized_figure
def _region_figure(summary: dict) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    regions = summary["regions"]
    names = list(regions)
    clean = [regions[name]["clean"] for name in names]
    quarantined = [regions[name]["quarantined"] for name in names]
    figure, axis = plt.subplots(figsize=(max(4.0, 0.7 * len(names) + 2), 3.2))
    axis.bar(names, clean, color="#1a7f37", label=_("clean"))
    axis.bar(names, quarantined, bottom=clean, color="#b42318", label=_("quarantined"))
    axis.set_ylabel(_("rows"))
    axis.legend(loc="lower right")
    figure.tight_layout()
    return figure_html(figure, caption=_("Clean and quarantined rows per region"))


def _overview(summary: dict) -> str:
    rows = summary["rows"]
    gate = summary["gate"]
    status = (
        f'<p class="ok">{escape(_("Gate passed: no critical check failed."))}</p>'
        if gate["passed"]
        else f'<p class="bad">{escape(_("Gate failed: {checks}.").format(checks=", ".join(gate["failures"])))}</p>'
    )
    counts = table_html(
        [_("rows in"), _("clean"), _("quarantined")],
        [[rows["in"], rows["clean"], rows["quarantined"]]],
        text_columns=(),
    )
    return f"<h2>{escape(_('Overview'))}</h2>{status}{counts}"


def _regions_table(summary: dict) -> str:
    regions = summary["regions"]
    steps = list(summary["cleaning"])
    defects = list(summary["input_defects"])
    headers = [
        _("region"),
        _("rows"),
        _("clean"),
        _("quarantined"),
        _("splits (clean)"),
        _("scripts (sample)"),
    ]
    body = []
    classes = []
    for name, entry in regions.items():
        splits = ", ".join(f"{split} {count}" for split, count in sorted(entry["splits"].items()))
        scripts = ", ".join(f"{script} {count}" for script, count in entry["scripts"].items())
        body.append([name, entry["rows"], entry["clean"], entry["quarantined"], splits, scripts])
        classes.append("bad" if entry["rows"] == 0 else "")
    html = f"<h2>{escape(_('Regions'))}</h2>" + table_html(
        headers, body, text_columns=(0, 4, 5), row_classes=classes
    )

    if defects:
        html += f"<h2>{escape(_('Encoding damage in the input'))}</h2>"
        html += f'<p class="muted">{escape(_("Rows per region before cleaning."))}</p>'
        html += table_html(
            [_("region"), *defects],
            [
                [name, *(entry["input_defects"].get(kind, 0) for kind in defects)]
                for name, entry in regions.items()
            ],
        )
    if steps:
        html += f"<h2>{escape(_('Cleaning'))}</h2>"
        html += f'<p class="muted">{escape(_("Rows changed (text steps) or moved to quarantine (drop steps) per region."))}</p>'
        html += table_html(
            [_("region"), *steps],
            [
                [name, *(entry["cleaning"].get(step, 0) for step in steps)]
                for name, entry in regions.items()
            ],
        )
    return html


def _checks_table(summary: dict) -> str:
    regions = list(summary["regions"])
    headers = [
        _("check"),
        _("severity"),
        _("result"),
        _("column"),
        _("flagged rows"),
        *regions,
        _("details"),
    ]
    body = []
    classes = []
    for check in summary["checks"]:
        by_region = check.get("by_region", {})
        if check["success"]:
            result, css = _("passed"), ""
        else:
            result = _("failed")
            css = "bad" if check["severity"] == "critical" else "warn"
        details = check["error"] or _observed_text(check["observed"])
        flagged = check["unexpected_count"] if check["row_level"] else ""
        body.append(
            [check["check"], check["severity"], result, check["column"] or "", flagged]
            + [by_region.get(region, 0) if check["row_level"] else "" for region in regions]
            + [details]
        )
        classes.append(css)
    last = len(headers) - 1
    return f"<h2>{escape(_('Checks'))}</h2>" + table_html(
        headers, body, text_columns=(0, 1, 2, 3, last), row_classes=classes
    )


def _observed_text(observed) -> str:
    if not isinstance(observed, dict):
        return "" if observed is None else str(observed)
    below = observed.get("below")
    if below:
        return "; ".join(
            ", ".join(f"{key}={value}" for key, value in item.items()) for item in below[:10]
        )
    return ""


def _quarantine_sample(quarantine: pd.DataFrame, summary: dict) -> str:
    import pandas as pd

    reasons = summary["quarantine_reasons"]
    html = f"<h2>{escape(_('Quarantine'))}</h2>"
    html += table_html([_("reason"), _("rows")], sorted(reasons.items(), key=lambda item: -item[1]))
    if len(quarantine):
        text_column = summary.get("text_column")
        text_column = text_column if text_column in quarantine.columns else None
        sample = quarantine.head(QUARANTINE_SAMPLE)
        rows = [
            [
                row["task_id"],
                "" if pd.isna(row["region"]) else row["region"],
                ", ".join(row["reasons"]),
                str(row[text_column])[:200] if text_column else "",
            ]
            for _index, row in sample.iterrows()
        ]
        html += f'<p class="muted">{escape(_("First {count} quarantined rows.").format(count=len(sample)))}</p>'
        html += table_html(
            [_("task"), _("region"), _("reasons"), _("text")], rows, text_columns=(1, 2, 3)
        )
    return html


def render_validation_html(summary: dict, quarantine: pd.DataFrame) -> str:
    """Return the self-contained validation report page for ``summary`` (no remote URL)."""
    sections = [
        _overview(summary),
        _region_figure(summary),
        _regions_table(summary),
        _checks_table(summary),
        _quarantine_sample(quarantine, summary),
    ]
    subtitle = _("Snapshot {path}, suites: {suites}").format(
        path=summary["snapshot"]["path"], suites=", ".join(summary["suites"])
    )
    return page_html(_("Validation report"), sections, subtitle=subtitle)
