"""A tiny real project for workflow tests: UMSAB tasks of three locales and a workflow file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
UMSAB = REPOSITORY / "samples" / "umsab"

#: Tasks taken per (locale, split) from the UMSAB export: small enough to train in seconds.
TINY_SIZES = {"train": 60, "val": 15, "test": 30}
TINY_LOCALES = ("en", "fr", "de")

#: The fastest training settings: one epoch each for the base and the fine-tuned model, no baseline.
FAST_TRAIN = """
[train]
strategy = "joint"
base_epochs = 1
epochs = 1
patience = 1
hidden_units = 16
ngram_buckets = 0
baseline = false
export_saved_model = false
tensorboard = false
threads = 2
"""

TINY_WORKFLOW = (
    """
name = "tiny"
out = "runs/tiny"
seed = 0

[source]
kind = "file"
path = "export.json"
labeling_config = "labeling-config.xml"

[regions]
field = "locale"

[validate.checks]
min_examples = 2

[validate.cleaning]
drop_duplicates = true

[evaluate]
n_boot = 100
min_region_size = 10
"""
    + FAST_TRAIN
)


def tiny_tasks() -> list[dict]:
    """Return the first tasks of each (locale, split) of TINY_LOCALES x TINY_SIZES."""
    with gzip.open(UMSAB / "umsab-export.json.gz", "rt", encoding="utf-8") as handle:
        tasks = json.load(handle)
    counts: dict[tuple[str, str], int] = {}
    chosen = []
    for task in tasks:
        key = (task["data"]["locale"], task["data"]["split"])
        if key[0] in TINY_LOCALES and counts.get(key, 0) < TINY_SIZES[key[1]]:
            counts[key] = counts.get(key, 0) + 1
            chosen.append(task)
    return chosen
