"""Suite JSON files: round trip, unknown expectation types and broken files."""

from __future__ import annotations

import json

import pytest

from regionkit.errors import InputError
from regionkit.validators.settings import CheckSettings


@pytest.fixture(scope="module")
def suites():
    from regionkit.validators import suites as module

    return module


@pytest.fixture(scope="module")
def builtin(suites):
    context = suites.SuiteContext(
        text_column="data.text",
        labels=["negative", "positive"],
        regions=["en", "hi"],
        columns=[
            "task_id",
            "region",
            "label",
            "data.text",
            "agreement",
            "n_annotations",
            "no_consensus",
        ],
    )
    return suites.build_builtin_suite(context, CheckSettings())


def test_builtin_suite_round_trips_through_json(suites, builtin, tmp_path):
    path = suites.write_suite(builtin, tmp_path / "suite.json")
    loaded = suites.load_suite(path)
    assert len(loaded.expectations) == len(builtin.expectations)
    assert suites.suite_to_dict(loaded) == suites.suite_to_dict(builtin)
    types = {entry["type"] for entry in json.loads(path.read_text())["expectations"]}
    assert "expect_text_script_to_match_region" in types
    assert "expect_no_split_leakage" in types


def test_builtin_suite_uses_labels_and_region_scripts(suites, builtin):
    payload = suites.suite_to_dict(builtin)
    by_check = {entry["meta"]["regionkit_check"]: entry for entry in payload["expectations"]}
    assert by_check["unknown_label"]["kwargs"]["value_set"] == ["negative", "positive"]
    assert by_check["unknown_region"]["kwargs"]["value_set"] == ["en", "hi"]
    assert by_check["script_mismatch"]["kwargs"]["region_scripts"] == {
        "en": ["Latin"],
        "hi": ["Latin", "Devanagari"],
    }
    assert by_check["html_entities"]["severity"] == "critical"
    assert by_check["html_entities"]["kwargs"]["mostly"] == 0.95
    assert by_check["train_test_leakage"]["severity"] == "warning"


def _write(tmp_path, payload) -> str:
    path = tmp_path / "suite.json"
    path.write_text(
        json.dumps(payload) if not isinstance(payload, str) else payload, encoding="utf-8"
    )
    return path


def test_unknown_expectation_type_raises(suites, tmp_path):
    path = _write(
        tmp_path,
        {
            "name": "mine",
            "expectations": [
                {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "label"}},
                {
                    "type": "expect_column_values_to_be_spelled_right",
                    "kwargs": {"column": "data.text"},
                },
            ],
        },
    )
    with pytest.raises(InputError) as error:
        suites.load_suite(path)
    assert "expectation 1" in error.value.message
    assert "expect_column_values_to_be_spelled_right" in error.value.message


def test_invalid_kwargs_raise(suites, tmp_path):
    path = _write(
        tmp_path,
        {
            "name": "mine",
            "expectations": [
                {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "label"}},
            ],
        },
    )
    with pytest.raises(InputError, match="expectation 0 is invalid"):
        suites.load_suite(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"expectations": []}, "needs a 'name'"),
        ({"name": "x"}, "needs a 'name'"),
    ],
    ids=["not-json", "no-name", "no-expectations"],
)
def test_broken_suite_files_raise(suites, tmp_path, content, message):
    with pytest.raises(InputError, match=message):
        suites.load_suite(_write(tmp_path, content))


def test_missing_suite_file_raises(suites, tmp_path):
    with pytest.raises(InputError, match="not found"):
        suites.load_suite(tmp_path / "absent.json")
