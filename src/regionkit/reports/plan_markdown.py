"""Render a plan document (``Plan.to_dict()``) as Markdown for ``plan.md``."""

from __future__ import annotations

from typing import Any

from regionkit.i18n import _

#: Tasks listed per region in ``plan.md``; ``plan.json`` lists all of them.
TASKS_SHOWN_PER_REGION = 20


def render_plan_markdown(plan: dict[str, Any]) -> str:
    """Return ``plan.md``: budget, share table, one reason per region and the first tasks."""
    budget = plan["budget"]
    settings = plan["settings"]
    lines = [f"# {_('Labeling plan')}", ""]
    budget_parts = []
    if budget.get("tasks") is not None:
        budget_parts.append(_("{tasks} tasks").format(tasks=budget["tasks"]))
    if budget.get("hours") is not None:
        budget_parts.append(_("{hours:g} annotator hours").format(hours=budget["hours"]))
    lines.append(
        _("Budget: {budget}. Model: `{model}`. Metric: {metric}. Chosen: {total} tasks.").format(
            budget=", ".join(budget_parts),
            model=plan["model"],
            metric=plan["primary_metric"],
            total=plan["total_tasks"],
        )
    )

    lines.append("")
    lines.append(
        _(
            "Tasks are ranked by {method} uncertainty; near-duplicates (similarity >= "
            "{similarity:g}) are skipped. "
            "Shares aim to judge a {target:g}-point gap per region."
        ).format(
            method=settings["uncertainty"],
            similarity=settings["similarity"],
            target=settings["target_gap"] * 100,
        )
    )
    if settings.get("holdout_fraction"):
        lines.append("")
        lines.append(
            _(
                "Simulated round: {fraction:.0%} of each region's labeled {split} tasks were "
                "treated as unlabeled "
                "(seed {seed})."
            ).format(
                fraction=settings["holdout_fraction"],
                split=settings["holdout_split"],
                seed=settings["seed"],
            )
        )

    lines += ["", f"## {_('Share per region')}", ""]
    header = [
        _("Region"),
        _("Tasks"),
        _("Share"),
        _("Gap"),
        _("Significant"),
        _("n"),
        _("n to judge"),
        _("Candidates"),
    ]
    with_hours = budget.get("hours") is not None
    if with_hours:
        header.insert(3, _("Hours"))
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    for region, entry in plan["regions"].items():
        row = [
            region,
            str(entry["tasks"]),
            f"{entry['share']:.0%}",
            _format_points(entry["gap_to_overall"]),
            _("yes") if entry["significant"] else _("no"),
            str(entry["n"]),
            "-" if entry["n_to_judge"] is None else str(entry["n_to_judge"]),
            str(entry["candidates"]),
        ]
        if with_hours:
            row.insert(3, f"{entry['hours']:.1f}" if entry["hours"] is not None else "-")
        lines.append("| " + " | ".join(row) + " |")

    lines += ["", f"## {_('Why each region gets its share')}", ""]
    for entry in plan["regions"].values():
        lines.append(f"- {entry['reason']}")

    lines += ["", f"## {_('Tasks to label first')}", ""]
    lines.append(
        _("The first {count} tasks of each region in priority order; plan.json lists all.").format(
            count=TASKS_SHOWN_PER_REGION
        )
    )
    for region in plan["regions"]:
        rows = [task for task in plan["tasks"] if task["region"] == region][:TASKS_SHOWN_PER_REGION]
        if not rows:
            continue
        lines += [
            "",
            f"### {region}",
            "",
            "| # | task_id | y_pred | confidence | uncertainty |",
            "|---:|---:|---|---:|---:|",
        ]
        for task in rows:
            lines.append(
                f"| {task['region_rank']} | {task['task_id']} | {task['y_pred']} | "
                f"{task['confidence']:.3f} | {task['uncertainty']:.3f} |"
            )
    return "\n".join(lines) + "\n"


def _format_points(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:+.1f}"
