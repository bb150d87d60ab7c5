"""`regionkit plan` end to end, and applying a plan as Data Manager views on the real server."""

from __future__ import annotations

import json

import pytest

from regionkit.cli import main
from regionkit.errors import InputError
from regionkit.labelstudio.views import apply_plan, view_task_ids
from regionkit.planning import make_plan

ROWS = [("hi", f"hindi tweet {i} mera din {i * 37 % 101}") for i in range(12)] + [
    ("de", f"deutscher tweet {i} heute {i * 53 % 97}") for i in range(12)
]


def _report(report_builder) -> dict:
    return report_builder(
        {
            "de": {"gap_to_overall": 0.03, "min_detectable_gap": 0.08},
            "hi": {
                "gap_to_overall": -0.15,
                "gap_ci": [-0.2, -0.1],
                "p_value_holm": 0.001,
                "significant": True,
            },
        }
    )


def test_apply_creates_views_with_chosen_tasks(
    ls_client, label_studio, make_project, report_builder, predictions_builder
):
    project_id, tasks = make_project(ROWS)
    plan = make_plan(
        report=_report(report_builder),
        predictions=predictions_builder(tasks["task_id"]),
        tasks=tasks,
        budget=10,
    ).to_dict()

    views = apply_plan(client=ls_client, project_id=project_id, plan=plan, url=label_studio.url)

    assert [view.region for view in views] == ["de", "hi"]
    for view in views:
        chosen = [task["task_id"] for task in plan["tasks"] if task["region"] == view.region]
        listed = view_task_ids(
            ls_client, project_id=project_id, view_id=view.view_id, url=label_studio.url
        )
        assert sorted(listed) == sorted(chosen)
        assert list(view.task_ids) == [
            task["task_id"]
            for task in sorted(plan["tasks"], key=lambda t: t["region_rank"])
            if task["region"] == view.region
        ]


def test_tiers_follow_priority_order(
    ls_client, label_studio, make_project, report_builder, predictions_builder
):
    project_id, tasks = make_project(ROWS)
    plan = make_plan(
        report=_report(report_builder),
        predictions=predictions_builder(tasks["task_id"]),
        tasks=tasks,
        budget=10,
    ).to_dict()
    hindi = [
        task["task_id"]
        for task in sorted(plan["tasks"], key=lambda t: t["region_rank"])
        if task["region"] == "hi"
    ]

    views = apply_plan(
        client=ls_client, project_id=project_id, plan=plan, tier_size=3, url=label_studio.url
    )

    hindi_views = [view for view in views if view.region == "hi"]
    assert [list(view.task_ids) for view in hindi_views] == [
        hindi[i : i + 3] for i in range(0, len(hindi), 3)
    ]
    assert hindi_views[0].title == "regionkit plan: hi 1-3 (3)"
    for view in hindi_views:
        listed = view_task_ids(ls_client, project_id=project_id, view_id=view.view_id)
        assert sorted(listed) == sorted(view.task_ids)


def test_reapply_replaces_views(
    ls_client, label_studio, make_project, report_builder, predictions_builder
):
    project_id, tasks = make_project(ROWS)
    manual = ls_client.views.create(project=project_id, data={"title": "my own tab"})
    plan = make_plan(
        report=_report(report_builder),
        predictions=predictions_builder(tasks["task_id"]),
        tasks=tasks,
        budget=10,
    ).to_dict()
    apply_plan(client=ls_client, project_id=project_id, plan=plan, url=label_studio.url)

    views = apply_plan(
        client=ls_client, project_id=project_id, plan=plan, per_region=False, url=label_studio.url
    )

    titles = sorted(view.data["title"] for view in ls_client.views.list(project=project_id))
    assert titles == ["my own tab", "regionkit plan (10)"]
    listed = view_task_ids(
        ls_client, project_id=project_id, view_id=views[0].view_id, url=label_studio.url
    )
    assert sorted(listed) == sorted(task["task_id"] for task in plan["tasks"])
    assert manual.id in {view.id for view in ls_client.views.list(project=project_id)}


def test_apply_empty_plan_rejected(ls_client, label_studio, make_project):
    project_id, _ = make_project(ROWS[:1])

    with pytest.raises(InputError, match="no tasks"):
        apply_plan(
            client=ls_client,
            project_id=project_id,
            plan={"tasks": [], "regions": {}},
            url=label_studio.url,
        )


def test_cli_plan_writes_and_applies(
    tmp_path,
    ls_client,
    label_studio_env,
    make_project,
    report_builder,
    predictions_builder,
    snapshot_syncer,
    capsys,
):
    project_id, tasks = make_project(ROWS)
    snapshot = snapshot_syncer(project_id, tmp_path / "snapshot")
    report_path = tmp_path / "report.json"
    report_path.write_text(json.dumps(_report(report_builder)), encoding="utf-8")
    predictions_path = tmp_path / "predictions.parquet"
    predictions_builder(tasks["task_id"]).to_parquet(predictions_path)
    out = tmp_path / "plan"

    code = main(
        [
            "plan",
            "--report",
            str(report_path),
            "--snapshot",
            str(snapshot),
            "--predictions",
            str(predictions_path),
            "--budget",
            "8",
            "--out",
            str(out),
            "--apply",
        ]
    )

    assert code == 0
    document = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert document["total_tasks"] == 8
    assert document["regions"]["hi"]["tasks"] > document["regions"]["de"]["tasks"]
    assert (out / "plan.md").is_file()
    views = [
        view
        for view in ls_client.views.list(project=project_id)
        if view.data["title"].startswith("regionkit plan")
    ]
    assert len(views) == 2
    listed = set()
    for view in views:
        listed |= set(view_task_ids(ls_client, project_id=project_id, view_id=view.id))
    assert listed == {task["task_id"] for task in document["tasks"]}
    output = capsys.readouterr().out
    assert "hi: " in output


def test_cli_plan_missing_report_exits_2(
    tmp_path, label_studio_env, make_project, snapshot_syncer, capsys
):
    project_id, _ = make_project(ROWS[:2])
    snapshot = snapshot_syncer(project_id, tmp_path / "snapshot")

    code = main(
        [
            "plan",
            "--report",
            str(tmp_path / "nope.json"),
            "--snapshot",
            str(snapshot),
            "--predictions",
            str(tmp_path / "p.parquet"),
            "--budget",
            "5",
            "--out",
            str(tmp_path / "plan"),
        ]
    )

    error = capsys.readouterr().err
    assert code == 2
    assert "nope.json" in error
    assert "Traceback" not in error


def test_cli_plan_hours_without_lead_time_exits_2(
    tmp_path,
    label_studio_env,
    make_project,
    report_builder,
    predictions_builder,
    snapshot_syncer,
    capsys,
):
    project_id, tasks = make_project(ROWS[:4])
    snapshot = snapshot_syncer(project_id, tmp_path / "snapshot")
    report_path = tmp_path / "report.json"
    report_path.write_text(json.dumps(_report(report_builder)), encoding="utf-8")
    predictions_path = tmp_path / "predictions.parquet"
    predictions_builder(tasks["task_id"]).to_parquet(predictions_path)

    code = main(
        [
            "plan",
            "--report",
            str(report_path),
            "--snapshot",
            str(snapshot),
            "--predictions",
            str(predictions_path),
            "--hours",
            "2",
            "--out",
            str(tmp_path / "plan"),
        ]
    )

    error = capsys.readouterr().err
    assert code == 2
    assert "--budget" in error
    assert not (tmp_path / "plan").exists()


def _plan_arguments(tmp_path, report_builder, predictions_builder, tasks, snapshot) -> list[str]:
    report_path = tmp_path / "report.json"
    report_path.write_text(json.dumps(_report(report_builder)), encoding="utf-8")
    predictions_path = tmp_path / "predictions.parquet"
    predictions_builder(tasks["task_id"]).to_parquet(predictions_path)
    return [
        "plan",
        "--report",
        str(report_path),
        "--snapshot",
        str(snapshot),
        "--predictions",
        str(predictions_path),
        "--budget",
        "4",
    ]


def test_cli_plan_out_file_exits_2(
    tmp_path,
    label_studio_env,
    make_project,
    report_builder,
    predictions_builder,
    snapshot_syncer,
    capsys,
):
    project_id, tasks = make_project(ROWS[:4])
    snapshot = snapshot_syncer(project_id, tmp_path / "snapshot")
    out = tmp_path / "plan.txt"
    out.write_text("keep me", encoding="utf-8")
    arguments = _plan_arguments(tmp_path, report_builder, predictions_builder, tasks, snapshot)

    code = main([*arguments, "--out", str(out)])

    error = capsys.readouterr().err
    assert code == 2
    assert "is a file" in error
    assert "Internal error" not in error
    assert out.read_text(encoding="utf-8") == "keep me"


def test_cli_plan_report_of_other_regions_exits_2(
    tmp_path,
    label_studio_env,
    make_project,
    report_builder,
    predictions_builder,
    snapshot_syncer,
    capsys,
):
    project_id, tasks = make_project([("fr", "tweet francais"), ("es", "tuit en castellano")])
    snapshot = snapshot_syncer(project_id, tmp_path / "snapshot")
    arguments = _plan_arguments(tmp_path, report_builder, predictions_builder, tasks, snapshot)

    code = main([*arguments, "--out", str(tmp_path / "plan")])

    error = capsys.readouterr().err
    assert code == 2
    assert "share no region" in error
    assert not (tmp_path / "plan").exists()


def test_apply_keeps_tasks_of_project(
    ls_client, label_studio, make_project, report_builder, predictions_builder
):
    """A plan over one project per region puts only the project's own tasks in its views."""
    project_id, tasks = make_project(ROWS)
    plan = make_plan(
        report=_report(report_builder),
        predictions=predictions_builder(tasks["task_id"]),
        tasks=tasks,
        budget=10,
    ).to_dict()
    german = tasks.loc[tasks["region"] == "de", "task_id"].tolist()

    views = apply_plan(
        client=ls_client,
        project_id=project_id,
        plan=plan,
        url=label_studio.url,
        project_task_ids=german,
    )

    assert [view.region for view in views] == ["de"]
    assert set(views[0].task_ids) <= set(german)
    with pytest.raises(InputError, match="None of the plan's tasks"):
        apply_plan(
            client=ls_client,
            project_id=project_id,
            plan=plan,
            url=label_studio.url,
            project_task_ids=[10**9],
        )
