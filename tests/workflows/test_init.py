"""`regionkit init`: the starter project, overwrite protection and a template that loads."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from regionkit.cli import main
from regionkit.workflows.loader import load_workflow, parse_workflow
from regionkit.workflows.starter import init_project

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_init_writes_starter_files(tmp_path: Path) -> None:
    written = init_project(tmp_path / "project")
    names = sorted(path.relative_to(tmp_path / "project").as_posix() for path in written)
    assert names == [".gitignore", "suites/README.md", "workflow.toml"]
    assert "runs/" in (tmp_path / "project" / ".gitignore").read_text().splitlines()
    assert (tmp_path / "project" / "workflow.toml").stat().st_mode & 0o600 == 0o600


def test_starter_workflow_is_valid(tmp_path: Path) -> None:
    init_project(tmp_path)
    data = tomllib.loads((tmp_path / "workflow.toml").read_text())
    workflow = parse_workflow(data)
    assert workflow.source.kind == "file"
    assert workflow.regions.field == "locale"
    assert workflow.evaluate.gate.max_gap == 0.10


def test_starter_workflow_loads_once_data_exists(tmp_path: Path) -> None:
    init_project(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "export.json").write_text("[]")
    (tmp_path / "data" / "labeling-config.xml").write_text("<View/>")
    loaded = load_workflow(tmp_path / "workflow.toml")
    assert loaded.workflow.validate_.suites == tmp_path / "suites"
    assert loaded.workflow.out == tmp_path / "runs" / "latest"


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "workflow.toml").write_text("# my edits\n")
    code = main(["init", str(tmp_path)])
    assert code == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert (tmp_path / "workflow.toml").read_text() == "# my edits\n"
    assert not (tmp_path / ".gitignore").exists()


def test_init_force_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "workflow.toml").write_text("# my edits\n")
    code = main(["init", str(tmp_path), "--force"])
    assert code == 0
    assert "[source]" in (tmp_path / "workflow.toml").read_text()
    assert "regionkit run" in capsys.readouterr().out


def test_init_into_a_file_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert main(["init", str(target)]) == 2
    assert "is a file, not a directory" in capsys.readouterr().err
