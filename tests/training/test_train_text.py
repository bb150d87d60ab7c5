"""Train tiny text models with real TensorFlow and check the model directory and predictions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from regionkit.errors import InputError
from regionkit.training import TrainingData, TrainingSettings, predict_frame, train_models
from training.samples import FAST, LABELS, make_frame


@pytest.fixture(scope="module")
def per_region_run(tmp_path_factory, text_frame):
    """One per-region run shared by the tests of this module."""
    out = tmp_path_factory.mktemp("per-region") / "models"
    data = TrainingData(frame=text_frame, labels=LABELS, input_field="text")
    result = train_models(data=data, out=out, settings=TrainingSettings(**FAST))
    return result, text_frame


@pytest.fixture(scope="module")
def predictions(per_region_run):
    result, frame = per_region_run
    return predict_frame(result.model_dir, frame)


def test_model_directory_layout(per_region_run):
    result, _frame = per_region_run
    model_dir = result.model_dir
    manifest = json.loads((model_dir / "manifest.json").read_text())
    assert manifest["strategy"] == "per-region"
    assert manifest["labels"] == LABELS
    assert manifest["regions"] == ["de", "en", "fr", "it"]
    assert (model_dir / "base" / "model.keras").is_file()
    for region in ("de", "en", "fr"):
        assert (model_dir / manifest["models"]["fine_tuned"][region]).is_file()
    assert (model_dir / "baseline" / "model.joblib").is_file()
    assert (model_dir / "saved_model" / "base" / "saved_model.pb").is_file()
    assert json.loads((model_dir / "label_map.json").read_text()) == {
        "negative": 0,
        "neutral": 1,
        "positive": 2,
    }
    assert json.loads((model_dir / "config.json").read_text())["strategy"] == "per-region"
    history = json.loads((model_dir / "history.json").read_text())
    assert len(history["base"]) >= 1
    assert "val_macro_f1" in history["base"][0]
    assert any((model_dir / "logs" / "base").rglob("events.out.tfevents.*"))
    assert (model_dir / "cache" / "embeddings.sqlite").is_file()


def test_saved_keras_files_are_small(per_region_run):
    # The head's weights (512 x 32, 32 x 3 and 4096 x 3 n-gram buckets) take about 115 KB;
    # Adam's two moment estimates would triple that, so a file above 250 KB keeps optimizer state.
    result, _frame = per_region_run
    for path in result.model_dir.rglob("*.keras"):
        assert path.stat().st_size < 250_000, path


def test_region_without_training_rows_uses_base(per_region_run, predictions):
    result, _frame = per_region_run
    assert result.manifest["fallback_regions"] == ["it"]
    assert result.manifest["models"]["fine_tuned"]["it"] == "base/model.keras"
    italian = predictions[predictions["region"] == "it"]
    base = italian[italian["model"] == "base"].sort_values("task_id")
    tuned = italian[italian["model"] == "fine_tuned"].sort_values("task_id")
    np.testing.assert_allclose(base["p.positive"].to_numpy(), tuned["p.positive"].to_numpy())


def test_predict_frame_long_form(per_region_run, predictions):
    _result, frame = per_region_run
    expected = [
        "task_id",
        "region",
        "model",
        "y_pred",
        "confidence",
        "p.negative",
        "p.neutral",
        "p.positive",
    ]
    assert list(predictions.columns) == expected
    assert len(predictions) == 3 * len(frame)
    assert list(predictions["model"].unique()) == ["base", "fine_tuned", "baseline"]
    probabilities = predictions[["p.negative", "p.neutral", "p.positive"]].to_numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(predictions["confidence"], probabilities.max(axis=1))
    assert set(predictions["y_pred"]) <= set(LABELS)


def test_fine_tuned_model_learns_training_data(per_region_run, predictions):
    _result, frame = per_region_run
    tuned = predictions[predictions["model"] == "fine_tuned"].merge(
        frame[["task_id", "label"]], on="task_id"
    )
    accuracy = (tuned["y_pred"] == tuned["label"]).mean()
    assert accuracy > 0.8


def test_predict_frame_one_model_and_empty_frame(per_region_run):
    result, frame = per_region_run
    only = predict_frame(result.model_dir, frame.head(5), models=("fine_tuned",))
    assert list(only["model"].unique()) == ["fine_tuned"]
    assert len(only) == 5
    empty = predict_frame(result.model_dir, frame.head(0))
    assert len(empty) == 0
    assert "p.neutral" in empty.columns


def test_predict_frame_rejects_unknown_model(per_region_run):
    result, frame = per_region_run
    with pytest.raises(InputError, match="fine-tuned"):
        predict_frame(result.model_dir, frame, models=("fine-tuned",))


def test_predict_frame_rejects_missing_column(per_region_run):
    result, frame = per_region_run
    with pytest.raises(InputError, match="data.text"):
        predict_frame(result.model_dir, frame.drop(columns=["data.text"]))


def test_keras_file_round_trip_in_fresh_process(per_region_run, predictions):
    """A saved .keras file loads with safe_mode=True in a new process and takes raw strings."""
    result, frame = per_region_run
    sample = frame[frame["region"] == "fr"].head(4)
    model_path = result.model_dir / result.manifest["models"]["fine_tuned"]["fr"]
    script = textwrap.dedent(
        """
        import json, sys
        import keras, tensorflow as tf
        import regionkit.training.layers  # registers the regionkit layers
        model = keras.saving.load_model(sys.argv[1], safe_mode=True)
        texts = json.loads(sys.argv[2])
        print(json.dumps(model.predict(tf.constant(texts), verbose=0).tolist()))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(model_path), json.dumps(sample["data.text"].tolist())],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        timeout=120,
    )
    reloaded = np.array(json.loads(completed.stdout.strip().splitlines()[-1]))
    expected = (
        predictions[
            (predictions["model"] == "fine_tuned") & predictions["task_id"].isin(sample["task_id"])
        ]
        .set_index("task_id")
        .loc[sample["task_id"], ["p.negative", "p.neutral", "p.positive"]]
        .to_numpy()
    )
    np.testing.assert_allclose(reloaded, expected, atol=1e-5)


def test_joint_strategy_from_directory(tmp_path):
    from training.samples import write_validated

    validated = write_validated(tmp_path / "validated", make_frame(regions=("en", "fr")))
    result = train_models(
        data=validated,
        out=tmp_path / "models",
        settings={
            **FAST,
            "strategy": "joint",
            "base_regions": ["en"],
            "baseline": False,
            "export_saved_model": False,
        },
    )
    assert result.manifest["models"]["fine_tuned"] == "fine_tuned/model.keras"
    assert result.manifest["base_regions"] == ["en"]
    assert "baseline" not in result.manifest["models"]
    predictions = predict_frame(result.model_dir, make_frame(regions=("fr",)))
    assert list(predictions["model"].unique()) == ["base", "fine_tuned"]


def test_split_assigned_when_column_missing(tmp_path):
    frame = make_frame(regions=("en",), copies=6, with_split=False)
    frame["data.group"] = frame["data.text"].str.replace(r" \(\d\)$", "", regex=True)
    data = TrainingData(frame=frame, labels=LABELS, input_field="text")
    result = train_models(
        data=data,
        out=tmp_path / "models",
        settings={**FAST, "group_field": "group", "baseline": False, "export_saved_model": False},
    )
    counts = result.manifest["counts"]
    assert counts["train"]["en"] + counts["val"]["en"] + counts["test"]["en"] == len(frame)
    assert counts["test"]["en"] > 0


def test_unknown_base_region_rejected(tmp_path, text_frame):
    data = TrainingData(frame=text_frame, labels=LABELS, input_field="text")
    with pytest.raises(InputError, match="base_regions"):
        train_models(data=data, out=tmp_path / "models", settings={**FAST, "base_regions": ["xx"]})
    assert not (tmp_path / "models" / "manifest.json").exists()


def test_label_outside_label_set_rejected(tmp_path):
    frame = make_frame(regions=("en",))
    frame.loc[0, "label"] = "angry"
    data = TrainingData(frame=frame, labels=LABELS, input_field="text")
    with pytest.raises(InputError, match="angry"):
        train_models(data=data, out=tmp_path / "models", settings=FAST)


def test_invalid_settings_rejected(tmp_path):
    data = TrainingData(frame=make_frame(regions=("en",)), labels=LABELS, input_field="text")
    with pytest.raises(InputError, match="strategy"):
        train_models(data=data, out=tmp_path / "models", settings={"strategy": "pooled"})


def test_missing_validated_directory_rejected(tmp_path):
    with pytest.raises(InputError, match="clean.parquet"):
        train_models(data=tmp_path / "nowhere", out=tmp_path / "models")


def test_embedding_cache_reused(tmp_path):
    from regionkit.training.encoder import embed_texts

    texts = ["hello world", "bonjour le monde", "hello world"]
    first = embed_texts(texts, cache_dir=tmp_path)
    seen = []
    second = embed_texts(
        texts, cache_dir=tmp_path, on_progress=lambda done, total: seen.append((done, total))
    )
    np.testing.assert_array_equal(first, second)
    assert first.shape == (3, 512)
    assert seen[0] == (2, 2)
    np.testing.assert_array_equal(first[0], first[2])


def _user_model(path: Path, n_outputs: int, *, lam: bool = False) -> Path:
    """Save a small Keras text model: TextVectorization -> Dense softmax."""
    from regionkit.training._tf import import_tensorflow

    tf, keras = import_tensorflow()
    vectorizer = keras.layers.TextVectorization(max_tokens=200, output_mode="tf_idf")
    vectorizer.adapt(tf.constant(make_frame()["data.text"].tolist()))
    texts = keras.Input(shape=(), dtype="string")
    features = vectorizer(texts)
    if lam:
        features = keras.layers.Lambda(lambda x: x * 2.0)(features)
    outputs = keras.layers.Dense(n_outputs, activation="softmax")(features)
    keras.Model(texts, outputs).save(path)
    return path


def test_user_base_model_fine_tuned(tmp_path):
    base = _user_model(tmp_path / "base.keras", 3)
    data = TrainingData(frame=make_frame(regions=("en", "fr")), labels=LABELS, input_field="text")
    result = train_models(
        data=data,
        out=tmp_path / "models",
        settings={
            **FAST,
            "base_model": base,
            "strategy": "joint",
            "epochs": 30,
            "learning_rate": 0.05,
            "baseline": False,
        },
    )
    assert result.manifest["base_kind"] == "user"
    assert (tmp_path / "models" / "saved_model" / "fine_tuned" / "saved_model.pb").is_file()
    predictions = predict_frame(result.model_dir, data.frame, models=("base", "fine_tuned"))
    tuned = predictions[predictions["model"] == "fine_tuned"].merge(
        data.frame[["task_id", "label"]], on="task_id"
    )
    assert (tuned["y_pred"] == tuned["label"]).mean() > 0.6


def test_base_model_with_wrong_outputs_rejected(tmp_path):
    base = _user_model(tmp_path / "base.keras", 5)
    data = TrainingData(frame=make_frame(regions=("en",)), labels=LABELS, input_field="text")
    with pytest.raises(InputError, match="3 labels"):
        train_models(data=data, out=tmp_path / "models", settings={**FAST, "base_model": base})


def test_base_model_with_lambda_rejected(tmp_path):
    base = _user_model(tmp_path / "base.keras", 3, lam=True)
    data = TrainingData(frame=make_frame(regions=("en",)), labels=LABELS, input_field="text")
    with pytest.raises(InputError, match="safe_mode"):
        train_models(data=data, out=tmp_path / "models", settings={**FAST, "base_model": base})


def test_base_model_not_keras_file_rejected(tmp_path):
    path = tmp_path / "model.h5"
    path.write_bytes(b"not a model")
    data = TrainingData(frame=make_frame(regions=("en",)), labels=LABELS, input_field="text")
    with pytest.raises(InputError, match=r"\.keras"):
        train_models(data=data, out=tmp_path / "models", settings={**FAST, "base_model": path})
