"""Plan the next labeling round: split a budget across regions and choose the tasks to label.

The Python API:

* :func:`make_plan` builds a :class:`Plan` from an evaluation report, predictions
  for the candidate tasks and a budget in tasks or annotator hours;
* :func:`write_plan` writes ``plan.json`` and ``plan.md``;
* :func:`plan_from_files` does both from a run's report, snapshot and models;
* :func:`candidate_tasks` and :func:`lead_time_by_region` prepare the inputs.
"""

from __future__ import annotations

from regionkit.planning.candidates import (
    candidate_tasks,
    held_back_ids,
    lead_time_by_region,
    unlabeled_mask,
)
from regionkit.planning.output import read_plan, write_plan
from regionkit.planning.plan import Plan, PlanSettings, make_plan
from regionkit.planning.run import PlanRun, plan_from_files

__all__ = [
    "Plan",
    "PlanRun",
    "PlanSettings",
    "candidate_tasks",
    "held_back_ids",
    "lead_time_by_region",
    "make_plan",
    "plan_from_files",
    "read_plan",
    "unlabeled_mask",
    "write_plan",
]
