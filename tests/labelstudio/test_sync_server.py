"""Sync from the real Label Studio server: full, incremental, per-project regions and errors."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from labelstudio.ls_helpers import (
    add_draft,
    add_prediction,
    annotate,
    choice,
    create_project,
    create_user,
    personal_access_token,
)
from regionkit.cli import main
from regionkit.config import LabelStudioSettings
from regionkit.errors import ConnectionFailed, InputError
from regionkit.labelstudio import (
    ProjectRegionMap,
    RegionField,
    ServerSource,
    load_snapshot,
    sync_snapshot,
)

pytestmark = pytest.mark.labelstudio


@pytest.fixture(scope="module")
def settings(label_studio) -> LabelStudioSettings:
    return LabelStudioSettings(url=label_studio.url, api_key=label_studio.token)


@pytest.fixture(scope="module")
def field_project(ls_client) -> dict:
    """Six tasks with a region field: disagreement with ground truth, skip, draft, predictions, a tie."""
    second = create_user(ls_client, "annotator")
    regions = ["EU", "US", "EU", "APAC", "LATAM", None]
    project_id, ids = create_project(
        ls_client,
        "Field regions",
        [{"text": f"text {index}", "region": region} for index, region in enumerate(regions)],
    )
    annotate(ls_client, ids[0], "positive", ground_truth=True)
    annotate(ls_client, ids[0], "neutral", user=second)
    annotate(ls_client, ids[1], "negative")
    add_prediction(ls_client, ids[1], "negative", score=0.91)
    annotate(ls_client, ids[2], None, skipped=True)
    annotate(ls_client, ids[3], "neutral", user=second)
    add_draft(ls_client, ids[3], "negative")
    add_prediction(ls_client, ids[4], "positive", score=0.55)
    annotate(ls_client, ids[5], "positive")
    annotate(ls_client, ids[5], "negative", user=second)
    return {"id": project_id, "tasks": ids, "second_user": second}


def _sync(settings, project, out, *, since_last=False, region=None):
    return sync_snapshot(
        source=ServerSource((project,), settings),
        region=region or RegionField("region"),
        out=out,
        since_last=since_last,
        show_progress=False,
    )


def test_full_sync_reads_every_case(settings, field_project, tmp_path):
    result = _sync(settings, field_project["id"], tmp_path / "s")
    snapshot = load_snapshot(tmp_path / "s")
    tasks = snapshot.tasks.set_index("task_id")
    first, second, skipped, drafted, predicted, tied = field_project["tasks"]

    assert result.method == "export"
    assert result.n_tasks == 6
    assert result.no_region == 1
    assert result.by_region == {"APAC": 1, "EU": 2, "LATAM": 1, "US": 1}
    assert tasks.loc[first, "label"] == "positive"
    assert tasks.loc[first, "has_ground_truth"]
    assert tasks.loc[first, "agreement"] == 0.5
    assert tasks.loc[skipped, "n_cancelled"] == 1
    assert pd.isna(tasks.loc[skipped, "label"])
    assert tasks.loc[drafted, "has_draft"]
    assert tasks.loc[drafted, "n_annotations"] == 1
    assert tasks.loc[predicted, "n_predictions"] == 1
    assert tasks.loc[tied, "no_consensus"]
    assert set(snapshot.annotations["annotator"]) == {"1", str(field_project["second_user"])}
    assert sorted(snapshot.predictions["score"].tolist()) == [0.55, 0.91]
    assert snapshot.manifest["source"] == {"kind": "server", "url": settings.url}
    assert settings.api_key not in (tmp_path / "s" / "manifest.json").read_text()


def test_incremental_equals_full(ls_client, settings, field_project, tmp_path):
    project_id = field_project["id"]
    first, second, skipped, drafted, predicted, tied = field_project["tasks"]
    out = tmp_path / "incremental"
    # The server's Date header has whole seconds; keep setup edits out of the pull's start second.
    time.sleep(1.1)
    before = _sync(settings, project_id, out)
    time.sleep(1.1)

    changed_annotation = next(iter(ls_client.annotations.list(id=second)))
    ls_client.annotations.update(id=changed_annotation.id, result=choice("positive"))
    annotate(ls_client, predicted, "positive", user=field_project["second_user"])
    deleted = sorted(annotation.id for annotation in ls_client.annotations.list(id=tied))[-1]
    ls_client.annotations.delete(id=deleted)

    after = _sync(settings, project_id, out, since_last=True)
    full = _sync(settings, project_id, tmp_path / "full")

    assert after.mode == "incremental"
    assert set(after.pulled_tasks) == {
        (project_id, second),
        (project_id, predicted),
        (project_id, tied),
    }
    assert after.content_hash == full.content_hash
    assert after.content_hash != before.content_hash
    incremental_tasks = load_snapshot(out).tasks.set_index("task_id")
    assert incremental_tasks.loc[second, "label"] == "positive"
    assert incremental_tasks.loc[predicted, "label"] == "positive"
    assert incremental_tasks.loc[tied, "n_annotations"] == 1
    pd.testing.assert_frame_equal(
        load_snapshot(out).annotations, load_snapshot(tmp_path / "full").annotations
    )


def test_incremental_after_task_deletion_runs_full(ls_client, settings, tmp_path):
    project_id, ids = create_project(
        ls_client, "Deletions", [{"text": "a", "region": "fr"}, {"text": "b", "region": "de"}]
    )
    out = tmp_path / "s"
    _sync(settings, project_id, out)
    ls_client.tasks.delete(id=str(ids[0]))
    result = _sync(settings, project_id, out, since_last=True)
    assert result.mode == "full"
    assert result.n_tasks == 1


def test_project_per_region_map(ls_client, settings, tmp_path):
    german, _ = create_project(ls_client, "Market DE", [{"text": "gut"}, {"text": "schlecht"}])
    french, french_tasks = create_project(ls_client, "Market FR", [{"text": "bien"}])
    annotate(ls_client, french_tasks[0], "positive")
    region_map = ProjectRegionMap({str(german): "de", "Market FR": "fr"})
    result = sync_snapshot(
        source=ServerSource((german, "Market FR"), settings),
        region=region_map,
        out=tmp_path / "s",
        show_progress=False,
    )
    snapshot = load_snapshot(tmp_path / "s")
    assert result.by_region == {"de": 2, "fr": 1}
    assert {project["id"]: project["region"] for project in snapshot.manifest["projects"]} == {
        german: "de",
        french: "fr",
    }
    assert snapshot.manifest["region_source"]["kind"] == "project_map"


def test_region_map_unknown_project(settings, field_project, tmp_path):
    with pytest.raises(InputError, match="names none of the synced projects"):
        _sync(
            settings,
            field_project["id"],
            tmp_path / "s",
            region=ProjectRegionMap({"Market XX": "xx"}),
        )


def test_cli_server_sync(ls_client, label_studio_env, tmp_path, capsys):
    project_id, _ = create_project(ls_client, "CLI market", [{"text": "x"}])
    code = main(
        [
            "sync",
            "--project",
            "CLI market",
            "--region-map",
            "CLI market=pt",
            "--out",
            str(tmp_path / "s"),
            "--no-progress",
        ]
    )
    assert code == 0
    assert "pt 1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("project", "fragment"),
    [
        ("999999", "Project 999999 not found"),
        ("No such title", "Project 'No such title' not found"),
    ],
)
def test_cli_unknown_project(label_studio_env, tmp_path, capsys, project, fragment):
    code = main(
        [
            "sync",
            "--project",
            project,
            "--region-field",
            "region",
            "--out",
            str(tmp_path / "s"),
            "--no-progress",
        ]
    )
    error = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert fragment in error
    assert "Traceback" not in error


def test_wrong_token_is_clear(label_studio, field_project, tmp_path):
    settings = LabelStudioSettings(url=label_studio.url, api_key="f" * 40)
    with pytest.raises(ConnectionFailed, match="rejected the API key"):
        _sync(settings, field_project["id"], tmp_path / "s")


def test_personal_access_token_works(ls_client, label_studio, field_project, tmp_path):
    token = personal_access_token(ls_client, label_studio.url)
    if token is None:
        pytest.skip("this server issues no Personal Access Tokens")
    result = _sync(
        LabelStudioSettings(url=label_studio.url, api_key=token),
        field_project["id"],
        tmp_path / "s",
    )
    assert result.n_tasks == 6


def test_disabled_legacy_tokens_are_named(ls_client, label_studio, field_project, tmp_path):
    from label_studio_sdk import LabelStudio

    token = personal_access_token(ls_client, label_studio.url)
    if token is None:
        pytest.skip("this server issues no Personal Access Tokens")
    # The admin's legacy token stops working below, so the settings are changed with a PAT.
    http = LabelStudio(base_url=label_studio.url, api_key=token)._client_wrapper.httpx_client
    enabled = {"api_tokens_enabled": True, "legacy_api_tokens_enabled": True}
    try:
        http.request(
            "/api/jwt/settings", method="POST", json={**enabled, "legacy_api_tokens_enabled": False}
        )
        with pytest.raises(ConnectionFailed, match="legacy tokens are disabled"):
            _sync(
                LabelStudioSettings(url=label_studio.url, api_key=label_studio.token),
                field_project["id"],
                tmp_path / "s",
            )
    finally:
        http.request("/api/jwt/settings", method="POST", json=enabled).raise_for_status()


def test_unreachable_server_is_clear(tmp_path, monkeypatch):
    import socket

    from regionkit.labelstudio import client

    monkeypatch.setattr(client, "BACKOFF_BASE_S", 0.01)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = LabelStudioSettings(url=f"http://127.0.0.1:{port}", api_key="x" * 40)
    with pytest.raises(ConnectionFailed, match="failed after 5 attempts"):
        _sync(settings, 1, tmp_path / "s")


def test_wrong_url_is_clear(label_studio, tmp_path):
    settings = LabelStudioSettings(
        url=f"{label_studio.url}/not-the-api", api_key=label_studio.token
    )
    with pytest.raises(ConnectionFailed, match="base URL"):
        _sync(settings, 1, tmp_path / "s")


def test_project_without_choices(ls_client, settings, tmp_path):
    project = ls_client.projects.create(
        title="Free text",
        label_config='<View><Text name="text" value="$text"/><TextArea name="a" toName="text"/></View>',
    )
    with pytest.raises(InputError, match="no Choices control"):
        _sync(settings, project.id, tmp_path / "s")


def test_since_last_needs_matching_snapshot(ls_client, settings, field_project, tmp_path):
    out = tmp_path / "s"
    _sync(settings, field_project["id"], out)
    other, _ = create_project(ls_client, "Other", [{"text": "x", "region": "fr"}])
    with pytest.raises(InputError, match="without --since-last"):
        _sync(settings, other, out, since_last=True)
