"""Apply a labeling plan in Label Studio as Data Manager views (tabs) that annotators can work.

Each view filters the project's tasks to exactly the plan's chosen ids. Label Studio
1.23.2 has no "id is one of" filter, so the filter is an ``or`` group of ``equal``
items on ``tasks:id``, one per task.

A view cannot list tasks in a given order: it sorts by a column, and in label-studio
1.23.2 sorting by ``tasks:predictions_score`` returned task-id order in our tests. So
views sort by task id, and ``tier_size`` splits each region's tasks, in priority
order, into numbered views ("hi 1-50", "hi 51-100", ...) to label one after another.
plan.json and plan.md keep the exact priority order.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from regionkit.errors import InputError
from regionkit.i18n import _

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

logger = logging.getLogger(__name__)

#: Views whose title starts with this are created (and replaced) by regionkit.
TITLE_PREFIX = "regionkit plan"
VIEW_ORDERING = ["tasks:id"]


@dataclass(frozen=True)
class AppliedView:
    """A Data Manager view created for a plan."""

    view_id: int
    title: str
    region: str | None
    task_ids: tuple[int, ...]


def view_filters(task_ids: Sequence[int]) -> dict[str, Any]:
    """Return Data Manager filters that match exactly ``task_ids``."""
    return {
        "conjunction": "or",
        "items": [
            {
                "filter": "filter:tasks:id",
                "operator": "equal",
                "type": "Number",
                "value": int(task_id),
            }
            for task_id in task_ids
        ],
    }


def apply_plan(
    *,
    client: LabelStudio,
    project_id: int,
    plan: dict[str, Any],
    per_region: bool = True,
    tier_size: int | None = None,
    title_prefix: str = TITLE_PREFIX,
    url: str = "",
    project_task_ids: Collection[int] | None = None,
) -> list[AppliedView]:
    """Create Data Manager views per region (or for the whole plan) listing the chosen tasks.

    Views whose title starts with ``title_prefix`` are deleted first, so applying a
    new plan replaces the old views instead of piling them up.

    Parameters
    ----------
    client : label_studio_sdk.LabelStudio
    project_id : int
    plan : dict
        A plan document (``Plan.to_dict()`` or ``read_plan``).
    per_region : bool, default=True
        Views per region with tasks; else views over the whole plan.
    tier_size : int, optional
        Split each group's tasks, in priority order, into views of this many tasks;
        by default one view per group. Must be >= 1.
    title_prefix : str, default="regionkit plan"
    url : str, optional
        The server URL, named in error messages.
    project_task_ids : collection of int, optional
        The ids of the project's tasks. When a plan spans several projects (one per
        region), only these tasks go into the views, because a view lists tasks of
        its own project only.

    Returns
    -------
    list of AppliedView

    Raises
    ------
    InputError
        If the plan has no tasks (in the project), or ``tier_size`` is below 1.
    ConnectionFailed
        If the server rejects a request or cannot be reached.
    """
    from regionkit.labelstudio.client import call_with_retries

    tasks = sorted(plan.get("tasks") or [], key=lambda task: task["rank"])
    if not tasks:
        raise InputError(
            _(
                "The plan chose no tasks; nothing to apply. Raise the budget or check the "
                "candidates."
            )
        )
    if project_task_ids is not None:
        known = set(project_task_ids)
        tasks = [task for task in tasks if int(task["task_id"]) in known]
        if not tasks:
            raise InputError(
                _(
                    "None of the plan's tasks is in project {project}; pass the project of "
                    "the regions to label with --project."
                ).format(project=project_id)
            )
    if tier_size is not None and (not isinstance(tier_size, int) or tier_size < 1):
        raise InputError(_("tier_size={value} must be an integer >= 1.").format(value=tier_size))
    if not title_prefix.strip():
        raise InputError(_("title_prefix must not be empty."))

    from regionkit.labelstudio.push import check_project

    check_project(client, project_id=project_id, url=url)
    existing = call_with_retries(
        lambda: client.views.list(project=project_id), what=_("list views"), url=url
    )
    for view in existing:
        title = (view.data or {}).get("title", "") if isinstance(view.data, dict) else ""
        if title.startswith(title_prefix):
            call_with_retries(
                lambda view=view: client.views.delete(id=str(view.id)),
                what=_("delete view"),
                url=url,
            )
            logger.info("deleted old plan view %s (%s) in project %d", view.id, title, project_id)

    groups: list[tuple[str | None, list[int]]] = []
    if per_region:
        for region in plan["regions"]:
            ids = [
                int(task["task_id"])
                for task in sorted(tasks, key=lambda t: t["region_rank"])
                if task["region"] == region
            ]
            if ids:
                groups.append((region, ids))
    else:
        groups.append((None, [int(task["task_id"]) for task in tasks]))

    applied = []
    for region, ids, first in _tiers(groups, tier_size):
        label = region or ""
        if tier_size is not None:
            label = f"{label} {first}-{first + len(ids) - 1}".strip()
        title = f"{title_prefix}: {label} ({len(ids)})" if label else f"{title_prefix} ({len(ids)})"
        data = {"title": title, "filters": view_filters(ids), "ordering": VIEW_ORDERING}
        view = call_with_retries(
            lambda data=data: client.views.create(project=project_id, data=data),
            what=_("create view"),
            url=url,
            retries=0,
        )
        applied.append(
            AppliedView(view_id=int(view.id), title=title, region=region, task_ids=tuple(ids))
        )
        logger.info(
            "created view %s (%s) with %d tasks in project %d", view.id, title, len(ids), project_id
        )
    return applied


def _tiers(
    groups: list[tuple[str | None, list[int]]], tier_size: int | None
) -> list[tuple[str | None, list[int], int]]:
    """Split each group into chunks of ``tier_size``; return (region, ids, first rank) triples."""
    tiers = []
    for region, ids in groups:
        size = tier_size or len(ids)
        for start in range(0, len(ids), size):
            tiers.append((region, ids[start : start + size], start + 1))
    return tiers


def view_task_ids(
    client: LabelStudio, *, project_id: int, view_id: int, url: str = ""
) -> list[int]:
    """Return the ids of the tasks a view lists, in the view's order."""
    from regionkit.labelstudio.client import request_json

    ids: list[int] = []
    page = 1
    while True:
        payload = request_json(
            client,
            "api/tasks/",
            params={
                "project": project_id,
                "view": view_id,
                "page": page,
                "page_size": 500,
                "fields": "task_only",
            },
            what=_("list tasks of a view"),
            url=url,
        )
        batch = payload.get("tasks", []) if isinstance(payload, dict) else payload
        ids.extend(int(task["id"]) for task in batch)
        total = payload.get("total", len(ids)) if isinstance(payload, dict) else len(ids)
        if not batch or len(ids) >= total:
            return ids
        page += 1
