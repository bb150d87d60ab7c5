"""Time per-region bootstrap confidence intervals: regionkit against Fairlearn's MetricFrame.

Usage: .venv/bin/python benchmarks/evaluate_bootstrap.py [--rows 1000000] [--fairlearn-boot 3]

Both sides compute 95% intervals of accuracy and macro-F1 per region. Fairlearn's
MetricFrame (a benchmark-only dependency) resamples the whole frame once per
replicate with scikit-learn metrics. 1000 replicates on a million rows take
hours, so the script times ``--fairlearn-boot`` replicates and scales the time
per replicate to ``--n-boot``. The intervals are compared on a smaller table
(``--agreement-rows``) where Fairlearn runs ``--agreement-boot`` replicates.
"""

from __future__ import annotations

import argparse
import time
from functools import partial

import numpy as np
import pandas as pd

LABELS = ["negative", "neutral", "positive"]


def simulate(rows: int, regions: int, seed: int) -> pd.DataFrame:
    """Return a one-model predictions table; region i's accuracy is 0.55 + 0.03 * i."""
    rng = np.random.default_rng(seed)
    region = rng.integers(0, regions, rows)
    y_true = rng.integers(0, len(LABELS), rows)
    correct = rng.random(rows) < 0.55 + 0.03 * region
    y_pred = np.where(correct, y_true, (y_true + rng.integers(1, len(LABELS), rows)) % len(LABELS))
    return pd.DataFrame(
        {
            "task_id": np.arange(rows),
            "region": np.char.add("region-", region.astype(str)),
            "model": "fine_tuned",
            "y_true": np.asarray(LABELS)[y_true],
            "y_pred": np.asarray(LABELS)[y_pred],
        }
    )


def regionkit_intervals(predictions: pd.DataFrame, *, n_boot: int, seed: int) -> pd.DataFrame:
    """Compute per-region intervals with regionkit's stratified bootstrap only."""
    from regionkit.evaluation._bootstrap import percentile_interval, stratified_bootstrap
    from regionkit.evaluation._cells import build_region_cells
    from regionkit.evaluation._frame import encode_predictions

    encoded = encode_predictions(predictions, LABELS)
    cells = build_region_cells(encoded)
    distribution = stratified_bootstrap(
        cells, n_models=1, n_labels=len(LABELS), n_boot=n_boot, rng=np.random.default_rng(seed)
    )
    rows = []
    for metric in ("accuracy", "macro_f1"):
        bounds = percentile_interval(distribution.regions[metric][:, 0], confidence_level=0.95)
        for region, (low, high) in zip(encoded.regions, bounds, strict=True):
            rows.append((region, metric, low, high))
    return pd.DataFrame(rows, columns=["region", "metric", "low", "high"]).set_index(
        ["region", "metric"]
    )


def fairlearn_intervals(predictions: pd.DataFrame, *, n_boot: int, seed: int) -> pd.DataFrame:
    """Compute per-region intervals with Fairlearn's MetricFrame bootstrap."""
    from fairlearn.metrics import MetricFrame
    from sklearn.metrics import accuracy_score, f1_score

    frame = MetricFrame(
        metrics={"accuracy": accuracy_score, "macro_f1": partial(f1_score, average="macro")},
        y_true=predictions["y_true"].to_numpy(),
        y_pred=predictions["y_pred"].to_numpy(),
        sensitive_features=predictions["region"].to_numpy(),
        n_boot=n_boot,
        ci_quantiles=[0.025, 0.975],
        random_state=seed,
    )
    low, high = frame.by_group_ci
    rows = []
    for metric in ("accuracy", "macro_f1"):
        for region in low.index:
            rows.append((region, metric, low.loc[region, metric], high.loc[region, metric]))
    return pd.DataFrame(rows, columns=["region", "metric", "low", "high"]).set_index(
        ["region", "metric"]
    )


def timed(function, *args, repeat: int = 1, **kwargs):
    """Return the result and the best wall-clock seconds of ``repeat`` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return result, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--regions", type=int, default=8)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--fairlearn-boot", type=int, default=3)
    parser.add_argument("--agreement-rows", type=int, default=10_000)
    parser.add_argument("--agreement-boot", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()

    from regionkit.evaluation import evaluate_predictions

    predictions = simulate(arguments.rows, arguments.regions, arguments.seed)
    print(
        f"{arguments.rows:,} predictions, {arguments.regions} regions, 3 labels, "
        f"{arguments.n_boot} replicates"
    )

    _, regionkit_seconds = timed(
        regionkit_intervals, predictions, n_boot=arguments.n_boot, seed=arguments.seed, repeat=3
    )
    print(f"regionkit stratified bootstrap intervals (best of 3): {regionkit_seconds:8.2f} s")
    _, whole_seconds = timed(
        evaluate_predictions,
        predictions,
        labels=LABELS,
        n_boot=arguments.n_boot,
        seed=arguments.seed,
        repeat=3,
    )
    print(
        "regionkit evaluate_predictions (intervals, gaps, permutation tests; best of 3): "
        f"{whole_seconds:8.2f} s"
    )

    _, point_seconds = timed(fairlearn_intervals, predictions, n_boot=1, seed=arguments.seed)
    _, sample_seconds = timed(
        fairlearn_intervals, predictions, n_boot=arguments.fairlearn_boot + 1, seed=arguments.seed
    )
    per_replicate = (sample_seconds - point_seconds) / arguments.fairlearn_boot
    estimate = point_seconds + (arguments.n_boot - 1) * per_replicate
    print(
        f"fairlearn MetricFrame: {per_replicate:.2f} s per replicate (measured on "
        f"{arguments.fairlearn_boot} extra replicates), "
        f"estimated {estimate:,.0f} s for {arguments.n_boot}"
    )
    print(
        f"speed-up of intervals: {estimate / regionkit_seconds:,.0f}x; "
        f"of the whole evaluation: {estimate / whole_seconds:,.0f}x"
    )

    small = simulate(arguments.agreement_rows, arguments.regions, arguments.seed + 1)
    ours, ours_seconds = timed(
        regionkit_intervals, small, n_boot=arguments.n_boot, seed=arguments.seed
    )
    theirs, theirs_seconds = timed(
        fairlearn_intervals, small, n_boot=arguments.agreement_boot, seed=arguments.seed
    )
    difference = (ours[["low", "high"]] - theirs.loc[ours.index, ["low", "high"]]).abs()
    width = ours["high"] - ours["low"]
    # Monte Carlo noise at Fairlearn's replicate count: regionkit against itself, another seed.
    noise_run = regionkit_intervals(small, n_boot=arguments.agreement_boot, seed=arguments.seed + 1)
    noise = (ours[["low", "high"]] - noise_run.loc[ours.index, ["low", "high"]]).abs()
    print(
        f"agreement on {arguments.agreement_rows:,} rows "
        f"(regionkit {arguments.n_boot} replicates in "
        f"{ours_seconds:.2f} s, fairlearn {arguments.agreement_boot} in {theirs_seconds:.1f} s):"
    )
    print(
        f"  largest bound difference {difference.to_numpy().max():.4f}; "
        f"largest relative to interval width {(difference.max(axis=1) / width).max():.1%}; "
        f"mean interval width {width.mean():.4f}"
    )
    print(
        f"  noise reference, regionkit {arguments.agreement_boot} "
        f"vs {arguments.n_boot} replicates: "
        f"largest bound difference {noise.to_numpy().max():.4f} "
        f"({(noise.max(axis=1) / width).max():.1%} of the width)"
    )


if __name__ == "__main__":
    main()
