"""Fixtures of the workflow tests: a tiny real export and a project directory around it."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from workflows.project import TINY_WORKFLOW, UMSAB, tiny_tasks


@pytest.fixture(scope="session")
def tiny_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Label Studio JSON export of 315 real UMSAB tasks (en, fr, de)."""
    path = tmp_path_factory.mktemp("tiny-export") / "export.json"
    path.write_text(json.dumps(tiny_tasks(), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def tiny_project(tmp_path: Path, tiny_export: Path) -> Path:
    """A project directory with the tiny export, the UMSAB labeling config and workflow.toml."""
    shutil.copy(tiny_export, tmp_path / "export.json")
    shutil.copy(UMSAB / "labeling-config.xml", tmp_path / "labeling-config.xml")
    workflow = tmp_path / "workflow.toml"
    workflow.write_text(textwrap.dedent(TINY_WORKFLOW), encoding="utf-8")
    return workflow
