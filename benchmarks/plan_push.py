"""Measure how the cost of `push_predictions` grows with the number of tasks.

Runs against the Label Studio server named by LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY
(start a throwaway one; the script creates and deletes its own projects). For each
size it times four pushes:

1. a first push;
2. a re-push of the same model version (one bulk delete, then imports);
3. a re-push of half the tasks (one Data Manager delete action per 1,000 tasks);
4. the same after a second model version was pushed to every task, which needs one
   DELETE request per old prediction.

Ratios are seconds per task against the smallest size, so 1.0 means linear.

    .venv/bin/python benchmarks/plan_push.py --sizes 500 2000
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from regionkit.labelstudio.client import connect
from regionkit.labelstudio.push import push_predictions

LABELS = ["negative", "neutral", "positive"]
CONFIG = (Path(__file__).resolve().parent.parent / "samples/umsab/labeling-config.xml").read_text(
    encoding="utf-8"
)


def _predictions(task_ids: list[int], seed: int) -> pd.DataFrame:
    probabilities = np.random.default_rng(seed).dirichlet([1.0, 1.0, 1.0], size=len(task_ids))
    return pd.DataFrame(
        {
            "task_id": task_ids,
            "region": ["hi" if index % 2 else "fr" for index in range(len(task_ids))],
            "y_pred": [LABELS[i] for i in probabilities.argmax(axis=1)],
            "confidence": probabilities.max(axis=1),
        }
    )


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def measure(client, size: int) -> dict[str, float]:
    """Time the three pushes on a new project with ``size`` tasks."""
    project = client.projects.create(title=f"push benchmark {size}", label_config=CONFIG)
    try:
        client.projects.import_tasks(
            id=project.id, request=[{"text": f"tweet {i}"} for i in range(size)]
        )
        task_ids = sorted(
            task.id for task in client.tasks.list(project=project.id, fields="task_only")
        )
        common = dict(
            client=client,
            project_id=project.id,
            labels=LABELS,
            label_control="sentiment",
            to_name="text",
            model_version="bench",
            show_progress=False,
        )
        first = _timed(lambda: push_predictions(predictions=_predictions(task_ids, 1), **common))
        again = _timed(lambda: push_predictions(predictions=_predictions(task_ids, 2), **common))
        half = _timed(
            lambda: push_predictions(
                predictions=_predictions(task_ids, 3), scope="region:hi", **common
            )
        )
        push_predictions(
            predictions=_predictions(task_ids, 4), **{**common, "model_version": "other"}
        )
        shared = _timed(
            lambda: push_predictions(
                predictions=_predictions(task_ids, 5), scope="region:hi", **common
            )
        )
        return {
            "first push": first,
            "re-push": again,
            "re-push half (delete action)": half,
            "re-push half, 2 versions (per-id)": shared,
        }
    finally:
        client.projects.delete(id=project.id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    sizes = sorted(parser.parse_args().sizes)
    client = connect()
    results = {size: measure(client, size) for size in sizes}
    base = sizes[0]
    print(
        f"{'case':32} "
        + " ".join(f"{size:>9}" for size in sizes)
        + "   s/task ratio vs "
        + str(base)
    )
    for case in results[base]:
        seconds = " ".join(f"{results[size][case]:8.2f}s" for size in sizes)
        ratios = " ".join(
            f"{(results[size][case] / size) / (results[base][case] / base):5.2f}" for size in sizes
        )
        print(f"{case:32} {seconds}   {ratios}")


if __name__ == "__main__":
    main()
