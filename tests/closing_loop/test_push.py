"""`push_predictions` and `regionkit push` against the real Label Studio server."""

from __future__ import annotations

import pytest

from regionkit.cli import main
from regionkit.errors import InputError
from regionkit.labelstudio.push import labeling_targets, push_predictions, select_scope

ROWS = [("hi", f"hindi tweet {i}") for i in range(6)] + [
    ("fr", f"tweet francais {i}") for i in range(4)
]


def _predictions_by_version(ls_client, project_id):
    grouped: dict[str, list] = {}
    for prediction in ls_client.predictions.list(project=project_id):
        grouped.setdefault(prediction.model_version, []).append(prediction)
    return grouped


def _push(ls_client, label_studio, project_id, predictions, version, **options):
    return push_predictions(
        client=ls_client,
        project_id=project_id,
        predictions=predictions,
        labels=["negative", "neutral", "positive"],
        label_control="sentiment",
        to_name="text",
        model_version=version,
        url=label_studio.url,
        show_progress=False,
        **options,
    )


def test_labeling_targets_from_config(labeling_config):
    assert labeling_targets(labeling_config) == (
        "sentiment",
        "text",
        ["negative", "neutral", "positive"],
    )
    assert labeling_targets(labeling_config, label_control="sentiment")[0] == "sentiment"


def test_labeling_targets_unknown_control(labeling_config):
    with pytest.raises(InputError, match="topic"):
        labeling_targets(labeling_config, label_control="topic")


def test_push_creates_predictions(ls_client, label_studio, make_project, predictions_builder):
    project_id, tasks = make_project(ROWS)
    predictions = predictions_builder(tasks["task_id"], seed=1)

    result = _push(ls_client, label_studio, project_id, predictions, "v1")

    assert result.created == len(ROWS)
    assert result.deleted == 0
    stored = _predictions_by_version(ls_client, project_id)["v1"]
    assert len(stored) == len(ROWS)
    expected = predictions.set_index("task_id")
    for prediction in stored:
        row = expected.loc[prediction.task]
        assert prediction.result == [
            {
                "from_name": "sentiment",
                "to_name": "text",
                "type": "choices",
                "value": {"choices": [row["y_pred"]]},
            }
        ]
        assert prediction.score == pytest.approx(row["confidence"], abs=1e-6)


def test_repush_replaces_without_duplicates(
    ls_client, label_studio, make_project, predictions_builder
):
    project_id, tasks = make_project(ROWS)
    _push(ls_client, label_studio, project_id, predictions_builder(tasks["task_id"], seed=1), "v1")
    second = predictions_builder(tasks["task_id"], seed=2)

    result = _push(ls_client, label_studio, project_id, second, "v1")

    assert result.deleted == len(ROWS)
    stored = _predictions_by_version(ls_client, project_id)["v1"]
    assert len(stored) == len(ROWS)
    assert sorted(p.task for p in stored) == sorted(tasks["task_id"].tolist())
    scores = {p.task: p.score for p in stored}
    for task_id, confidence in zip(second["task_id"], second["confidence"], strict=True):
        assert scores[task_id] == pytest.approx(confidence, abs=1e-6)


def test_second_model_version_keeps_both(
    ls_client, label_studio, make_project, predictions_builder
):
    project_id, tasks = make_project(ROWS)
    _push(ls_client, label_studio, project_id, predictions_builder(tasks["task_id"], seed=1), "v1")

    result = _push(
        ls_client, label_studio, project_id, predictions_builder(tasks["task_id"], seed=2), "v2"
    )

    assert result.deleted == 0
    grouped = _predictions_by_version(ls_client, project_id)
    assert len(grouped["v1"]) == len(ROWS)
    assert len(grouped["v2"]) == len(ROWS)


def test_dry_run_changes_nothing(ls_client, label_studio, make_project, predictions_builder):
    project_id, tasks = make_project(ROWS)
    _push(ls_client, label_studio, project_id, predictions_builder(tasks["task_id"], seed=1), "v1")
    before = {p.id: p.score for p in ls_client.predictions.list(project=project_id)}

    result = _push(
        ls_client,
        label_studio,
        project_id,
        predictions_builder(tasks["task_id"], seed=2),
        "v1",
        dry_run=True,
    )

    assert result.dry_run
    assert result.deleted == len(ROWS)
    assert result.created == len(ROWS)
    after = {p.id: p.score for p in ls_client.predictions.list(project=project_id)}
    assert after == before


def test_region_scope_keeps_other_regions(
    ls_client, label_studio, make_project, predictions_builder
):
    project_id, tasks = make_project(ROWS)
    _push(ls_client, label_studio, project_id, predictions_builder(tasks["task_id"], seed=1), "v1")
    hindi_ids = set(tasks.loc[tasks["region"] == "hi", "task_id"])
    french_before = {
        p.id for p in ls_client.predictions.list(project=project_id) if p.task not in hindi_ids
    }

    result = _push(
        ls_client,
        label_studio,
        project_id,
        predictions_builder(tasks["task_id"], seed=3),
        "v1",
        tasks=tasks,
        scope="region:hi",
    )

    assert result.created == len(hindi_ids)
    assert result.deleted == len(hindi_ids)
    stored = ls_client.predictions.list(project=project_id)
    assert len(stored) == len(ROWS)
    assert {p.id for p in stored if p.task not in hindi_ids} == french_before


def test_region_scope_keeps_other_versions(
    ls_client, label_studio, make_project, predictions_builder
):
    project_id, tasks = make_project(ROWS)
    hindi = tasks.loc[tasks["region"] == "hi", "task_id"].tolist()
    _push(ls_client, label_studio, project_id, predictions_builder(hindi[:2], seed=5), "v2")
    _push(ls_client, label_studio, project_id, predictions_builder(tasks["task_id"], seed=1), "v1")
    v2_before = {
        p.id for p in ls_client.predictions.list(project=project_id) if p.model_version == "v2"
    }

    result = _push(
        ls_client,
        label_studio,
        project_id,
        predictions_builder(tasks["task_id"], seed=3),
        "v1",
        tasks=tasks,
        scope="region:hi",
    )

    assert result.deleted == len(hindi)
    grouped = _predictions_by_version(ls_client, project_id)
    assert {p.id for p in grouped["v2"]} == v2_before
    assert sorted(p.task for p in grouped["v1"]) == sorted(tasks["task_id"].tolist())


def test_unlabeled_scope_skips_labeled_tasks(
    ls_client, label_studio, make_project, predictions_builder
):
    project_id, tasks = make_project(ROWS)
    tasks.loc[tasks.index[:3], "n_annotations"] = 1
    labeled = set(tasks["task_id"].iloc[:3])

    result = _push(
        ls_client,
        label_studio,
        project_id,
        predictions_builder(tasks["task_id"]),
        "v1",
        tasks=tasks,
        scope="unlabeled",
    )

    assert result.created == len(ROWS) - 3
    assert not {p.task for p in ls_client.predictions.list(project=project_id)} & labeled


def test_push_rejects_unknown_label(ls_client, label_studio, make_project, predictions_builder):
    project_id, tasks = make_project(ROWS[:2])
    predictions = predictions_builder(tasks["task_id"])
    predictions.loc[0, "y_pred"] = "angry"

    with pytest.raises(InputError, match="angry"):
        _push(ls_client, label_studio, project_id, predictions, "v1")


def test_select_scope_unknown_region(make_project):
    _, tasks = make_project(ROWS[:2])

    with pytest.raises(InputError, match="'xx'"):
        select_scope(tasks, "region:xx")


def test_cli_push_and_dry_run(
    tmp_path,
    ls_client,
    label_studio_env,
    make_project,
    predictions_builder,
    snapshot_syncer,
    capsys,
):
    project_id, tasks = make_project(ROWS)
    snapshot = snapshot_syncer(project_id, tmp_path / "snapshot")
    predictions_path = tmp_path / "predictions.parquet"
    predictions_builder(tasks["task_id"]).to_parquet(predictions_path)
    arguments = [
        "push",
        "--snapshot",
        str(snapshot),
        "--predictions",
        str(predictions_path),
        "--model-version",
        "v7",
    ]

    assert main([*arguments, "--dry-run"]) == 0
    assert ls_client.predictions.list(project=project_id) == []
    assert main([*arguments, "--scope", "region:fr"]) == 0

    stored = ls_client.predictions.list(project=project_id)
    assert len(stored) == 4
    assert {p.model_version for p in stored} == {"v7"}
    output = capsys.readouterr().out
    assert "Dry run" in output


def test_cli_push_unknown_project_exits_2(
    tmp_path, label_studio_env, make_project, predictions_builder, snapshot_syncer, capsys
):
    project_id, tasks = make_project(ROWS[:2])
    snapshot = snapshot_syncer(project_id, tmp_path / "snapshot")
    predictions_path = tmp_path / "predictions.parquet"
    predictions_builder(tasks["task_id"]).to_parquet(predictions_path)

    code = main(
        [
            "push",
            "--snapshot",
            str(snapshot),
            "--predictions",
            str(predictions_path),
            "--model-version",
            "v1",
            "--project",
            "999999",
        ]
    )

    error = capsys.readouterr().err
    assert code == 2
    assert "999999" in error
    assert "Traceback" not in error


def test_unknown_task_rejected_before_delete(
    ls_client, label_studio, make_project, predictions_builder
):
    project_id, tasks = make_project(ROWS)
    _push(ls_client, label_studio, project_id, predictions_builder(tasks["task_id"], seed=1), "v1")
    stray = predictions_builder(list(tasks["task_id"]) + [10**9], seed=2)

    with pytest.raises(InputError, match="not in project"):
        _push(ls_client, label_studio, project_id, stray, "v1", tasks=tasks)

    stored = _predictions_by_version(ls_client, project_id)["v1"]
    assert len(stored) == len(ROWS)
