"""Train on UMSAB and score each language on the official test split.

Usage::

    .venv/bin/python benchmarks/train_umsab.py [--out DIR] [--strategy per-region|joint]
        [--base-regions en] [--seed 0] [--threads 2] [--cache-dir DIR]

Reads ``samples/umsab/umsab-export.json.gz`` directly (label = the annotation's
first choice, region = ``locale``, split = ``split``), trains with
:func:`regionkit.training.train_models`, predicts the 6,960 test tasks with
:func:`regionkit.training.predict_frame` and prints macro-F1 per language for the
base, fine-tuned and TF-IDF baseline models next to the published fastText
monolingual baseline (XLM-T README), with ratios against the TF-IDF baseline run
in the same process. A second run with the same ``--out`` reuses the embedding cache.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
EXPORT = REPOSITORY / "samples" / "umsab" / "umsab-export.json.gz"
LABELS = ["negative", "neutral", "positive"]
#: Macro-F1 (percent) of fastText monolingual on the UMSAB test split, from the XLM-T README.
FASTTEXT = {
    "ar": 46.0,
    "en": 50.9,
    "fr": 54.8,
    "de": 59.6,
    "hi": 37.1,
    "it": 54.7,
    "pt": 55.1,
    "es": 50.1,
}


def load_umsab_frame():
    """Return the export as a frame with task_id, region, label, split and data.text."""
    import pandas as pd

    with gzip.open(EXPORT, "rt", encoding="utf-8") as handle:
        tasks = json.load(handle)
    rows = []
    for task in tasks:
        annotation = task["annotations"][0]
        rows.append(
            {
                "task_id": task["id"],
                "region": task["data"]["locale"],
                "label": annotation["result"][0]["value"]["choices"][0],
                "split": task["data"]["split"],
                "data.text": task["data"]["text"],
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/regionkit-bench/umsab-models"))
    parser.add_argument("--strategy", default="per-region", choices=["per-region", "joint"])
    parser.add_argument(
        "--base-regions", default=None, help="comma-separated regions of the base model"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="embedding cache (default: OUT/cache)"
    )
    arguments = parser.parse_args()

    from sklearn.metrics import f1_score

    from regionkit.training import TrainingData, TrainingSettings, predict_frame, train_models

    frame = load_umsab_frame()
    data = TrainingData(frame=frame, labels=LABELS, input_field="text", input_type="Text")
    settings = TrainingSettings(
        strategy=arguments.strategy,
        base_regions=arguments.base_regions.split(",") if arguments.base_regions else None,
        seed=arguments.seed,
        threads=arguments.threads,
        cache_dir=arguments.cache_dir,
    )
    cache_file = (arguments.cache_dir or arguments.out / "cache") / "embeddings.sqlite"
    cold = not cache_file.exists()

    started = time.perf_counter()
    result = train_models(data=data, out=arguments.out, settings=settings)
    train_seconds = time.perf_counter() - started

    test = frame[frame["split"] == "test"].reset_index(drop=True)
    started = time.perf_counter()
    predictions = predict_frame(arguments.out, test)
    predict_seconds = time.perf_counter() - started
    truth = dict(zip(test["task_id"], test["label"], strict=False))
    predictions["y_true"] = predictions["task_id"].map(truth)

    n_train = int((frame["split"] == "train").sum())
    print(
        f"\nUMSAB, strategy={arguments.strategy}, base_regions={settings.base_regions or 'all'}, "
        f"seed={arguments.seed}, threads={arguments.threads}, cache {'cold' if cold else 'warm'}"
    )
    print(f"stage seconds: {result.seconds}")
    print(
        f"train_models wall: {train_seconds:.1f} s for {len(frame)} tasks "
        f"({n_train} train rows; {len(frame) / train_seconds:.0f} tasks/s end to end)"
    )
    if cold:
        print(
            f"embedding throughput (cold cache): {len(frame) / max(result.seconds['embed'], 1e-9):.0f} texts/s"
        )
    print(f"predict_frame wall: {predict_seconds:.1f} s for {len(test)} test tasks x 3 models")
    print(f"model directory sizes (bytes): {result.manifest.get('size_bytes')}")

    header = f"{'lang':<5}{'fastText':>9}{'baseline':>9}{'base':>7}{'tuned':>7}{'tuned/baseline':>15}{'beats fastText':>15}"
    print("\nmacro-F1 (%) on the test split\n" + header)
    means = {"baseline": [], "base": [], "fine_tuned": []}
    for language in FASTTEXT:
        scores = {}
        for model in means:
            rows = predictions[
                (predictions["model"] == model) & (predictions["region"] == language)
            ]
            scores[model] = 100 * f1_score(rows["y_true"], rows["y_pred"], average="macro")
            means[model].append(scores[model])
        print(
            f"{language:<5}{FASTTEXT[language]:>9.1f}{scores['baseline']:>9.1f}{scores['base']:>7.1f}"
            f"{scores['fine_tuned']:>7.1f}{scores['fine_tuned'] / scores['baseline']:>15.3f}"
            f"{'yes' if scores['fine_tuned'] > FASTTEXT[language] else 'NO':>15}"
        )
    average = {model: sum(values) / len(values) for model, values in means.items()}
    print(
        f"{'mean':<5}{sum(FASTTEXT.values()) / len(FASTTEXT):>9.1f}{average['baseline']:>9.1f}"
        f"{average['base']:>7.1f}{average['fine_tuned']:>7.1f}"
        f"{average['fine_tuned'] / average['baseline']:>15.3f}"
    )


if __name__ == "__main__":
    main()
