"""Fixtures for the validator tests: tiny contract snapshots and one shared UMSAB validation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

LABELS = ["negative", "neutral", "positive"]


def _write_snapshot(
    directory: Path, rows: list[dict], *, labels=LABELS, regions=None, input_type="Text"
) -> Path:
    """Write ``rows`` as a snapshot that follows the contract (tasks, annotations, manifest)."""
    import pandas as pd

    from regionkit.labelstudio.snapshot import ANNOTATION_DTYPES, TASK_DTYPES

    directory.mkdir(parents=True, exist_ok=True)
    defaults = {
        "project_id": 1,
        "agreement": 1.0,
        "n_annotations": 1,
        "n_cancelled": 0,
        "has_ground_truth": True,
        "no_consensus": False,
        "n_predictions": 0,
        "has_draft": False,
    }
    tasks = pd.DataFrame(
        [{**defaults, "task_id": index + 1, **row} for index, row in enumerate(rows)]
    )
    data_columns = {name: "string" for name in tasks.columns if name in ("data.text", "data.split")}
    tasks = tasks.astype({**TASK_DTYPES, **data_columns})
    tasks.to_parquet(directory / "tasks.parquet", index=False)
    annotations = pd.DataFrame(
        {name: pd.Series([], dtype=dtype) for name, dtype in ANNOTATION_DTYPES.items()}
    )
    annotations.to_parquet(directory / "annotations.parquet", index=False)
    by_region: dict[str, int] = {}
    for row in rows:
        if row.get("region") is not None:
            by_region[row["region"]] = by_region.get(row["region"], 0) + 1
    manifest = {
        "schema_version": 1,
        "source": {"kind": "file", "path": "test"},
        "projects": [{"id": 1, "title": "test", "region": None}],
        "labeling_config": "<View/>",
        "label_control": "sentiment",
        "input_field": "text",
        "input_type": input_type,
        "labels": list(labels),
        "region_source": {"kind": "field", "field": "locale"},
        "counts": {"tasks": len(rows), "by_region": regions if regions is not None else by_region},
        "content_hash": "test-hash",
    }
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return directory


@pytest.fixture
def make_snapshot(tmp_path: Path) -> Callable[..., Path]:
    """Return a function that writes rows as a snapshot directory under ``tmp_path``."""
    counter = {"n": 0}

    def make(rows: list[dict], **kwargs) -> Path:
        counter["n"] += 1
        return _write_snapshot(tmp_path / f"snapshot-{counter['n']}", rows, **kwargs)

    return make


def _balanced_rows(regions=("en", "fr"), per_label: int = 12) -> list[dict]:
    rows = []
    for region in regions:
        for label in LABELS:
            for index in range(per_label):
                split = "test" if index % 4 == 0 else "train"
                rows.append(
                    {
                        "region": region,
                        "label": label,
                        "data.split": split,
                        "data.text": f"{region} {label} example number {index} is fine",
                    }
                )
    return rows


@pytest.fixture
def balanced_rows() -> Callable[..., list[dict]]:
    """Return a function that makes distinct clean rows: ``per_label`` per label and region."""
    return _balanced_rows


@pytest.fixture(scope="session")
def umsab_snapshot(tmp_path_factory: pytest.TempPathFactory, umsab_export: Path) -> Path:
    """The UMSAB export synced into a snapshot with the sync API (region from ``locale``)."""
    from regionkit.labelstudio import FileSource, RegionField, sync_snapshot

    out = tmp_path_factory.mktemp("umsab") / "snapshot"
    sync_snapshot(
        source=FileSource(umsab_export, umsab_export.parent / "labeling-config.xml"),
        region=RegionField("locale"),
        out=out,
        show_progress=False,
    )
    return out


@pytest.fixture(scope="session")
def umsab_validation(umsab_snapshot: Path, tmp_path_factory: pytest.TempPathFactory):
    """``validate_snapshot`` on UMSAB with default settings, run once per test session."""
    from regionkit.validators import validate_snapshot

    return validate_snapshot(
        snapshot=umsab_snapshot, out=tmp_path_factory.mktemp("umsab-validated") / "out"
    )
