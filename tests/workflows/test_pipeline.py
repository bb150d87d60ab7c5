"""The full chain on a tiny real project: reports, skipping, partial re-runs, gates, manifest.

The tests of this module share one project directory and run in order: each one
changes the workflow a little and checks which steps run again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from regionkit.cli import main
from regionkit.errors import GateFailed
from regionkit.workflows.pipeline import run_workflow


def statuses(result) -> dict[str, str]:
    return {record.name: record.status for record in result.records}


def edit(workflow: Path, old: str, new: str) -> None:
    text = workflow.read_text(encoding="utf-8")
    assert old in text
    workflow.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, tiny_export: Path) -> Path:
    """The workflow file of a tiny project shared by the tests of this module."""
    from workflows.project import TINY_WORKFLOW, UMSAB

    directory = tmp_path_factory.mktemp("pipeline")
    shutil.copy(tiny_export, directory / "export.json")
    shutil.copy(UMSAB / "labeling-config.xml", directory / "labeling-config.xml")
    workflow = directory / "workflow.toml"
    workflow.write_text(TINY_WORKFLOW, encoding="utf-8")
    return workflow


@pytest.fixture(scope="module")
def first_run(project: Path):
    return run_workflow(project, argv=["regionkit", "run", str(project)])


def test_full_chain_writes_every_output(first_run, project: Path) -> None:
    run_dir = project.parent / "runs" / "tiny"
    assert first_run.run_dir == run_dir
    assert statuses(first_run) == {
        "sync": "done",
        "validate": "done",
        "train": "done",
        "evaluate": "done",
    }
    assert first_run.exit_code == 0
    assert first_run.gate == {"passed": True, "failures": [], **first_run.gate}
    for name in ("snapshot/tasks.parquet", "validated/clean.parquet", "models/manifest.json"):
        assert (run_dir / name).is_file(), name
    assert set(first_run.reports) == {"html", "md", "json"}
    report = json.loads(first_run.reports["json"].read_text())
    assert set(report["models"]["fine_tuned"]["regions"]) == {"de", "en", "fr"}


def test_manifest_records_inputs_versions_seeds_timings(first_run, project: Path) -> None:
    manifest = json.loads(first_run.manifest_path.read_text())
    assert manifest["status"] == "succeeded"
    assert manifest["exit_code"] == 0
    inputs = {item["key"]: item for item in manifest["inputs"]}
    assert set(inputs) == {"workflow", "source.path", "source.labeling_config"}
    assert all(len(item["sha256"]) == 64 for item in inputs.values())
    assert manifest["versions"]["tensorflow"]
    assert manifest["versions"]["regionkit"]
    assert manifest["seeds"] == {"workflow": 0, "validate.split": 0, "train": 0, "evaluate": 0}
    assert manifest["workflow"]["settings"]["train"]["epochs"] == 1
    steps = {step["name"]: step for step in manifest["steps"]}
    assert steps["train"]["seconds"] > 0
    assert steps["sync"]["result"]["tasks"] == 315


def test_second_run_skips_every_step(first_run, project: Path) -> None:
    second = run_workflow(project)
    assert statuses(second) == {
        name: "skipped" for name in ("sync", "validate", "train", "evaluate")
    }
    assert [record.key for record in second.records] == [record.key for record in first_run.records]
    assert second.reports["html"] == first_run.reports["html"]


def test_cleaning_change_reruns_validate_and_later(first_run, project: Path) -> None:
    edit(
        project,
        "[validate.cleaning]\ndrop_duplicates = true",
        "[validate.cleaning]\ndrop_duplicates = false",
    )
    result = run_workflow(project)
    assert statuses(result) == {
        "sync": "skipped",
        "validate": "done",
        "train": "done",
        "evaluate": "done",
    }


def test_force_evaluate_redoes_only_evaluate(first_run, project: Path) -> None:
    result = run_workflow(project, force=["evaluate"])
    assert statuses(result) == {
        "sync": "skipped",
        "validate": "skipped",
        "train": "skipped",
        "evaluate": "done",
    }


def test_plan_holdout_retrains_without_held_back_tasks(first_run, project: Path) -> None:
    before = json.loads((first_run.run_dir / "models" / "manifest.json").read_text())
    edit(
        project,
        "[evaluate]\n",
        "[plan]\nenabled = true\nbudget = 20\nholdout_fraction = 0.3\n\n[evaluate]\n",
    )
    result = run_workflow(project)
    assert statuses(result) == {
        "sync": "skipped",
        "validate": "skipped",
        "train": "done",
        "evaluate": "done",
        "plan": "done",
    }
    plan = json.loads((result.run_dir / "plan" / "plan.json").read_text())
    assert sum(region["tasks"] for region in plan["regions"].values()) == 20
    assert (result.run_dir / "plan" / "plan.md").is_file()
    assert result.record("plan").result["tasks"] == 20

    after = json.loads((result.run_dir / "models" / "manifest.json").read_text())
    for region, n_train in before["counts"]["train"].items():
        assert after["counts"]["train"][region] == n_train - round(n_train * 0.3)
    assert after["counts"]["test"] == before["counts"]["test"]


def test_failed_gate_exits_1_after_summary(
    first_run, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, "[evaluate]\n", '[evaluate.gate]\nmin_metric = ["macro_f1=0.99"]\n\n[evaluate]\n')
    code = main(["run", str(project)])
    captured = capsys.readouterr()
    assert code == 1
    last_line = captured.out.strip().splitlines()[-1]
    assert last_line == f"Report: {project.parent / 'runs' / 'tiny' / 'evaluation' / 'report.html'}"
    assert "evaluation gate failed" in captured.err
    assert "[1/5] sync: skipped" in captured.err
    manifest = json.loads((project.parent / "runs" / "tiny" / "run.json").read_text())
    assert manifest["status"] == "gate_failed"
    assert manifest["exit_code"] == 1


def test_quiet_prints_only_the_gate_error(
    first_run, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", str(project), "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert captured.err.strip().startswith("Error: The evaluation gate failed")
    assert len(captured.err.strip().splitlines()) == 1


def test_failed_validation_stops_before_training(first_run, project: Path, tmp_path: Path) -> None:
    edit(project, "[validate.checks]\n", '[validate.checks]\nregions = ["xx"]\n')
    out = tmp_path / "run"
    with pytest.raises(GateFailed, match="unknown_region"):
        run_workflow(project, out=out)
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["status"] == "gate_failed"
    assert [step["status"] for step in manifest["steps"]] == [
        "done",
        "done",
        "not_run",
        "not_run",
        "not_run",
    ]
    assert (out / "validated" / "quarantine.parquet").is_file()
    assert not (out / "models").exists()
