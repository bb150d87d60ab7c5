"""Evaluation reports: Chinese headings with zh-CN, byte-identical report.json in both languages."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from regionkit.evaluation import evaluate_predictions
from regionkit.i18n import set_language, use_language
from regionkit.reports.evaluation_files import write_evaluation_reports

CHINESE = re.compile(r"[\u4e00-\u9fff]")
LABELS = ["negative", "neutral", "positive"]


def _predictions() -> pd.DataFrame:
    """Three regions of 60 tasks; the fine-tuned model is right more often than the base model."""
    rng = np.random.default_rng(0)
    rows = []
    for region_index, region in enumerate(["de", "hi", "fr"]):
        for task in range(60):
            task_id = region_index * 1000 + task
            y_true = LABELS[int(rng.integers(3))]
            for model, accuracy in (("base", 0.5), ("fine_tuned", 0.8 - 0.2 * (region == "hi"))):
                y_pred = y_true if rng.random() < accuracy else LABELS[int(rng.integers(3))]
                rows.append(
                    {"task_id": task_id, "region": region, "model": model, "y_true": y_true, "y_pred": y_pred}
                )
    return pd.DataFrame(rows)


def _evaluate_and_write(language: str, out_dir):
    with use_language(language):
        report = evaluate_predictions(
            _predictions(),
            labels=LABELS,
            n_boot=100,
            n_permutations=100,
            min_region_size=50,
            min_metric=["macro_f1=0.99"],  # a failing gate rule puts gate text into the reports
        )
        return write_evaluation_reports(report, out_dir)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The report paths in English and Chinese, and the glyph warnings of the Chinese figures."""
    try:
        english = _evaluate_and_write("en", tmp_path_factory.mktemp("en"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            chinese = _evaluate_and_write("zh-CN", tmp_path_factory.mktemp("zh"))
    finally:
        set_language("en")
    glyph_warnings = [str(warning.message) for warning in caught if "Glyph" in str(warning.message)]
    return english, chinese, glyph_warnings


@pytest.fixture(scope="module")
def reports(written):
    english, chinese, _glyph_warnings = written
    return english, chinese


def _headings(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("#")]


def test_report_json_identical(reports):
    english, chinese = reports
    assert english["json"].read_bytes() == chinese["json"].read_bytes()


def test_report_json_has_no_chinese(reports):
    _, chinese = reports
    assert CHINESE.search(chinese["json"].read_text(encoding="utf-8")) is None


def test_markdown_headings_chinese(reports):
    _, chinese = reports
    headings = _headings(chinese["md"].read_text(encoding="utf-8"))
    assert headings
    untranslated = [heading for heading in headings if not CHINESE.search(heading)]
    assert untranslated == []


def test_markdown_headings_english(reports):
    english, _ = reports
    headings = _headings(english["md"].read_text(encoding="utf-8"))
    assert headings
    assert [heading for heading in headings if CHINESE.search(heading)] == []


def test_markdown_keeps_region_codes(reports):
    _, chinese = reports
    text = chinese["md"].read_text(encoding="utf-8")
    for region in ("de", "hi", "fr"):
        assert re.search(rf"\b{region}\b", text), region


def test_html_page_chinese(reports):
    _, chinese = reports
    page = chinese["html"].read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    headings = re.findall(r"<h[12]>(.*?)</h[12]>", page)
    assert headings
    assert [heading for heading in headings if not CHINESE.search(heading)] == []


def test_html_page_english(reports):
    english, _ = reports
    page = english["html"].read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    headings = re.findall(r"<h[12]>(.*?)</h[12]>", page)
    assert [heading for heading in headings if CHINESE.search(heading)] == []


def test_chinese_figures_have_every_glyph(written):
    """Figures use a CJK font, or English text when none is installed, never empty boxes."""
    _english, _chinese, glyph_warnings = written
    assert glyph_warnings == []


def _plan_inputs(report: dict) -> dict:
    """Thirty unlabeled candidate tasks per region with random class probabilities."""
    rng = np.random.default_rng(1)
    task_rows, prediction_rows = [], []
    for region_index, region in enumerate(report["regions"]):
        for task in range(30):
            task_id = 10_000 + region_index * 100 + task
            words = " ".join(f"w{int(value)}" for value in rng.integers(0, 10_000, size=6))
            task_rows.append({"task_id": task_id, "region": region, "n_annotations": 0, "data.text": words})
            probabilities = rng.dirichlet(np.ones(len(LABELS)))
            prediction_rows.append(
                {
                    "task_id": task_id,
                    "y_pred": LABELS[int(np.argmax(probabilities))],
                    "confidence": float(probabilities.max()),
                    **{f"p.{label}": float(p) for label, p in zip(LABELS, probabilities, strict=True)},
                }
            )
    return {"report": report, "tasks": pd.DataFrame(task_rows), "predictions": pd.DataFrame(prediction_rows)}


def test_plan_json_identical(reports, tmp_path):
    from regionkit.planning import make_plan, write_plan

    english, _chinese = reports
    report = json.loads(english["json"].read_text(encoding="utf-8"))
    written = {}
    for language in ("en", "zh-CN"):
        with use_language(language):
            plan = make_plan(**_plan_inputs(report), budget=30)
            written[language] = write_plan(plan, tmp_path / language)
    assert written["en"]["json"].read_bytes() == written["zh-CN"]["json"].read_bytes()
    assert CHINESE.search(written["zh-CN"]["markdown"].read_text(encoding="utf-8"))
