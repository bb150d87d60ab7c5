"""Every check of the built-in suite, failing and passing, through real Great Expectations."""

from __future__ import annotations

import pandas as pd
import pytest

from regionkit.validators.settings import CheckSettings

LABELS = ["negative", "neutral", "positive"]


@pytest.fixture(scope="module")
def gx_modules():
    """Import GX and the suite helpers once per module (the import takes seconds)."""
    from regionkit.validators import gx_runner, suites

    return gx_runner, suites


def _frame(rows: list[dict]) -> pd.DataFrame:
    defaults = {"agreement": 1.0, "n_annotations": 1, "no_consensus": False, "split": "train"}
    frame = pd.DataFrame(
        [{**defaults, "task_id": index + 1, **row} for index, row in enumerate(rows)]
    )
    return frame.astype(
        {
            "region": "string",
            "label": "string",
            "data.text": "string",
            "split": "string",
            "agreement": "Float64",
        }
    )


def _good_rows() -> list[dict]:
    rows = []
    for region, word in (("en", "good"), ("ar", "جيد")):
        for label in LABELS:
            for index in range(3):
                text = (
                    f"{word} {label} {index}" if region == "en" else f"{word} {word} {word} {index}"
                )
                split = "test" if index == 0 else "train"
                rows.append(
                    {
                        "region": region,
                        "label": label,
                        "data.text": f"{text} {label}",
                        "split": split,
                    }
                )
    return rows


def _outcomes(gx_modules, frame: pd.DataFrame, settings: CheckSettings | None = None):
    gx_runner, suites = gx_modules
    context = suites.SuiteContext(
        text_column="data.text", labels=LABELS, regions=["en", "ar"], columns=list(frame.columns)
    )
    suite = suites.build_builtin_suite(
        context, settings or CheckSettings(min_examples=3, min_label_share=0.1)
    )
    outcomes, raw = gx_runner.run_suites(frame, [suite])
    return (
        {outcome.check: outcome for outcome in outcomes if outcome.check != "missing_columns"},
        outcomes,
        raw,
    )


def _flagged(outcome) -> list[int]:
    return sorted(int(row) for row in outcome.unexpected_rows)


def test_clean_frame_passes_every_check(gx_modules):
    by_check, outcomes, raw = _outcomes(gx_modules, _frame(_good_rows()))
    failed = [
        outcome.check for outcome in outcomes if not outcome.success or outcome.unexpected_count
    ]
    assert failed == []
    assert {
        "script_mismatch",
        "literal_escapes",
        "train_test_leakage",
        "min_examples",
        "low_agreement",
    } <= set(by_check)
    assert raw[0]["success"] is True


# (check, row changes applied to the clean frame, flagged row positions)
ROW_CASES = [
    ("duplicate_task_id", {1: {"task_id": 1}}, [1]),
    ("missing_text", {2: {"data.text": None}}, [2]),
    ("blank_text", {2: {"data.text": "   "}}, [2]),
    ("text_length", {2: {"data.text": "x" * 60}}, [2]),
    ("missing_label", {3: {"label": None}}, [3]),
    ("unknown_label", {3: {"label": "angry"}}, [3]),
    ("missing_region", {4: {"region": None}}, [4]),
    ("unknown_region", {4: {"region": "xx"}}, [4]),
    ("script_mismatch", {10: {"data.text": "this is english text"}}, [10]),
    ("literal_escapes", {5: {"data.text": "it\\u2019s broken"}}, [5]),
    ("mojibake", {5: {"data.text": "cafÃ© broken"}}, [5]),
    ("html_entities", {5: {"data.text": "Tom &amp; Jerry"}}, [5]),
    ("duplicate_in_region", {2: {"data.text": "good negative 1 negative"}}, [2]),
    ("duplicate_across_regions", {10: {"data.text": "good negative 1 negative"}}, [1, 10]),
    ("conflicting_labels", {1: {"data.text": "good neutral 1 neutral"}}, [1, 4]),
    ("train_test_leakage", {1: {"data.text": "good negative 0 negative"}}, [1]),
    ("no_consensus", {6: {"no_consensus": True}}, [6]),
]


@pytest.mark.parametrize(
    ("check", "changes", "expected"), ROW_CASES, ids=[case[0] for case in ROW_CASES]
)
def test_row_check_flags_broken_rows(gx_modules, check, changes, expected):
    rows = _good_rows()
    for position, values in changes.items():
        rows[position] = {**rows[position], **values}
    settings = CheckSettings(min_examples=1, min_label_share=0.0, max_length=50, row_tolerance=0.0)
    by_check, _outcomes_list, _raw = _outcomes(gx_modules, _frame(rows), settings)
    outcome = by_check[check]
    assert outcome.row_level
    assert not outcome.success
    assert _flagged(outcome) == expected


def test_min_examples_fails_for_empty_region(gx_modules):
    rows = [row for row in _good_rows() if row["region"] == "en"]
    by_check, _outcomes_list, _raw = _outcomes(gx_modules, _frame(rows))
    outcome = by_check["min_examples"]
    assert not outcome.success
    assert {item["region"] for item in outcome.observed["below"]} == {"ar"}
    assert outcome.severity == "critical"


def test_label_distribution_fails_for_rare_label(gx_modules):
    rows = _good_rows() + [
        {"region": "en", "label": "positive", "data.text": f"more positive text {index}"}
        for index in range(40)
    ]
    by_check, _outcomes_list, _raw = _outcomes(gx_modules, _frame(rows))
    outcome = by_check["label_distribution"]
    assert not outcome.success
    assert {(item["region"], item["label"]) for item in outcome.observed["below"]} == {
        ("en", "negative"),
        ("en", "neutral"),
    }


def test_low_agreement_fails_per_region(gx_modules):
    rows = [
        {**row, "n_annotations": 2, "agreement": 0.5 if row["region"] == "ar" else 1.0}
        for row in _good_rows()
    ]
    by_check, _outcomes_list, _raw = _outcomes(gx_modules, _frame(rows))
    outcome = by_check["low_agreement"]
    assert not outcome.success
    assert [item["region"] for item in outcome.observed["below"]] == ["ar"]


def test_severity_off_leaves_check_out(gx_modules):
    settings = CheckSettings(
        severity={"mojibake": "off", "script_mismatch": "warning"}, min_examples=3
    )
    by_check, _outcomes_list, _raw = _outcomes(gx_modules, _frame(_good_rows()), settings)
    assert "mojibake" not in by_check
    assert by_check["script_mismatch"].severity == "warning"


def test_critical_row_check_within_tolerance_passes(gx_modules):
    rows = _good_rows()
    rows[5] = {**rows[5], "data.text": "Tom &amp; Jerry"}
    by_check, _outcomes_list, _raw = _outcomes(
        gx_modules, _frame(rows), CheckSettings(min_examples=3, row_tolerance=0.1)
    )
    outcome = by_check["html_entities"]
    assert outcome.success
    assert _flagged(outcome) == [5]


def test_missing_column_reported_not_raised(gx_modules):
    frame = _frame(_good_rows()).drop(columns=["task_id"])
    _by_check, outcomes, _raw = _outcomes(gx_modules, frame)
    exists = [
        outcome
        for outcome in outcomes
        if outcome.check == "missing_columns" and outcome.column == "task_id"
    ]
    assert not exists[0].success
    duplicate = [outcome for outcome in outcomes if outcome.check == "duplicate_task_id"][0]
    assert not duplicate.success
    assert "task_id" in duplicate.error
