"""Fixtures for push and plan tests: small projects on the real server, reports and predictions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

LABELS = ["negative", "neutral", "positive"]


def build_report(regions: dict[str, dict], *, model: str = "fine_tuned") -> dict:
    """Return a schema-1 evaluation report with the given per-region fields filled in."""
    entries = {}
    for region, fields in regions.items():
        entry = {
            "n": 300,
            "accuracy": 0.6,
            "accuracy_ci": [0.55, 0.65],
            "macro_f1": 0.6,
            "macro_f1_ci": [0.55, 0.65],
            "gap_to_overall": 0.0,
            "gap_ci": [-0.04, 0.04],
            "gap_to_best": 0.0,
            "gap_to_best_ci": [-0.04, 0.04],
            "p_value": 0.9,
            "p_value_holm": 1.0,
            "significant": False,
            "too_few_to_judge": False,
            "min_detectable_gap": 0.05,
        }
        entry.update(fields)
        entries[region] = entry
    return {
        "schema_version": 1,
        "primary_metric": "macro_f1",
        "labels": LABELS,
        "confidence_level": 0.95,
        "n_boot": 1000,
        "seed": 0,
        "models": {
            model: {"overall": {"n": 300 * len(regions), "macro_f1": 0.6}, "regions": entries}
        },
        "gate": {"passed": True, "failures": []},
    }


def build_predictions(task_ids, *, seed: int = 0, model: str = "fine_tuned") -> pd.DataFrame:
    """Return predict_frame-shaped rows with random class probabilities for ``task_ids``."""
    generator = np.random.default_rng(seed)
    probabilities = generator.dirichlet([1.0, 1.0, 1.0], size=len(task_ids))
    frame = pd.DataFrame({"task_id": list(task_ids), "model": model})
    for index, label in enumerate(LABELS):
        frame[f"p.{label}"] = probabilities[:, index]
    frame["y_pred"] = [LABELS[i] for i in probabilities.argmax(axis=1)]
    frame["confidence"] = probabilities.max(axis=1)
    return frame


@pytest.fixture(scope="session")
def labeling_config(umsab_labeling_config: Path) -> str:
    """The UMSAB labeling config (Text ``text``, Choices ``sentiment``)."""
    return umsab_labeling_config.read_text(encoding="utf-8")


@pytest.fixture
def make_project(ls_client, labeling_config):
    """Create a project with one task per (region, text) pair; return (project_id, tasks)."""
    created = []

    def factory(
        rows: list[tuple[str, str]], *, title: str = "closing loop"
    ) -> tuple[int, pd.DataFrame]:
        project = ls_client.projects.create(title=title, label_config=labeling_config)
        created.append(project.id)
        ls_client.projects.import_tasks(
            id=project.id, request=[{"text": text, "locale": region} for region, text in rows]
        )
        tasks = sorted(
            ls_client.tasks.list(project=project.id, fields="all"), key=lambda task: task.id
        )
        table = pd.DataFrame(
            {
                "task_id": pd.array([task.id for task in tasks], dtype="int64"),
                "project_id": pd.array([project.id] * len(tasks), dtype="int64"),
                "region": pd.array([task.data["locale"] for task in tasks], dtype="string"),
                "label": pd.array([None] * len(tasks), dtype="string"),
                "n_annotations": pd.array([0] * len(tasks), dtype="int64"),
                "data.text": pd.array([task.data["text"] for task in tasks], dtype="string"),
                "data.locale": pd.array([task.data["locale"] for task in tasks], dtype="string"),
            }
        )
        return project.id, table

    yield factory
    for project_id in created:
        ls_client.projects.delete(id=project_id)


def sync_project(project_id: int, out: Path) -> Path:
    """Sync a project from the test server into a snapshot at ``out`` (needs label_studio_env)."""
    from regionkit.labelstudio import RegionField, ServerSource, sync_snapshot

    sync_snapshot(
        source=ServerSource(projects=(project_id,)),
        region=RegionField("locale"),
        out=out,
        show_progress=False,
    )
    return out


@pytest.fixture(scope="session")
def report_builder():
    """:func:`build_report`, for tests that need an evaluation report."""
    return build_report


@pytest.fixture(scope="session")
def predictions_builder():
    """:func:`build_predictions`, for tests that need predict_frame-shaped rows."""
    return build_predictions


@pytest.fixture(scope="session")
def snapshot_syncer():
    """:func:`sync_project`, for CLI tests that read a snapshot directory."""
    return sync_project
