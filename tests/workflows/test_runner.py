"""The step runner: cache keys, skipping, --force, resume after failure, atomic outputs.

These tests drive the generic runner with small step functions that write text
files, so each case runs in milliseconds. test_pipeline.py runs the real steps.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regionkit.errors import InputError
from regionkit.workflows.runner import MARKER_NAME, Step, StepContext, read_marker, run_steps


class Chain:
    """Three steps a -> b -> c whose outputs derive from their settings and inputs."""

    def __init__(self) -> None:
        self.settings = {"a": {"word": "hello"}, "b": {"repeat": 2}, "c": {"suffix": "!"}}
        self.calls: list[str] = []
        self.fail_in: str | None = None

    def steps(self) -> list[Step]:
        return [
            Step("a", "out-a", dict(self.settings["a"]), self._run_a),
            Step("b", "out-b", dict(self.settings["b"]), self._run_b, depends_on=("a",)),
            Step("c", "out-c", dict(self.settings["c"]), self._run_c, depends_on=("b",)),
        ]

    def _run_a(self, context: StepContext) -> dict:
        self._enter("a", context)
        (context.out / "text.txt").write_text(self.settings["a"]["word"])
        return {"length": len(self.settings["a"]["word"])}

    def _run_b(self, context: StepContext) -> None:
        self._enter("b", context)
        text = (context.inputs["a"] / "text.txt").read_text()
        (context.out / "text.txt").write_text(text * self.settings["b"]["repeat"])

    def _run_c(self, context: StepContext) -> None:
        self._enter("c", context)
        text = (context.inputs["b"] / "text.txt").read_text()
        (context.out / "text.txt").write_text(text + self.settings["c"]["suffix"])

    def _enter(self, name: str, context: StepContext) -> None:
        self.calls.append(name)
        (context.out / "partial.txt").write_text("written before the step finished")
        if self.fail_in == name:
            raise InputError(f"step {name} failed on purpose")


def statuses(records) -> dict[str, str]:
    return {record.name: record.status for record in records}


def test_first_run_executes_every_step(tmp_path: Path) -> None:
    chain = Chain()
    records = run_steps(chain.steps(), tmp_path)
    assert statuses(records) == {"a": "done", "b": "done", "c": "done"}
    assert (tmp_path / "out-c" / "text.txt").read_text() == "hellohello!"
    marker = read_marker(tmp_path / "out-a")
    assert marker["key"] == records[0].key
    assert marker["result"] == {"length": 5}


def test_second_run_skips_every_step(tmp_path: Path) -> None:
    chain = Chain()
    first = run_steps(chain.steps(), tmp_path)
    chain.calls.clear()
    second = run_steps(chain.steps(), tmp_path)
    assert chain.calls == []
    assert statuses(second) == {"a": "skipped", "b": "skipped", "c": "skipped"}
    assert [record.key for record in second] == [record.key for record in first]
    assert second[0].result == {"length": 5}


def test_changed_setting_reruns_step_and_later(tmp_path: Path) -> None:
    chain = Chain()
    run_steps(chain.steps(), tmp_path)
    chain.calls.clear()
    chain.settings["b"]["repeat"] = 3
    records = run_steps(chain.steps(), tmp_path)
    assert chain.calls == ["b", "c"]
    assert statuses(records) == {"a": "skipped", "b": "done", "c": "done"}
    assert (tmp_path / "out-c" / "text.txt").read_text() == "hellohellohello!"


def test_force_redoes_step_and_later(tmp_path: Path) -> None:
    chain = Chain()
    run_steps(chain.steps(), tmp_path)
    chain.calls.clear()
    records = run_steps(chain.steps(), tmp_path, force=["b"])
    assert chain.calls == ["b", "c"]
    assert statuses(records)["a"] == "skipped"


def test_force_all_redoes_everything(tmp_path: Path) -> None:
    chain = Chain()
    run_steps(chain.steps(), tmp_path)
    chain.calls.clear()
    run_steps(chain.steps(), tmp_path, force=["all"])
    assert chain.calls == ["a", "b", "c"]


def test_force_unknown_step_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--force trian names no step"):
        run_steps(Chain().steps(), tmp_path, force=["trian"])


def test_failed_step_leaves_no_output(tmp_path: Path) -> None:
    chain = Chain()
    chain.fail_in = "b"
    records: list = []
    with pytest.raises(InputError, match="failed on purpose"):
        run_steps(chain.steps(), tmp_path, records=records)
    assert statuses(records) == {"a": "done", "b": "failed", "c": "not_run"}
    assert records[1].error == "step b failed on purpose"
    assert not (tmp_path / "out-b").exists()
    leftovers = [path.name for path in tmp_path.iterdir() if path.name.startswith(".out-b")]
    assert leftovers == []


def test_rerun_after_failure_resumes_at_failed_step(tmp_path: Path) -> None:
    chain = Chain()
    chain.fail_in = "c"
    with pytest.raises(InputError):
        run_steps(chain.steps(), tmp_path)
    chain.fail_in = None
    chain.calls.clear()
    records = run_steps(chain.steps(), tmp_path)
    assert chain.calls == ["c"]
    assert statuses(records) == {"a": "skipped", "b": "skipped", "c": "done"}


def test_failed_redo_keeps_previous_output(tmp_path: Path) -> None:
    chain = Chain()
    run_steps(chain.steps(), tmp_path)
    chain.settings["b"]["repeat"] = 5
    chain.fail_in = "b"
    with pytest.raises(InputError):
        run_steps(chain.steps(), tmp_path)
    assert (tmp_path / "out-b" / "text.txt").read_text() == "hellohello"
    assert read_marker(tmp_path / "out-b") is not None


def test_output_without_marker_is_redone(tmp_path: Path) -> None:
    chain = Chain()
    run_steps(chain.steps(), tmp_path)
    (tmp_path / "out-b" / MARKER_NAME).unlink()
    chain.calls.clear()
    run_steps(chain.steps(), tmp_path)
    assert chain.calls[0] == "b"


def test_damaged_marker_is_redone(tmp_path: Path) -> None:
    chain = Chain()
    run_steps(chain.steps(), tmp_path)
    (tmp_path / "out-a" / MARKER_NAME).write_text("{not json")
    chain.calls.clear()
    run_steps(chain.steps(), tmp_path)
    assert chain.calls == ["a"]


def test_same_upstream_output_keeps_later_steps(tmp_path: Path) -> None:
    """A redone step whose output content is unchanged does not invalidate the steps after it."""
    chain = Chain()
    run_steps(chain.steps(), tmp_path)
    chain.settings["a"]["note"] = "a setting that does not change the output"
    chain.calls.clear()
    records = run_steps(chain.steps(), tmp_path)
    assert chain.calls == ["a"]
    assert statuses(records) == {"a": "done", "b": "skipped", "c": "skipped"}


def test_always_run_step_reports_unchanged(tmp_path: Path) -> None:
    chain = Chain()
    steps = chain.steps()
    steps[0] = Step("a", "out-a", dict(chain.settings["a"]), steps[0].execute, always_run=True)
    run_steps(steps, tmp_path)
    chain.calls.clear()
    records = run_steps(steps, tmp_path)
    assert chain.calls == ["a"]
    assert statuses(records) == {"a": "unchanged", "b": "skipped", "c": "skipped"}


def test_marker_is_json_with_settings(tmp_path: Path) -> None:
    run_steps(Chain().steps(), tmp_path)
    marker = json.loads((tmp_path / "out-b" / MARKER_NAME).read_text())
    assert marker["step"] == "b"
    assert marker["settings"] == {"repeat": 2}
    assert len(marker["output_hash"]) == 64


def test_interrupted_step_resumes_on_rerun(tmp_path: Path) -> None:
    """Ctrl-C inside a step is raised as KeyboardInterrupt here, as Python does for SIGINT."""
    chain = Chain()
    steps = chain.steps()

    def interrupted(context: StepContext) -> None:
        (context.out / "text.txt").write_text("half")
        raise KeyboardInterrupt

    steps[1] = Step("b", "out-b", dict(chain.settings["b"]), interrupted, depends_on=("a",))
    records: list = []
    with pytest.raises(KeyboardInterrupt):
        run_steps(steps, tmp_path, records=records)
    assert statuses(records) == {"a": "done", "b": "interrupted", "c": "not_run"}
    assert not (tmp_path / "out-b").exists()

    chain.calls.clear()
    resumed = run_steps(chain.steps(), tmp_path)
    assert chain.calls == ["b", "c"]
    assert statuses(resumed)["a"] == "skipped"
