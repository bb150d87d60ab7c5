"""Sync from export files: the UMSAB export, every sample format and odd shapes seen in the wild."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from regionkit.cli import main
from regionkit.errors import InputError
from regionkit.labelstudio import (
    FileSource,
    RegionField,
    load_snapshot,
    parse_region_map,
    sync_snapshot,
)
from regionkit.labelstudio.records import compute_consensus

SAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "samples" / "umsab" / "labeling-config.xml"


def _sync(path: Path, out: Path, *, field: str = "region", config: Path = SAMPLE_CONFIG):
    return sync_snapshot(
        source=FileSource(path, config), region=RegionField(field), out=out, show_progress=False
    )


@pytest.fixture(scope="module")
def umsab_snapshot(umsab_export, umsab_labeling_config, tmp_path_factory):
    out = tmp_path_factory.mktemp("umsab") / "snapshot"
    result = sync_snapshot(
        source=FileSource(umsab_export, umsab_labeling_config),
        region=RegionField("locale"),
        out=out,
        show_progress=False,
    )
    return result, load_snapshot(out)


def test_umsab_export_has_all_tasks(umsab_snapshot):
    result, snapshot = umsab_snapshot

    assert result.n_tasks == 24264
    assert result.by_region == {
        region: 3033 for region in ("ar", "de", "en", "es", "fr", "hi", "it", "pt")
    }
    assert result.no_region == 0
    assert snapshot.manifest["labels"] == ["negative", "neutral", "positive"]
    assert snapshot.manifest["input_field"] == "text"
    assert snapshot.manifest["input_type"] == "Text"
    assert snapshot.tasks["label"].value_counts().to_dict() == {
        "negative": 8088,
        "neutral": 8088,
        "positive": 8088,
    }
    assert snapshot.tasks["has_ground_truth"].all()
    assert snapshot.tasks["data.split"].value_counts().to_dict() == {
        "train": 14712,
        "test": 6960,
        "val": 2592,
    }
    assert str(snapshot.tasks["data.source_line"].dtype) == "Int64"
    assert str(snapshot.tasks["updated_at"].dtype) == "datetime64[us, UTC]"
    assert snapshot.predictions is None


def test_umsab_labels_match_export(umsab_export, umsab_snapshot):
    with gzip.open(umsab_export, "rt", encoding="utf-8") as handle:
        exported = {
            task["id"]: task["annotations"][0]["result"][0]["value"]["choices"][0]
            for task in json.load(handle)
        }
    tasks = umsab_snapshot[1].tasks
    assert dict(zip(tasks["task_id"].tolist(), tasks["label"].tolist())) == exported


def test_sample_json_export_consensus(label_studio_samples, tmp_path):
    _sync(label_studio_samples / "ls-export-sample-snapshot-expanded.json", tmp_path / "s")
    snapshot = load_snapshot(tmp_path / "s")
    tasks = snapshot.tasks.set_index("task_id")

    # Task 1: the admin's ground truth (positive) beats the other annotator (neutral).
    assert tasks.loc[22003, "label"] == "positive"
    assert tasks.loc[22003, "has_ground_truth"]
    assert tasks.loc[22003, "agreement"] == 0.5
    # Task 3 is skipped only: no label, one cancelled annotation.
    assert pd_isna(tasks.loc[22005, "label"])
    assert tasks.loc[22005, "n_cancelled"] == 1
    assert tasks.loc[22005, "n_annotations"] == 0
    # Task 4 has a draft, which is a flag, not an annotation.
    assert tasks.loc[22006, "has_draft"]
    assert tasks.loc[22006, "n_annotations"] == 1
    # Task 5 has a prediction only.
    assert tasks.loc[22007, "n_annotations"] == 0
    assert tasks.loc[22007, "n_predictions"] == 1
    predictions = snapshot.predictions.set_index("prediction_id")
    assert predictions.loc[4402, "model_version"] == "baseline-v1"
    assert predictions.loc[4402, "score"] == 0.91
    assert predictions.loc[4402, "label"] == "negative"
    annotations = snapshot.annotations.set_index("annotation_id")
    assert annotations.loc[19808, "annotator"] == "2"
    assert annotations.loc[19810, "was_cancelled"]


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_sample_formats_agree_on_labels(label_studio_samples, tmp_path):
    labels = {}
    for name in ("ls-export-sample.json", "ls-export-sample-min.json", "ls-export-sample.csv"):
        _sync(label_studio_samples / name, tmp_path / name)
        tasks = load_snapshot(tmp_path / name).tasks
        labels[name] = {
            task: label
            for task, label in zip(tasks["task_id"], tasks["label"])
            if isinstance(label, str)
        }

    # JSON_MIN and CSV drop the ground-truth flag, so task 1 (positive vs neutral) is a tie there.
    assert labels["ls-export-sample.json"] == {
        22003: "positive",
        22004: "negative",
        22006: "neutral",
    }
    assert labels["ls-export-sample-min.json"] == {22004: "negative", 22006: "neutral"}
    assert labels["ls-export-sample.csv"] == labels["ls-export-sample-min.json"]


def test_min_format_keeps_unlabeled_task(label_studio_samples, tmp_path):
    _sync(label_studio_samples / "ls-export-sample-min.json", tmp_path / "s")
    tasks = load_snapshot(tmp_path / "s").tasks.set_index("task_id")
    assert 22007 in tasks.index
    assert tasks.loc[22003, "no_consensus"]
    assert tasks.loc[22007, "region"] == "LATAM"
    assert "data.sentiment" not in tasks.columns


ODD_TASKS = [
    # pre-1.0: completions, completed_by as an object with email only
    {
        "id": 1,
        "data": {"text": "a", "region": "fr", "n": 1},
        "completions": [
            {
                "id": 11,
                "completed_by": {"email": "x@y.z"},
                "result": [
                    {
                        "from_name": "sentiment",
                        "type": "choices",
                        "value": {"choices": ["positive"]},
                    }
                ],
            }
        ],
    },
    # no data wrapper, completed_by as a user object
    {
        "id": 2,
        "text": "b",
        "region": "de",
        "n": "two",
        "annotations": [
            {
                "id": 12,
                "completed_by": {"id": 7, "email": "u@v.w"},
                "result": [
                    {
                        "from_name": "sentiment",
                        "type": "choices",
                        "value": {"choices": ["negative"]},
                    }
                ],
            }
        ],
    },
    # annotation with an empty result, and a prediction only
    {
        "id": 3,
        "data": {"text": "c", "region": "fr", "n": 3},
        "annotations": [{"id": 13, "completed_by": 5, "result": []}],
        "predictions": [
            {
                "id": 21,
                "model_version": "m1",
                "score": 0.4,
                "result": [{"from_name": "sentiment", "value": {"choices": ["neutral"]}}],
            }
        ],
    },
    # no region, no annotations
    {"id": 4, "data": {"text": "d", "n": None}},
]


def test_odd_shapes_are_read(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(ODD_TASKS), encoding="utf-8")
    result = _sync(path, tmp_path / "s")
    snapshot = load_snapshot(tmp_path / "s")
    tasks = snapshot.tasks.set_index("task_id")
    annotations = snapshot.annotations.set_index("annotation_id")

    assert result.no_region == 1
    assert tasks.loc[1, "label"] == "positive"
    assert tasks.loc[2, "label"] == "negative"
    assert tasks.loc[2, "data.text"] == "b"
    assert pd_isna(tasks.loc[3, "label"])
    assert tasks.loc[3, "n_annotations"] == 1
    assert annotations.loc[11, "annotator"] == "x@y.z"
    assert annotations.loc[12, "annotator"] == "7"
    assert annotations.loc[13, "annotator"] == "5"
    assert snapshot.predictions["label"].tolist() == ["neutral"]
    # "n" is an int in three tasks and a string in one, so the column is text.
    assert str(tasks["data.n"].dtype) == "string"
    assert tasks.loc[2, "data.n"] == "two"
    assert tasks.loc[1, "data.n"] == "1"


def test_single_task_object_gzipped(tmp_path):
    path = tmp_path / "one.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(ODD_TASKS[1], handle)
    result = _sync(path, tmp_path / "s")
    assert result.n_tasks == 1
    assert result.by_region == {"de": 1}


def test_equal_content_equal_hash(label_studio_samples, tmp_path):
    first = _sync(label_studio_samples / "ls-export-sample.json", tmp_path / "a")
    second = _sync(label_studio_samples / "ls-export-sample.json", tmp_path / "b")
    other = _sync(label_studio_samples / "ls-export-sample-min.json", tmp_path / "c")
    assert first.content_hash == second.content_hash
    assert first.content_hash != other.content_hash


def test_consensus_tie_and_majority():
    def row(label, *, cancelled=False, truth=False, number=1):
        return {
            "label": label,
            "was_cancelled": cancelled,
            "ground_truth": truth,
            "updated_at": None,
            "annotation_id": number,
        }

    majority = compute_consensus([row("a"), row("a"), row("b"), row(None, cancelled=True)])
    assert majority.label == "a"
    assert majority.agreement == pytest.approx(2 / 3)
    assert majority.n_cancelled == 1
    tie = compute_consensus([row("a"), row("b")])
    assert tie.label is None
    assert tie.no_consensus
    truth = compute_consensus([row("a"), row("a"), row("b", truth=True)])
    assert truth.label == "b"
    assert truth.has_ground_truth


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('[{"id": 1, "data": {"text": "a"}', "not valid JSON"),
        ('"just a string"', "unexpected shape"),
        ("[]", "contains no tasks"),
    ],
)
def test_malformed_export_is_input_error(tmp_path, content, fragment):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=fragment):
        _sync(path, tmp_path / "s")
    assert not (tmp_path / "s").exists()


def test_failed_sync_keeps_previous_snapshot(label_studio_samples, tmp_path):
    out = tmp_path / "s"
    first = _sync(label_studio_samples / "ls-export-sample.json", out)
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": 1, "data": {"text": "a"}}, {"id": 2', encoding="utf-8")
    with pytest.raises(InputError):
        _sync(bad, out)
    assert load_snapshot(out).manifest["content_hash"] == first.content_hash
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_region_map_parsing():
    assert dict(parse_region_map("3=de, Market FR = fr").mapping) == {"3": "de", "Market FR": "fr"}
    with pytest.raises(InputError, match="PROJECT=REGION"):
        parse_region_map("3:de")


def test_cli_umsab(umsab_export, umsab_labeling_config, tmp_path, capsys):
    out = tmp_path / "runs" / "x" / "snapshot"
    code = main(
        [
            "sync",
            "--file",
            str(umsab_export),
            "--labeling-config",
            str(umsab_labeling_config),
            "--region-field",
            "locale",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    assert "24264 tasks" in capsys.readouterr().out
    assert (out / "tasks.parquet").is_file()


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (["--region-field", "locale"], "either --project"),
        (["--file", "x.json", "--region-field", "locale"], "--labeling-config"),
        (
            [
                "--file",
                "missing.json",
                "--labeling-config",
                str(SAMPLE_CONFIG),
                "--region-field",
                "r",
            ],
            "not found",
        ),
        (["--project", "1", "--region-map", "1de"], "PROJECT=REGION"),
    ],
)
def test_cli_bad_input_exit_2(tmp_path, capsys, arguments, fragment):
    code = main(["sync", "--out", str(tmp_path / "s"), "--no-progress", *arguments])
    error = capsys.readouterr().err
    assert code == 2
    assert fragment in " ".join(error.split())
    assert "Traceback" not in error


def test_unknown_region_field(label_studio_samples, tmp_path):
    with pytest.raises(InputError, match="choose one of: region, text"):
        _sync(label_studio_samples / "ls-export-sample.json", tmp_path / "s", field="market")


def test_labeling_config_without_choices(label_studio_samples, tmp_path):
    config = tmp_path / "config.xml"
    config.write_text(
        '<View><Text name="text" value="$text"/><TextArea name="a" toName="text"/></View>'
    )
    with pytest.raises(InputError, match="no Choices control"):
        _sync(label_studio_samples / "ls-export-sample.json", tmp_path / "s", config=config)
