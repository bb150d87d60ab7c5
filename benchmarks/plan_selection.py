"""Time `make_plan` on UMSAB-sized input, with and without the near-duplicate check.

The script builds a tasks table from the bundled UMSAB export (24,264 tweets, 8
locales) and holds back part of each locale's train split as "unlabeled", as the
demo's simulated round does. Every candidate gets random class probabilities, and
the plan splits a 1,000-task budget on a report where hi lags. The baseline is the
same plan without the near-duplicate check (``input_field=None``), so the ratio is
the cost of that check.

    .venv/bin/python benchmarks/plan_selection.py --holdout-fraction 0.5
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn.feature_extraction.text  # noqa: F401 - imported here so that its 2-3 s import is not timed

from regionkit.planning import candidate_tasks, make_plan

EXPORT = Path(__file__).resolve().parent.parent / "samples/umsab/umsab-export.json.gz"
LABELS = ["negative", "neutral", "positive"]


def umsab_tasks() -> pd.DataFrame:
    """Return the export as a snapshot-like tasks table (every task labeled)."""
    with gzip.open(EXPORT, "rt", encoding="utf-8") as handle:
        records = json.load(handle)
    return pd.DataFrame(
        {
            "task_id": [record["id"] for record in records],
            "region": pd.array([record["data"]["locale"] for record in records], dtype="string"),
            "n_annotations": 1,
            "data.text": [record["data"]["text"] for record in records],
            "data.split": [record["data"]["split"] for record in records],
        }
    )


def report(regions: list[str]) -> dict:
    """Return a schema-1 report in which hi lags the whole by 12 points."""
    entries = {}
    for region in regions:
        lagging = region == "hi"
        entries[region] = {
            "n": 870,
            "macro_f1": 0.45 if lagging else 0.6,
            "macro_f1_ci": [0.42, 0.48] if lagging else [0.57, 0.63],
            "gap_to_overall": -0.12 if lagging else 0.02,
            "gap_ci": [-0.15, -0.09] if lagging else [-0.01, 0.05],
            "p_value_holm": 0.0001 if lagging else 0.8,
            "significant": lagging,
            "min_detectable_gap": 0.045,
        }
    return {
        "schema_version": 1,
        "primary_metric": "macro_f1",
        "labels": LABELS,
        "models": {"fine_tuned": {"regions": entries}},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout-fraction", type=float, default=0.5)
    parser.add_argument("--budget", type=int, default=1000)
    arguments = parser.parse_args()

    tasks = umsab_tasks()
    candidates = candidate_tasks(tasks, holdout_fraction=arguments.holdout_fraction, seed=0)
    probabilities = np.random.default_rng(0).dirichlet([1.0, 1.0, 1.0], size=len(candidates))
    predictions = pd.DataFrame({"task_id": candidates["task_id"], "model": "fine_tuned"})
    for index, label in enumerate(LABELS):
        predictions[f"p.{label}"] = probabilities[:, index]
    predictions["y_pred"] = [LABELS[i] for i in probabilities.argmax(axis=1)]
    predictions["confidence"] = probabilities.max(axis=1)
    common = dict(
        report=report(sorted(tasks["region"].unique())),
        predictions=predictions,
        tasks=tasks,
        budget=arguments.budget,
        holdout_fraction=arguments.holdout_fraction,
    )

    timings = {}
    plans = {}
    for name, input_field in (
        ("without near-duplicate check", None),
        ("with near-duplicate check", "text"),
    ):
        start = time.perf_counter()
        plans[name] = make_plan(input_field=input_field, **common)
        timings[name] = time.perf_counter() - start

    base = timings["without near-duplicate check"]
    print(f"candidates: {len(candidates)}, budget: {arguments.budget}")
    for name, seconds in timings.items():
        skipped = sum(plans[name].skipped_duplicates.values())
        print(f"{name:30} {seconds:7.2f}s  ratio {seconds / base:5.2f}  skipped {skipped}")
    shares = {
        allocation.region: allocation.tasks
        for allocation in plans["with near-duplicate check"].allocations
    }
    print("tasks per region:", shares)


if __name__ == "__main__":
    main()
