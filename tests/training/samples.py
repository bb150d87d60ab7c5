"""Tiny labeled frames for the training tests: three sentiment labels in a few regions."""

from __future__ import annotations

import json
from pathlib import Path

LABELS = ["negative", "neutral", "positive"]

# Short sentences per region and label; the built-in multilingual encoder separates them easily.
SENTENCES = {
    "en": {
        "negative": [
            "I hate this, it is awful",
            "terrible service, very sad",
            "worst day ever, I am angry",
        ],
        "neutral": [
            "the meeting is on monday",
            "the report has ten pages",
            "the train leaves at noon",
        ],
        "positive": [
            "I love this, it is great",
            "wonderful service, very happy",
            "best day ever, I am glad",
        ],
    },
    "fr": {
        "negative": [
            "je déteste ça, c'est horrible",
            "service terrible, très triste",
            "pire journée, je suis fâché",
        ],
        "neutral": ["la réunion est lundi", "le rapport a dix pages", "le train part à midi"],
        "positive": [
            "j'adore ça, c'est génial",
            "service merveilleux, très content",
            "meilleure journée, je suis ravi",
        ],
    },
    "de": {
        "negative": [
            "ich hasse das, es ist furchtbar",
            "schrecklicher Service, sehr traurig",
            "schlimmster Tag, ich bin wütend",
        ],
        "neutral": [
            "das Treffen ist am Montag",
            "der Bericht hat zehn Seiten",
            "der Zug fährt um zwölf",
        ],
        "positive": [
            "ich liebe das, es ist toll",
            "wunderbarer Service, sehr glücklich",
            "bester Tag, ich bin froh",
        ],
    },
}


def make_frame(*, regions=("en", "fr", "de"), copies: int = 4, with_split: bool = True):
    """Return a frame with task_id, region, label, split and data.text (copies get a suffix)."""
    import pandas as pd

    rows = []
    task_id = 1
    for region in regions:
        for label, texts in SENTENCES[region].items():
            for copy in range(copies):
                for text in texts:
                    if copy < copies - 2:
                        split = "train"
                    elif copy == copies - 2:
                        split = "val"
                    else:
                        split = "test"
                    rows.append(
                        {
                            "task_id": task_id,
                            "region": region,
                            "label": label,
                            "split": split,
                            "data.text": f"{text} ({copy})",
                        }
                    )
                    task_id += 1
    frame = pd.DataFrame(rows)
    return frame if with_split else frame.drop(columns=["split"])


def write_validated(
    directory: Path, frame, *, input_field: str = "text", input_type: str = "Text"
) -> Path:
    """Write ``frame`` as a validated directory (clean.parquet and manifest.json)."""
    directory.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(directory / "clean.parquet", index=False)
    manifest = {
        "labels": LABELS if input_type == "Text" else sorted(frame["label"].unique().tolist()),
        "input_field": input_field,
        "input_type": input_type,
        "regions": sorted(frame["region"].unique().tolist()),
    }
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return directory


#: Settings that keep every training run to a few seconds.
FAST = {
    "base_epochs": 8,
    "epochs": 4,
    "patience": 3,
    "hidden_units": 32,
    "ngram_buckets": 4096,
    "batch_size": 16,
    "threads": 2,
}
