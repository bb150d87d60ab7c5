"""evaluate_models end to end: real TensorFlow models trained on a tiny validated directory."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from regionkit.cli import main
from regionkit.errors import EXIT_GATE_FAILED, GateFailed, InputError
from regionkit.evaluation import EvaluationSettings, evaluate_models
from regionkit.training import train_models
from training.samples import FAST, make_frame, write_validated

TINY = EvaluationSettings(n_boot=100, min_region_size=1)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A validated directory and a joint model directory trained on it.

    Half of the de test labels are rotated to another label, so de lags in every
    model although training (train and val splits only) is unaffected.
    """
    root = tmp_path_factory.mktemp("pipeline")
    frame = make_frame(regions=("en", "fr", "de"))
    de_test = frame.index[(frame["region"] == "de") & (frame["split"] == "test")][::2]
    rotation = {"negative": "neutral", "neutral": "positive", "positive": "negative"}
    frame.loc[de_test, "label"] = frame.loc[de_test, "label"].map(rotation)
    validated = write_validated(root / "validated", frame)
    train_models(
        data=validated,
        out=root / "models",
        settings={**FAST, "strategy": "joint", "export_saved_model": False},
    )
    return root


def test_evaluate_models_writes_everything(trained):
    out = trained / "evaluation"
    run = evaluate_models(
        model_dir=trained / "models", data=trained / "validated", out=out, settings=TINY
    )
    predictions = pd.read_parquet(out / "predictions.parquet")
    test = pd.read_parquet(trained / "validated" / "clean.parquet").query("split == 'test'")
    payload = json.loads((out / "report.json").read_text())

    assert run.reused_predictions is False
    assert set(predictions["model"]) == {"base", "fine_tuned", "baseline"}
    assert len(predictions) == 3 * len(test)
    assert {"y_true", "y_pred", "p.negative", "confidence"} <= set(predictions.columns)
    assert set(payload["models"]) == {"fine_tuned", "base", "baseline"}
    assert set(payload["models"]["fine_tuned"]["regions"]) == {"en", "fr", "de"}
    assert payload["lift"]["model"] == "fine_tuned"
    assert payload["source"]["models"] == str(trained / "models")
    assert payload["models"]["fine_tuned"]["worst_region"] == "de"
    assert (out / "report.html").is_file()


def test_evaluate_models_reuses_predictions(trained):
    out = trained / "evaluation-resume"
    evaluate_models(
        model_dir=trained / "models", data=trained / "validated", out=out, settings=TINY
    )
    again = evaluate_models(
        model_dir=trained / "models", data=trained / "validated", out=out, settings=TINY
    )
    assert again.reused_predictions is True


def test_evaluate_models_gate_failure_after_reports(trained):
    out = trained / "evaluation-gate"
    strict = EvaluationSettings(n_boot=100, min_region_size=1, min_metric=("accuracy=0.9",))
    with pytest.raises(GateFailed) as failure:
        evaluate_models(
            model_dir=trained / "models", data=trained / "validated", out=out, settings=strict
        )
    payload = json.loads((out / "report.json").read_text())

    assert failure.value.exit_code == EXIT_GATE_FAILED
    assert payload["gate"]["passed"] is False
    assert payload["gate"]["failing_regions"] == ["overall", "de"]
    assert "de" in str(failure.value)


def test_cli_evaluate_models(trained, capsys):
    out = trained / "evaluation-cli"
    code = main(
        [
            "evaluate",
            "--models",
            str(trained / "models"),
            "--data",
            str(trained / "validated"),
            "--out",
            str(out),
            "--n-boot",
            "100",
            "--min-region-size",
            "1",
        ]
    )
    assert code == 0
    assert (out / "report.md").is_file()
    assert "fine-tuned model" in capsys.readouterr().out


def test_missing_directories_rejected(tmp_path, trained):
    with pytest.raises(InputError, match="manifest.json"):
        evaluate_models(
            model_dir=tmp_path / "nowhere", data=trained / "validated", out=tmp_path / "out"
        )
    with pytest.raises(InputError, match="clean.parquet"):
        evaluate_models(
            model_dir=trained / "models", data=tmp_path / "nowhere", out=tmp_path / "out"
        )


def test_cli_reevaluates_written_predictions(trained):
    first = trained / "evaluation-first"
    evaluate_models(
        model_dir=trained / "models", data=trained / "validated", out=first, settings=TINY
    )
    code = main(
        [
            "evaluate",
            "--predictions",
            str(first / "predictions.parquet"),
            "--out",
            str(trained / "evaluation-again"),
            "--n-boot",
            "100",
            "--min-region-size",
            "1",
        ]
    )
    payload = json.loads((trained / "evaluation-again" / "report.json").read_text())

    assert code == 0
    assert payload["labels"] == ["negative", "neutral", "positive"]
    assert payload["source"] == {"predictions": str(first / "predictions.parquet")}
