"""The gate: rule parsing, failures per region, and the CLI's exit codes."""

from __future__ import annotations

import json

import pytest

from regionkit.cli import main
from regionkit.errors import EXIT_BAD_INPUT, EXIT_GATE_FAILED, EXIT_OK, InputError
from regionkit.evaluation import MetricThreshold, evaluate_predictions, parse_min_metric

LABELS = ["negative", "neutral", "positive"]


@pytest.fixture(scope="module")
def lagging_predictions(simulate):
    # hi lags clearly behind; pt is too small to judge and lags too.
    return simulate(
        {"de": 300, "hi": 300, "it": 300, "pt": 20},
        accuracy={("hi", "fine_tuned"): 0.45, ("pt", "fine_tuned"): 0.2},
        default_accuracy=0.75,
        seed=12,
    )


@pytest.fixture(scope="module")
def predictions_file(lagging_predictions, tmp_path_factory):
    path = tmp_path_factory.mktemp("predictions") / "predictions.parquet"
    lagging_predictions.to_parquet(path)
    return path


def test_parse_min_metric_forms():
    rules = parse_min_metric(["macro_f1=0.5", "hi:accuracy=0.4"])
    assert rules == (
        MetricThreshold(metric="macro_f1", threshold=0.5),
        MetricThreshold(metric="accuracy", threshold=0.4, region="hi"),
    )


@pytest.mark.parametrize(
    "value", ["macro_f1", "f2=0.5", "macro_f1=high", "macro_f1=1.5", ":macro_f1=0.5"]
)
def test_parse_min_metric_rejects(value):
    with pytest.raises(InputError, match="--min-metric"):
        parse_min_metric([value])


def test_max_gap_fails_lagging_region(lagging_predictions):
    report = evaluate_predictions(lagging_predictions, labels=LABELS, n_boot=200, max_gap=0.05)
    assert report.gate.passed is False
    assert report.gate.model == "fine_tuned"
    assert report.gate.failing_regions == ["hi"]
    assert report.gate.not_judged == ["pt"]


def test_max_gap_passes_when_loose(lagging_predictions):
    report = evaluate_predictions(lagging_predictions, labels=LABELS, n_boot=200, max_gap=0.5)
    assert report.gate.passed is True
    assert report.gate.failures == []


def test_region_rule_overrides_global(lagging_predictions):
    report = evaluate_predictions(
        lagging_predictions,
        labels=LABELS,
        n_boot=200,
        min_metric=["macro_f1=0.6", "hi:macro_f1=0.3"],
    )
    assert report.gate.passed is True

    strict = evaluate_predictions(
        lagging_predictions, labels=LABELS, n_boot=200, min_metric=["macro_f1=0.6"]
    )
    assert strict.gate.failing_regions == ["hi"]
    assert strict.gate.failures[0].rule == "min_metric"


def test_global_rule_checks_overall(lagging_predictions):
    report = evaluate_predictions(
        lagging_predictions, labels=LABELS, n_boot=200, min_metric=["accuracy=0.9"]
    )
    assert "overall" in report.gate.failing_regions
    assert report.gate.failing_regions[0] == "overall"


def test_gate_on_chosen_model(lagging_predictions):
    report = evaluate_predictions(
        lagging_predictions, labels=LABELS, n_boot=200, max_gap=0.05, gate_model="base"
    )
    assert report.gate.model == "base"
    assert report.gate.passed is True


def test_unknown_gate_region_rejected(lagging_predictions):
    with pytest.raises(InputError, match="'xx'"):
        evaluate_predictions(
            lagging_predictions, labels=LABELS, n_boot=200, min_metric=["xx:macro_f1=0.5"]
        )


def test_cli_gate_failure_exit_code(predictions_file, tmp_path, capsys):
    out = tmp_path / "evaluation"
    code = main(
        [
            "evaluate",
            "--predictions",
            str(predictions_file),
            "--labels",
            ",".join(LABELS),
            "--out",
            str(out),
            "--n-boot",
            "200",
            "--max-gap",
            "0.05",
        ]
    )
    captured = capsys.readouterr()

    assert code == EXIT_GATE_FAILED
    assert "hi" in captured.err
    assert "Traceback" not in captured.err
    report = json.loads((out / "report.json").read_text())
    assert report["gate"]["passed"] is False
    assert report["gate"]["failing_regions"] == ["hi"]
    assert (out / "report.html").is_file()
    assert (out / "report.md").is_file()


def test_cli_gate_pass_exit_code(predictions_file, tmp_path, capsys):
    out = tmp_path / "evaluation"
    code = main(
        [
            "evaluate",
            "--predictions",
            str(predictions_file),
            "--labels",
            ",".join(LABELS),
            "--out",
            str(out),
            "--n-boot",
            "200",
            "--max-gap",
            "0.5",
            "--min-metric",
            "hi:macro_f1=0.3",
        ]
    )
    captured = capsys.readouterr()

    assert code == EXIT_OK
    assert json.loads((out / "report.json").read_text())["gate"]["passed"] is True
    # The terminal table lists regions worst first.
    assert captured.out.index("hi ") < captured.out.index("de ")


@pytest.mark.parametrize(
    "arguments",
    [
        ["--min-metric", "macro_f1=2"],
        ["--n-boot", "10"],
        ["--max-gap", "-0.1"],
        ["--primary-metric", "recall"],
        ["--labels", "negative,positive"],
    ],
)
def test_cli_bad_input_exit_code(predictions_file, tmp_path, capsys, arguments):
    base = [
        "evaluate",
        "--predictions",
        str(predictions_file),
        "--out",
        str(tmp_path / "evaluation"),
    ]
    if "--labels" not in arguments:
        base += ["--labels", ",".join(LABELS)]
    code = main(base + arguments)
    captured = capsys.readouterr()

    assert code == EXIT_BAD_INPUT
    assert "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) <= 2


def test_cli_requires_a_source(tmp_path, capsys):
    code = main(["evaluate", "--out", str(tmp_path / "evaluation")])
    assert code == EXIT_BAD_INPUT
    assert "--predictions" in capsys.readouterr().err
