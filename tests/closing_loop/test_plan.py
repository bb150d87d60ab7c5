"""`make_plan`: budget allocation across regions, task choice and the written plan files."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from regionkit.errors import InputError
from regionkit.planning import (
    candidate_tasks,
    held_back_ids,
    lead_time_by_region,
    make_plan,
    write_plan,
)

REGIONS = ("ar", "de", "hi")


def _tasks(per_region: int = 200, *, labeled: int = 0) -> pd.DataFrame:
    rows = []
    task_id = 1
    for region in REGIONS:
        for index in range(per_region):
            rows.append(
                {
                    "task_id": task_id,
                    "region": region,
                    "label": "neutral" if index < labeled else None,
                    "n_annotations": 1 if index < labeled else 0,
                    "data.text": f"{region} tweet number {index} about topic {index * 7919 % 1000}",
                    "data.split": "train",
                }
            )
            task_id += 1
    frame = pd.DataFrame(rows)
    frame["region"] = frame["region"].astype("string")
    frame["label"] = frame["label"].astype("string")
    return frame


def _lagging_report(report_builder) -> dict:
    return report_builder(
        {
            "ar": {"gap_to_overall": 0.01},
            "de": {"gap_to_overall": 0.04},
            "hi": {
                "gap_to_overall": -0.12,
                "gap_ci": [-0.17, -0.07],
                "p_value_holm": 0.001,
                "significant": True,
            },
        }
    )


def test_lagging_region_gets_largest_share(report_builder, predictions_builder):
    tasks = _tasks()
    plan = make_plan(
        report=_lagging_report(report_builder),
        predictions=predictions_builder(tasks["task_id"]),
        tasks=tasks,
        budget=150,
    )

    shares = {allocation.region: allocation.tasks for allocation in plan.allocations}
    assert sum(shares.values()) == 150
    assert shares["hi"] == max(shares.values())
    assert shares["hi"] > shares["ar"] + shares["de"]
    assert plan.total_tasks == 150


def test_reason_names_gap_and_significance(report_builder, predictions_builder):
    tasks = _tasks()
    plan = make_plan(
        report=_lagging_report(report_builder),
        predictions=predictions_builder(tasks["task_id"]),
        tasks=tasks,
        budget=100,
    )

    reasons = {allocation.region: allocation.reason for allocation in plan.allocations}
    assert reasons["hi"].startswith("hi: ")
    assert "12.0 points" in reasons["hi"]
    assert "significant" in reasons["hi"]
    assert "does not lag" in reasons["de"]
    assert all("\n" not in reason for reason in reasons.values())


def test_significant_gap_outweighs_insignificant(report_builder, predictions_builder):
    tasks = _tasks()
    report = report_builder(
        {
            "ar": {"gap_to_overall": -0.08, "significant": True, "p_value_holm": 0.01},
            "de": {"gap_to_overall": 0.1},
            "hi": {"gap_to_overall": -0.08, "significant": False, "p_value_holm": 0.2},
        }
    )

    plan = make_plan(
        report=report, predictions=predictions_builder(tasks["task_id"]), tasks=tasks, budget=100
    )

    shares = {allocation.region: allocation.tasks for allocation in plan.allocations}
    assert shares["ar"] > shares["hi"] > shares["de"]


def test_wide_ci_region_gets_measurement_tasks(report_builder, predictions_builder):
    tasks = _tasks()
    report = report_builder(
        {
            "ar": {"n": 100, "min_detectable_gap": 0.10},
            "de": {"gap_to_overall": 0.02},
            "hi": {"gap_to_overall": 0.01},
        }
    )

    plan = make_plan(
        report=report, predictions=predictions_builder(tasks["task_id"]), tasks=tasks, budget=100
    )

    by_region = {allocation.region: allocation for allocation in plan.allocations}
    assert by_region["ar"].need.n_to_judge == 400
    assert by_region["ar"].measurement_tasks == pytest.approx(25.0)
    assert by_region["ar"].tasks == max(allocation.tasks for allocation in plan.allocations)
    assert "300 more" in by_region["ar"].reason


def test_share_capped_by_candidates(report_builder, predictions_builder):
    tasks = _tasks(per_region=40)
    plan = make_plan(
        report=_lagging_report(report_builder),
        predictions=predictions_builder(tasks["task_id"]),
        tasks=tasks,
        budget=100,
        similarity=1.0,
    )

    shares = {allocation.region: allocation.tasks for allocation in plan.allocations}
    assert shares["hi"] == 40
    assert sum(shares.values()) == 100


def test_chosen_tasks_are_least_certain_first(report_builder, predictions_builder):
    tasks = _tasks()
    predictions = predictions_builder(tasks["task_id"], seed=4)
    plan = make_plan(
        report=_lagging_report(report_builder), predictions=predictions, tasks=tasks, budget=60
    )

    hindi = plan.tasks[plan.tasks["region"] == "hi"].sort_values("region_rank")
    assert hindi["uncertainty"].is_monotonic_decreasing
    probabilities = predictions.set_index("task_id").loc[
        hindi["task_id"], ["p.negative", "p.neutral", "p.positive"]
    ]
    top_two = np.sort(probabilities.to_numpy(), axis=1)[:, -2:]
    assert np.allclose(hindi["uncertainty"], 1 - (top_two[:, 1] - top_two[:, 0]))
    unchosen = set(tasks.loc[tasks["region"] == "hi", "task_id"]) - set(hindi["task_id"])
    margins = predictions.set_index("task_id").loc[
        sorted(unchosen), ["p.negative", "p.neutral", "p.positive"]
    ]
    top_two_rest = np.sort(margins.to_numpy(), axis=1)[:, -2:]
    assert (1 - (top_two_rest[:, 1] - top_two_rest[:, 0])).max() <= hindi[
        "uncertainty"
    ].min() + 1e-12


def test_near_duplicates_skipped(report_builder, predictions_builder):
    tasks = _tasks(per_region=30)
    hindi = tasks.index[tasks["region"] == "hi"]
    tasks.loc[hindi[:10], "data.text"] = "Same tweet about the match tonight!!! http://t.co/abc"
    tasks.loc[hindi[10:20], "data.text"] = "@user same tweet about the match tonight"
    predictions = predictions_builder(tasks["task_id"])
    plan = make_plan(
        report=_lagging_report(report_builder), predictions=predictions, tasks=tasks, budget=60
    )

    chosen = plan.tasks[plan.tasks["region"] == "hi"]["task_id"]
    duplicates = set(tasks.loc[hindi[:20], "task_id"])
    assert len(set(chosen) & duplicates) == 1
    assert plan.skipped_duplicates["hi"] > 0


def test_entropy_ranking_differs_from_margin(report_builder, predictions_builder):
    tasks = _tasks()
    predictions = predictions_builder(tasks["task_id"], seed=9)
    common = {
        "report": _lagging_report(report_builder),
        "predictions": predictions,
        "tasks": tasks,
        "budget": 30,
    }

    by_entropy = make_plan(uncertainty_method="entropy", **common)

    assert by_entropy.tasks["uncertainty"].between(0, 1).all()
    assert by_entropy.settings.uncertainty == "entropy"


def test_hours_budget_uses_lead_time(report_builder, predictions_builder):
    tasks = _tasks()
    report = report_builder(
        {region: {"gap_to_overall": -0.05, "significant": True} for region in REGIONS}
    )
    lead_times = {"ar": 36.0, "de": 36.0, "hi": 72.0}

    plan = make_plan(
        report=report,
        predictions=predictions_builder(tasks["task_id"]),
        tasks=tasks,
        hours=1.5,
        lead_times=lead_times,
        measurement_share=0.0,
    )

    shares = {allocation.region: allocation.tasks for allocation in plan.allocations}
    assert shares == {"ar": 50, "de": 50, "hi": 25}
    assert sum(allocation.hours for allocation in plan.allocations) == pytest.approx(1.5)
    reasons = {allocation.region: allocation.reason for allocation in plan.allocations}
    assert "in 0.5 h at 72 s per task" in reasons["hi"]


def test_hours_with_budget_caps_total(report_builder, predictions_builder):
    tasks = _tasks()
    plan = make_plan(
        report=_lagging_report(report_builder),
        predictions=predictions_builder(tasks["task_id"]),
        tasks=tasks,
        hours=10.0,
        budget=40,
        lead_times={"ar": 30.0, "de": 30.0, "hi": 30.0},
    )

    assert plan.total_tasks == 40


def test_lead_time_median_per_region():
    tasks = pd.DataFrame(
        {"task_id": [1, 2, 3], "region": pd.array(["ar", "ar", "hi"], dtype="string")}
    )
    annotations = pd.DataFrame(
        {
            "task_id": [1, 2, 2, 3],
            "lead_time": [10.0, 30.0, 50.0, 7.0],
            "was_cancelled": [False, False, False, False],
        }
    )

    assert lead_time_by_region(annotations, tasks) == {"ar": 30.0, "hi": 7.0}


def test_holdout_is_stratified_and_seeded():
    tasks = _tasks(per_region=100, labeled=100)

    first = held_back_ids(tasks, fraction=0.3, split="train", seed=1)
    again = held_back_ids(tasks, fraction=0.3, split="train", seed=1)
    other = held_back_ids(tasks, fraction=0.3, split="train", seed=2)

    assert first == again
    assert first != other
    regions = tasks.set_index("task_id").loc[sorted(first), "region"].value_counts()
    assert regions.to_dict() == {"ar": 30, "de": 30, "hi": 30}
    assert len(candidate_tasks(tasks, holdout_fraction=0.3, seed=1)) == 90


def test_plan_files_written(tmp_path, report_builder, predictions_builder):
    tasks = _tasks()
    plan = make_plan(
        report=_lagging_report(report_builder),
        predictions=predictions_builder(tasks["task_id"]),
        tasks=tasks,
        budget=50,
    )

    paths = write_plan(plan, tmp_path / "plan")

    document = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert document["total_tasks"] == 50
    assert [task["rank"] for task in document["tasks"]] == list(range(1, 51))
    assert set(document["regions"]) == set(REGIONS)
    markdown = paths["markdown"].read_text(encoding="utf-8")
    assert "# Labeling plan" in markdown
    assert document["regions"]["hi"]["reason"] in markdown


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"budget": 0}, "budget=0"),
        ({"budget": None}, "budget"),
        ({"budget": 10, "similarity": 1.5}, "similarity=1.5"),
        ({"budget": 10, "target_gap": 0}, "target_gap=0"),
        ({"budget": 10, "uncertainty_method": "random"}, "'random'"),
        ({"budget": 10, "model": "base"}, "'base'"),
        ({"budget": 10, "holdout_fraction": 1.0}, "holdout_fraction=1.0"),
        ({"budget": 10, "holdout_split": "dev"}, "'dev'"),
        ({"hours": 2.0}, "lead_time"),
    ],
)
def test_invalid_arguments_rejected(report_builder, predictions_builder, options, message):
    tasks = _tasks(per_region=5)

    with pytest.raises(InputError, match=message):
        make_plan(
            report=_lagging_report(report_builder),
            predictions=predictions_builder(tasks["task_id"]),
            tasks=tasks,
            **options,
        )


def test_report_of_wrong_schema_rejected(report_builder, predictions_builder):
    tasks = _tasks(per_region=5)
    report = _lagging_report(report_builder)
    report["schema_version"] = 2

    with pytest.raises(InputError, match="schema_version 2"):
        make_plan(
            report=report, predictions=predictions_builder(tasks["task_id"]), tasks=tasks, budget=5
        )


def test_measurement_capped_by_candidates(report_builder, predictions_builder):
    tasks = _tasks(per_region=40)
    tasks = tasks[(tasks["region"] != "ar") | (tasks.groupby("region").cumcount() < 5)]
    report = report_builder(
        {
            "ar": {"n": 50, "min_detectable_gap": 0.2},
            "de": {"gap_to_overall": -0.05, "significant": True},
            "hi": {"gap_to_overall": 0.05},
        }
    )

    plan = make_plan(
        report=report,
        predictions=predictions_builder(tasks["task_id"]),
        tasks=tasks,
        budget=60,
        similarity=1.0,
    )

    shares = {allocation.region: allocation.tasks for allocation in plan.allocations}
    assert shares["ar"] == 5
    assert sum(shares.values()) == 60


def test_fully_labeled_tasks_rejected(report_builder, predictions_builder):
    tasks = _tasks(per_region=5, labeled=5)

    with pytest.raises(InputError, match="holdout_fraction"):
        make_plan(
            report=_lagging_report(report_builder),
            predictions=predictions_builder(tasks["task_id"]),
            tasks=tasks,
            budget=5,
        )


def test_candidates_without_predictions_rejected(report_builder, predictions_builder):
    tasks = _tasks(per_region=5)

    with pytest.raises(InputError, match="None of the 15 unlabeled tasks"):
        make_plan(
            report=_lagging_report(report_builder),
            predictions=predictions_builder([9001, 9002]),
            tasks=tasks,
            budget=5,
        )
