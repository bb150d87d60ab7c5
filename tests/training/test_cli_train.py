"""`regionkit train` from the command line."""

from __future__ import annotations

import json

from regionkit.cli import main
from training.samples import make_frame, write_validated


def test_train_command_writes_models(tmp_path, capsys):
    validated = write_validated(tmp_path / "validated", make_frame(regions=("en", "fr")))
    out = tmp_path / "models"
    code = main(
        [
            "train",
            str(validated),
            "--out",
            str(out),
            "--strategy",
            "joint",
            "--base-epochs",
            "3",
            "--epochs",
            "2",
            "--no-baseline",
            "--threads",
            "2",
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert "Validation macro-F1 per region" in captured.out
    assert str(out) in captured.out.replace("\n", "")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["strategy"] == "joint"
    assert manifest["config"]["epochs"] == 2


def test_train_command_invalid_strategy(tmp_path, capsys):
    validated = write_validated(tmp_path / "validated", make_frame(regions=("en",)))
    code = main(
        ["train", str(validated), "--out", str(tmp_path / "models"), "--strategy", "pooled"]
    )
    assert code == 2
    assert "--strategy" in capsys.readouterr().err


def test_train_command_missing_directory(tmp_path, capsys):
    code = main(["train", str(tmp_path / "missing"), "--out", str(tmp_path / "models")])
    assert code == 2
    assert "clean.parquet" in capsys.readouterr().err
    assert not (tmp_path / "models").exists()
