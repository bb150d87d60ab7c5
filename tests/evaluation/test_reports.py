"""Report files: report.json schema, offline HTML, Markdown and the terminal table."""

from __future__ import annotations

import json
import re

import pytest
from rich.console import Console

from regionkit.evaluation import SCHEMA_VERSION, evaluate_predictions
from regionkit.i18n import set_language
from regionkit.reports import write_evaluation_reports
from regionkit.reports.evaluation_terminal import print_evaluation

LABELS = ["negative", "neutral", "positive"]
REGIONS = ["ar", "de", "en", "hi"]
REGION_KEYS = {
    "n",
    "accuracy",
    "accuracy_ci",
    "macro_f1",
    "macro_f1_ci",
    "per_class",
    "confusion_matrix",
    "gap_to_overall",
    "gap_ci",
    "gap_to_best",
    "gap_to_best_ci",
    "gap_to_rest",
    "gap_to_rest_ci",
    "p_value",
    "p_value_holm",
    "significant",
    "too_few_to_judge",
    "min_detectable_gap",
}


@pytest.fixture(scope="module")
def report(simulate):
    predictions = simulate(
        {"ar": 200, "de": 200, "en": 200, "hi": 30},
        accuracy={("ar", "fine_tuned"): 0.5},
        models=("fine_tuned", "base", "baseline"),
        seed=21,
    )
    return evaluate_predictions(predictions, labels=LABELS, n_boot=200, max_gap=0.05)


@pytest.fixture(scope="module")
def written(report, tmp_path_factory):
    return write_evaluation_reports(report, tmp_path_factory.mktemp("evaluation"))


def test_report_json_contract(written):
    payload = json.loads(written["json"].read_text())

    assert payload["schema_version"] == SCHEMA_VERSION
    assert payload["primary_metric"] == "macro_f1"
    assert payload["labels"] == LABELS
    assert payload["n_boot"] == 200
    assert set(payload["models"]) == {"fine_tuned", "base", "baseline"}
    for model in payload["models"].values():
        assert set(model["regions"]) == set(REGIONS)
        assert model["best_region"] in REGIONS
        assert len(model["overall"]["macro_f1_ci"]) == 2
        for region in model["regions"].values():
            assert REGION_KEYS <= set(region)
            assert set(region["per_class"]) == set(LABELS)
    assert set(payload["lift"]["regions"]) == set(REGIONS)
    assert set(payload["lift"]["overall"]) >= {"value", "ci"}
    assert payload["gate"]["passed"] is False
    assert payload["gate"]["failing_regions"] == ["ar"]


def test_report_json_intervals_contain_estimates(written):
    payload = json.loads(written["json"].read_text())
    for region in payload["models"]["fine_tuned"]["regions"].values():
        for metric in ("accuracy", "macro_f1"):
            low, high = region[f"{metric}_ci"]
            assert low <= region[metric] + 1e-9
            assert region[metric] <= high + 1e-9


def test_html_is_offline(written):
    html = written["html"].read_text()
    assert "://" not in html
    assert not re.search(r"""(src|href)=["'](?!data:)""", html)
    assert html.count('src="data:image/png;base64,') >= 5


def test_html_lists_every_region(written):
    html = written["html"].read_text()
    for region in REGIONS:
        assert f'<td class="text">{region}</td>' in html
    assert "too few to judge" in html


def test_markdown_tables(written):
    markdown = written["md"].read_text()
    assert markdown.startswith("# Evaluation per region")
    for region in REGIONS:
        assert f"| {region} |" in markdown
    assert "## Lift of fine-tuned over base" in markdown
    assert "Gate failed for model fine-tuned: ar." in markdown


def test_terminal_worst_first(report):
    console = Console(width=120, record=True)
    print_evaluation(report, console)
    text = console.export_text()
    fine_tuned = text.split("base model")[0]

    order = [fine_tuned.index(f"│ {region} ") for region in ("ar", "de", "en")]
    assert fine_tuned.index("│ ar ") == min(order)
    assert "too few to judge" in text
    assert "Gate failed" in text


def test_headings_translated(report, tmp_path):
    try:
        set_language("zh-CN")
        paths = write_evaluation_reports(report, tmp_path)
    finally:
        set_language("en")
    assert paths["md"].read_text().startswith("# ")
    assert (
        json.loads(paths["json"].read_text())["models"]["fine_tuned"]["regions"]["ar"]["n"] == 200
    )
