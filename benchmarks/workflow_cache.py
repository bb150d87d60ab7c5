"""Time `regionkit run` cold, re-run unchanged, and re-run after a cleaning change.

Usage::

    .venv/bin/python benchmarks/workflow_cache.py [--locales en,fr,de] [--per-split 300]
        [--keep DIR]

Builds a project from the first ``--per-split`` UMSAB tasks of each (locale, split),
with the demo's labeling config and fast training settings. Then it runs the
workflow three times in this process. For each run it prints the wall time, the
steps that ran, and the ratio to the cold run (the baseline). Only the cold run
pays for importing TensorFlow and loading the sentence encoder.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
UMSAB = REPOSITORY / "samples" / "umsab"

WORKFLOW = """
name = "workflow-cache-benchmark"
out = "runs/benchmark"

[source]
kind = "file"
path = "export.json"
labeling_config = "labeling-config.xml"

[regions]
field = "locale"

[validate.cleaning]
drop_duplicates = true

[train]
strategy = "per-region"
base_epochs = 5
epochs = 3
threads = 2
export_saved_model = false
tensorboard = false

[evaluate]
n_boot = 200
min_region_size = 20
"""


def write_project(directory: Path, *, locales: list[str], per_split: int) -> Path:
    """Write the export subset, the labeling config and the workflow file, and return its path."""
    with gzip.open(UMSAB / "umsab-export.json.gz", "rt", encoding="utf-8") as handle:
        tasks = json.load(handle)
    counts: dict[tuple[str, str], int] = {}
    chosen = []
    for task in tasks:
        key = (task["data"]["locale"], task["data"]["split"])
        if key[0] in locales and counts.get(key, 0) < per_split:
            counts[key] = counts.get(key, 0) + 1
            chosen.append(task)
    (directory / "export.json").write_text(json.dumps(chosen, ensure_ascii=False), encoding="utf-8")
    shutil.copy(UMSAB / "labeling-config.xml", directory / "labeling-config.xml")
    workflow = directory / "workflow.toml"
    workflow.write_text(WORKFLOW, encoding="utf-8")
    print(f"project: {len(chosen)} tasks in {', '.join(locales)} under {directory}")
    return workflow


def timed_run(label: str, workflow: Path, baseline: float | None) -> float:
    from regionkit.workflows.pipeline import run_workflow

    started = time.perf_counter()
    result = run_workflow(workflow)
    seconds = time.perf_counter() - started
    ran = [record.name for record in result.records if record.status != "skipped"]
    ratio = "" if baseline is None else f"  ratio to cold run {seconds / baseline:.4f}"
    print(f"{label:<28} {seconds:8.2f} s  ran: {', '.join(ran) or 'nothing'}{ratio}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locales", default="en,fr,de", help="comma-separated UMSAB locales")
    parser.add_argument("--per-split", type=int, default=300, help="tasks per (locale, split)")
    parser.add_argument(
        "--keep", type=Path, help="project directory to keep (default: a temporary one)"
    )
    arguments = parser.parse_args()

    directory = arguments.keep or Path(tempfile.mkdtemp(prefix="regionkit-workflow-benchmark-"))
    directory.mkdir(parents=True, exist_ok=True)
    workflow = write_project(
        directory, locales=arguments.locales.split(","), per_split=arguments.per_split
    )

    cold = timed_run("cold run", workflow, None)
    timed_run("re-run, nothing changed", workflow, cold)
    text = workflow.read_text(encoding="utf-8").replace(
        "drop_duplicates = true", "drop_duplicates = false"
    )
    workflow.write_text(text, encoding="utf-8")
    timed_run("re-run, cleaning changed", workflow, cold)

    if arguments.keep is None:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
