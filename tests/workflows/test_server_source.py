"""A server source on the real Label Studio test server: re-checked every run, key never written."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from labelstudio.ls_helpers import choice
from regionkit.errors import InputError
from regionkit.workflows.loader import load_workflow
from regionkit.workflows.runner import run_steps
from regionkit.workflows.steps import build_steps, manifest_settings
from workflows.project import UMSAB

pytestmark = pytest.mark.labelstudio

KEY_VARIABLE = "REGIONKIT_TEST_WORKFLOW_KEY"


@pytest.fixture(scope="module")
def server_project(ls_client) -> int:
    """A project of six annotated tasks in two locales."""
    config = (UMSAB / "labeling-config.xml").read_text(encoding="utf-8")
    project = ls_client.projects.create(title="workflow source", label_config=config)
    texts = [
        ("good day", "en", "positive"),
        ("bad day", "en", "negative"),
        ("a day", "en", "neutral"),
        ("beau jour", "fr", "positive"),
        ("mauvais jour", "fr", "negative"),
        ("un jour", "fr", "neutral"),
    ]
    tasks = [
        {"data": {"text": text, "locale": locale}, "annotations": [{"result": choice(label)}]}
        for text, locale, label in texts
    ]
    ls_client.projects.import_tasks(id=project.id, request=tasks)
    return project.id


def write_workflow(directory: Path, project: int, url: str, *, cache: str = "never") -> Path:
    workflow = directory / "workflow.toml"
    workflow.write_text(
        textwrap.dedent(
            f"""
            [source]
            kind = "server"
            projects = [{project}]
            url = "{url}"
            api_key_env = "{KEY_VARIABLE}"
            cache = "{cache}"

            [regions]
            field = "locale"
            """
        )
    )
    return workflow


def sync_only(workflow: Path, run_dir: Path):
    loaded = load_workflow(workflow)
    return run_steps(build_steps(loaded)[:1], run_dir)[0]


def test_server_sync_reruns_and_reports_unchanged(
    label_studio, server_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VARIABLE, label_studio.token)
    workflow = write_workflow(tmp_path, server_project, label_studio.url)
    first = sync_only(workflow, tmp_path / "run")
    second = sync_only(workflow, tmp_path / "run")
    assert first.status == "done"
    assert first.result["tasks"] == 6
    assert second.status == "unchanged"
    assert second.output_hash == first.output_hash


def test_server_sync_sees_new_annotations(
    label_studio, ls_client, server_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VARIABLE, label_studio.token)
    workflow = write_workflow(tmp_path, server_project, label_studio.url)
    first = sync_only(workflow, tmp_path / "run")
    ls_client.projects.import_tasks(
        id=server_project,
        request=[
            {
                "data": {"text": "jour", "locale": "fr"},
                "annotations": [{"result": choice("neutral")}],
            }
        ],
    )
    second = sync_only(workflow, tmp_path / "run")
    assert second.status == "done"
    assert second.result["tasks"] == first.result["tasks"] + 1
    assert second.output_hash != first.output_hash


def test_changed_projects_pull_in_full(
    label_studio, ls_client, server_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VARIABLE, label_studio.token)
    config = (UMSAB / "labeling-config.xml").read_text(encoding="utf-8")
    other = ls_client.projects.create(title="workflow source two", label_config=config)
    ls_client.projects.import_tasks(
        id=other.id,
        request=[
            {
                "data": {"text": "guten Tag", "locale": "de"},
                "annotations": [{"result": choice("positive")}],
            }
        ],
    )
    first = sync_only(write_workflow(tmp_path, server_project, label_studio.url), tmp_path / "run")
    workflow = write_workflow(tmp_path, server_project, label_studio.url)
    workflow.write_text(
        workflow.read_text().replace(
            f"projects = [{server_project}]", f"projects = [{server_project}, {other.id}]"
        )
    )
    second = sync_only(workflow, tmp_path / "run")
    assert second.status == "done"
    assert second.result["by_region"]["de"] == 1
    assert second.result["tasks"] == first.result["tasks"] + 1


def test_cache_always_skips_server(
    label_studio, server_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VARIABLE, label_studio.token)
    workflow = write_workflow(tmp_path, server_project, label_studio.url, cache="always")
    sync_only(workflow, tmp_path / "run")
    monkeypatch.delenv(KEY_VARIABLE)
    assert sync_only(workflow, tmp_path / "run").status == "skipped"


def test_api_key_is_never_written(
    label_studio, server_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VARIABLE, label_studio.token)
    workflow = write_workflow(tmp_path, server_project, label_studio.url)
    sync_only(workflow, tmp_path / "run")
    for path in (tmp_path / "run").rglob("*"):
        if path.is_file():
            assert label_studio.token.encode() not in path.read_bytes(), path
    settings = json.dumps(manifest_settings(load_workflow(workflow)))
    assert label_studio.token not in settings
    assert KEY_VARIABLE in settings


def test_unset_key_variable_names_it(
    label_studio, server_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    monkeypatch.setenv("REGIONKIT_CONFIG", str(tmp_path / "no-config.toml"))
    workflow = write_workflow(tmp_path, server_project, label_studio.url)
    with pytest.raises(InputError, match=KEY_VARIABLE):
        sync_only(workflow, tmp_path / "run")
    assert not (tmp_path / "run" / "snapshot").exists()
