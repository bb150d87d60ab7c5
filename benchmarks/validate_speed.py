"""Benchmark: the built-in suite through Great Expectations against hand-written pandas.

Builds N rows from the UMSAB sample (each copy gets a distinct suffix, so copies are not
duplicates of each other), then times

* ``gx``: the built-in suite via ``regionkit.validators.gx_runner.run_suites`` (GX 1.x,
  ``result_format="COMPLETE"``);
* ``pandas``: the same checks written directly with pandas and the same vectorized text
  functions, producing the same per-row masks and per-region counts.

It prints both times, their ratio (goal: at most 1.5) and the process's peak resident
memory (goal: at most 2 GB). Run: ``.venv/bin/python benchmarks/validate_speed.py --rows 1000000``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPOSITORY = Path(__file__).resolve().parent.parent
LABELS = ["negative", "neutral", "positive"]


def build_frame(rows: int) -> pd.DataFrame:
    """Return ``rows`` UMSAB-like rows with the columns of a cleaned snapshot plus ``split``."""
    with gzip.open(
        REPOSITORY / "samples" / "umsab" / "umsab-export.json.gz", "rt", encoding="utf-8"
    ) as handle:
        tasks = json.load(handle)
    base = pd.DataFrame(
        {
            "region": [task["data"]["locale"] for task in tasks],
            "text": [task["data"]["text"] for task in tasks],
            "split": [task["data"]["split"] for task in tasks],
            "label": [task["annotations"][0]["result"][0]["value"]["choices"][0] for task in tasks],
        }
    )
    copies = -(-rows // len(base))
    frame = pd.concat([base] * copies, ignore_index=True).iloc[:rows].copy()
    copy_number = (np.arange(len(frame)) // len(base)).astype(str)
    # The first copy keeps UMSAB's own text (and its real duplicates); later copies get a suffix.
    suffix = np.where(copy_number == "0", "", " r" + pd.Series(copy_number).to_numpy(dtype=object))
    frame["data.text"] = (frame["text"] + suffix).astype("string")
    frame = frame.drop(columns=["text"])
    frame.insert(0, "task_id", np.arange(1, len(frame) + 1, dtype=np.int64))
    frame["agreement"] = pd.array(np.ones(len(frame)), dtype="Float64")
    frame["n_annotations"] = 1
    frame["no_consensus"] = False
    return frame.astype({"region": "string", "label": "string", "split": "string"})


def pandas_checks(frame: pd.DataFrame, settings, regions: list[str]) -> dict[str, np.ndarray]:
    """Compute every built-in check with plain pandas; return row masks and dataset results."""
    from regionkit.validators import text

    column = frame["data.text"]
    not_null = column.notna()
    lengths = column.str.len()
    allowed = {
        region: settings.scripts_for(region) for region in regions if settings.scripts_for(region)
    }
    key = text.match_key(column, mode=settings.text_match)
    masks = {
        "duplicate_task_id": frame["task_id"].duplicated(keep="first").to_numpy(),
        "missing_text": (~not_null).to_numpy(),
        "blank_text": (column.str.fullmatch(r"\s*").fillna(False)).to_numpy(dtype=bool),
        "text_length": (
            not_null & ((lengths < settings.min_length) | (lengths > settings.max_length))
        ).to_numpy(dtype=bool),
        "missing_label": frame["label"].isna().to_numpy(),
        "unknown_label": (frame["label"].notna() & ~frame["label"].isin(LABELS)).to_numpy(
            dtype=bool
        ),
        "missing_region": frame["region"].isna().to_numpy(),
        "unknown_region": (frame["region"].notna() & ~frame["region"].isin(regions)).to_numpy(
            dtype=bool
        ),
        "script_mismatch": text.script_mismatch_mask(
            frame["region"], column, allowed=allowed
        ).to_numpy(),
        "literal_escapes": text.literal_escape_mask(column).to_numpy(),
        "mojibake": text.mojibake_mask(column).to_numpy(),
        "html_entities": text.html_entity_mask(column).to_numpy(),
        "duplicate_in_region": text.later_copies(
            key, by=[frame["region"], frame["split"]]
        ).to_numpy(),
        "duplicate_across_regions": text.shared_across(key, frame["region"]).to_numpy(),
        "conflicting_labels": text.shared_across(key, frame["label"]).to_numpy(),
        "train_test_leakage": text.leaked_rows(key, frame["split"]).to_numpy(),
        "no_consensus": frame["no_consensus"].to_numpy(dtype=bool),
    }
    counts = frame.dropna(subset=["region", "label"]).groupby(["region", "label"]).size()
    shares = counts / counts.groupby(level=0).transform("sum")
    multi = frame["n_annotations"] >= 2
    agreement = frame.loc[multi].groupby("region")["agreement"].mean()
    masks["min_examples"] = np.array([bool((counts < settings.min_examples).any())])
    masks["label_distribution"] = np.array([bool((shares < settings.min_label_share).any())])
    masks["low_agreement"] = np.array([bool((agreement < settings.min_agreement).any())])
    return masks


def gx_checks(frame: pd.DataFrame, settings, regions: list[str]):
    """Run the built-in suite through Great Expectations and return its outcomes."""
    from regionkit.validators.gx_runner import run_suites
    from regionkit.validators.suites import SuiteContext, build_builtin_suite

    context = SuiteContext(
        text_column="data.text", labels=LABELS, regions=regions, columns=list(frame.columns)
    )
    suite = build_builtin_suite(context, settings)
    outcomes, _raw = run_suites(frame, [suite])
    return outcomes


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to validate")
    parser.add_argument(
        "--repeat", type=int, default=1, help="timed runs of each side; the minimum is kept"
    )
    arguments = parser.parse_args()

    from regionkit.validators import text
    from regionkit.validators.settings import CheckSettings

    settings = CheckSettings()
    regions = ["ar", "de", "en", "es", "fr", "hi", "it", "pt"]
    frame = build_frame(arguments.rows)
    print(
        f"rows: {len(frame):,}; frame memory: {frame.memory_usage(deep=True).sum() / 2**20:,.0f} MiB"
    )

    gx_checks(build_frame(2000), settings, regions)  # warm-up: GX import and metric registration
    rss_before = _peak_rss_mb()

    pandas_seconds, gx_seconds = [], []
    for _run in range(arguments.repeat):
        text._KEY_CACHE.clear()
        start = time.perf_counter()
        masks = pandas_checks(frame, settings, regions)
        pandas_seconds.append(time.perf_counter() - start)

        text._KEY_CACHE.clear()
        start = time.perf_counter()
        outcomes = gx_checks(frame, settings, regions)
        gx_seconds.append(time.perf_counter() - start)

    for outcome in outcomes:
        if outcome.row_level and outcome.check in masks:
            expected = int(masks[outcome.check].sum())
            if outcome.unexpected_count != expected:
                raise SystemExit(
                    f"{outcome.check}: GX flagged {outcome.unexpected_count}, pandas {expected}"
                )
    flagged = {
        outcome.check: outcome.unexpected_count for outcome in outcomes if outcome.unexpected_count
    }
    print(f"flagged rows per check (GX = pandas): {flagged}")
    print(f"pandas: {min(pandas_seconds):.2f} s")
    print(f"gx:     {min(gx_seconds):.2f} s")
    print(f"ratio gx / pandas: {min(gx_seconds) / min(pandas_seconds):.2f} (goal <= 1.5)")
    print(
        f"peak RSS: {_peak_rss_mb():,.0f} MiB (after warm-up: {rss_before:,.0f} MiB; goal <= 2048)"
    )


if __name__ == "__main__":
    main()
