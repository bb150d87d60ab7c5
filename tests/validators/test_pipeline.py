"""validate_snapshot end to end: UMSAB defects, quarantine accounting, gate, outputs and CLI."""

from __future__ import annotations

import json
import re
import socket

import pandas as pd
import pytest

from regionkit.cli import main
from regionkit.errors import GateFailed, InputError
from regionkit.validators import CheckSettings, CleaningSettings, validate_snapshot

UMSAB_REGIONS = {"ar", "de", "en", "es", "fr", "hi", "it", "pt"}


def test_umsab_nothing_lost(umsab_validation):
    result = umsab_validation
    clean = pd.read_parquet(result.out / "clean.parquet")
    quarantine = pd.read_parquet(result.out / "quarantine.parquet")
    assert result.rows_in == 24264
    assert len(clean) + len(quarantine) == 24264
    assert len(clean) == result.rows_clean
    assert set(clean["task_id"]).isdisjoint(set(quarantine["task_id"]))


def test_umsab_gate_passes_by_default(umsab_validation):
    assert umsab_validation.passed
    assert umsab_validation.summary["gate"] == {"passed": True, "failures": []}


def test_umsab_real_defects_per_region(umsab_validation):
    summary = umsab_validation.summary
    # English train/val carry literal \u2019-style escapes; no other language does.
    assert set(summary["input_defects"]["literal_escapes"]) == {"en"}
    assert summary["cleaning"]["decode_escapes"]["en"] >= 225
    assert len(summary["input_defects"]["html_entities"]) >= 5
    assert summary["cleaning"]["html_unescape"]["fr"] > 0
    assert summary["cleaning"]["drop_duplicates"]["fr"] > 0
    assert summary["cleaning"]["drop_leakage"]["fr"] > 0
    assert summary["regions"]["hi"]["flagged"]["duplicate_across_regions"] > 0
    assert summary["regions"]["hi"]["flagged"]["conflicting_labels"] > 0
    hindi_scripts = summary["regions"]["hi"]["scripts"]
    assert max(hindi_scripts, key=hindi_scripts.get) == "Latin"
    assert set(summary["regions"]) == UMSAB_REGIONS


def test_umsab_clean_contract(umsab_validation):
    clean = pd.read_parquet(umsab_validation.out / "clean.parquet")
    assert clean["label"].notna().all()
    assert set(clean["split"]) == {"train", "val", "test"}
    assert clean["data.text"].str.contains(r"\\u[0-9a-fA-F]{4}", regex=True).sum() == 0
    assert (clean["original_input"] != clean["data.text"]).any()
    manifest = json.loads((umsab_validation.out / "manifest.json").read_text())
    assert manifest["labels"] == ["negative", "neutral", "positive"]
    assert manifest["content_hash"]


def test_umsab_leakage_removed_from_train_only(umsab_validation):
    quarantine = pd.read_parquet(umsab_validation.out / "quarantine.parquet")
    leaked = quarantine[
        quarantine["reasons"].map(lambda reasons: "train_test_leakage" in list(reasons))
    ]
    assert len(leaked) > 0
    assert set(leaked["split"]) <= {"train", "val"}
    assert leaked["reason_text"].str.contains("later split").all()


def test_umsab_report_is_offline(umsab_validation):
    page = (umsab_validation.out / "validation.html").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page)
    assert "<script" not in page
    assert "decode_escapes" in page
    assert "data:image/png;base64," in page
    results = json.loads((umsab_validation.out / "validation_result.json").read_text())
    assert results["suites"][0]["results"]
    assert (umsab_validation.out / "suites" / "regionkit_builtin.json").is_file()


def test_critical_rows_quarantined_with_reasons(make_snapshot, balanced_rows, tmp_path):
    rows = balanced_rows()
    rows[0] = {**rows[0], "label": "angry"}
    rows[1] = {**rows[1], "label": None, "data.text": "   "}
    rows[2] = {**rows[2], "data.text": "Tom &amp;amp; Jerry &lt;3"}
    snapshot = make_snapshot(rows)
    result = validate_snapshot(
        snapshot=snapshot, out=tmp_path / "out", checks=CheckSettings(row_tolerance=0.1)
    )
    quarantine = pd.read_parquet(tmp_path / "out" / "quarantine.parquet")
    reasons = {int(row.task_id): list(row.reasons) for row in quarantine.itertuples()}
    assert reasons[1] == ["unknown_label"]
    assert reasons[2] == ["blank_text", "text_length", "missing_label"]
    assert 3 not in reasons
    clean = pd.read_parquet(tmp_path / "out" / "clean.parquet")
    assert clean.loc[clean["task_id"] == 3, "data.text"].item() == "Tom & Jerry <3"
    assert result.rows_clean + result.rows_quarantined == len(rows)
    assert result.passed


def test_empty_region_fails_gate(make_snapshot, balanced_rows, tmp_path):
    snapshot = make_snapshot(balanced_rows(regions=("en",)))
    result = validate_snapshot(
        snapshot=snapshot, out=tmp_path / "out", checks=CheckSettings(regions=["en", "fr"])
    )
    assert not result.passed
    assert result.summary["gate"]["failures"] == ["min_examples"]
    assert result.summary["regions"]["fr"] == {
        "rows": 0,
        "clean": 0,
        "quarantined": 0,
        "flagged": {},
        "cleaning": {},
        "input_defects": {},
        "splits": {},
        "scripts": {},
    }
    with pytest.raises(GateFailed, match="min_examples"):
        result.raise_for_gate()


def test_too_many_critical_rows_fail_gate(make_snapshot, balanced_rows, tmp_path):
    rows = [
        {**row, "label": "angry"} if index % 5 == 0 else row
        for index, row in enumerate(balanced_rows())
    ]
    result = validate_snapshot(
        snapshot=make_snapshot(rows), out=tmp_path / "out", checks=CheckSettings(min_examples=5)
    )
    assert result.summary["gate"]["failures"] == ["unknown_label"]
    assert result.rows_quarantined == sum(1 for row in rows if row["label"] == "angry")


def test_cleaning_steps_can_be_disabled(make_snapshot, balanced_rows, tmp_path):
    rows = balanced_rows()
    rows[3] = {**rows[3], "data.text": rows[2]["data.text"]}
    cleaning = CleaningSettings(
        drop_duplicates=False, drop_leakage=False, collapse_whitespace=False
    )
    result = validate_snapshot(
        snapshot=make_snapshot(rows), out=tmp_path / "out", cleaning=cleaning
    )
    assert "drop_duplicates" not in result.summary["cleaning"]
    assert result.rows_quarantined == 0
    duplicate = [
        check for check in result.summary["checks"] if check["check"] == "duplicate_in_region"
    ][0]
    assert duplicate["unexpected_count"] == 1
    assert duplicate["severity"] == "warning"


def test_user_suite_runs_after_builtin(make_snapshot, balanced_rows, tmp_path):
    suite = tmp_path / "mine.json"
    suite.write_text(
        json.dumps(
            {
                "name": "mine",
                "expectations": [
                    {
                        "type": "expect_column_values_to_not_match_regex",
                        "kwargs": {"column": "data.text", "regex": "number 3 "},
                        "severity": "critical",
                        "meta": {"notes": "no third examples"},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    result = validate_snapshot(
        snapshot=make_snapshot(balanced_rows()), out=tmp_path / "out", suite_paths=[suite]
    )
    assert result.summary["suites"] == ["regionkit_builtin", "mine"]
    quarantine = pd.read_parquet(tmp_path / "out" / "quarantine.parquet")
    assert len(quarantine) == 6
    assert {tuple(reasons) for reasons in quarantine["reasons"]} == {
        ("mine:expect_column_values_to_not_match_regex(data.text)",)
    }
    assert not result.passed


def test_no_network_during_validation(make_snapshot, balanced_rows, tmp_path, monkeypatch):
    attempts = []
    original = socket.socket.connect

    # A spy, not a fake: it records connection attempts and lets local ones through.
    def spy(self, address):
        attempts.append(address)
        return original(self, address)

    monkeypatch.setattr(socket.socket, "connect", spy)
    validate_snapshot(snapshot=make_snapshot(balanced_rows()), out=tmp_path / "out")
    assert attempts == []


def test_bad_input_raises_input_error(make_snapshot, balanced_rows, tmp_path):
    with pytest.raises(InputError, match="not found"):
        validate_snapshot(snapshot=tmp_path / "absent", out=tmp_path / "out")
    snapshot = make_snapshot(balanced_rows())
    with pytest.raises(InputError, match="snapshot directory"):
        validate_snapshot(snapshot=snapshot, out=snapshot)
    with pytest.raises(InputError, match="group_column"):
        from regionkit.validators import SplitSettings

        validate_snapshot(
            snapshot=snapshot,
            out=tmp_path / "out",
            splits=SplitSettings(group_field="data.missing"),
        )


def test_cli_exit_codes(make_snapshot, balanced_rows, tmp_path, capsys):
    snapshot = make_snapshot(balanced_rows(regions=("en",)))
    assert main(["validate", "-s", str(snapshot), "-o", str(tmp_path / "ok")]) == 0
    assert "Gate passed" in capsys.readouterr().out
    assert (
        main(
            [
                "validate",
                "-s",
                str(snapshot),
                "-o",
                str(tmp_path / "gate"),
                "--region",
                "en",
                "--region",
                "fr",
            ]
        )
        == 1
    )
    assert "min_examples" in capsys.readouterr().err
    assert (
        main(
            [
                "validate",
                "-s",
                str(snapshot),
                "-o",
                str(tmp_path / "bad"),
                "--severity",
                "mojibake=loud",
            ]
        )
        == 2
    )
    assert "severity.mojibake" in capsys.readouterr().err
    assert (
        main(
            [
                "validate",
                "-s",
                str(snapshot),
                "-o",
                str(tmp_path / "bad"),
                "--skip-step",
                "spellcheck",
            ]
        )
        == 2
    )


def test_out_directory_with_other_files_rejected(make_snapshot, balanced_rows, tmp_path):
    out = tmp_path / "project"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="not a validation output"):
        validate_snapshot(snapshot=make_snapshot(balanced_rows()), out=out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_rerun_replaces_previous_output(make_snapshot, balanced_rows, tmp_path):
    snapshot = make_snapshot(balanced_rows())
    validate_snapshot(snapshot=snapshot, out=tmp_path / "out")
    result = validate_snapshot(snapshot=snapshot, out=tmp_path / "out")
    assert result.passed
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".")) == []


def test_no_files_outside_out(make_snapshot, balanced_rows, tmp_path, monkeypatch, capfd):
    snapshot = make_snapshot(balanced_rows())
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    validate_snapshot(snapshot=snapshot, out=workdir / "out")
    assert [path.name for path in workdir.iterdir()] == ["out"]
    assert "Calculating Metrics" not in capfd.readouterr().err


def test_image_input_skips_text_checks(make_snapshot, balanced_rows, tmp_path):
    rows = [
        {**row, "data.text": f"images/{index}.jpg"} for index, row in enumerate(balanced_rows())
    ]
    rows[1] = {**rows[1], "data.text": "images/0.jpg"}
    result = validate_snapshot(
        snapshot=make_snapshot(rows, input_type="Image"), out=tmp_path / "out"
    )
    checks = {check["check"] for check in result.summary["checks"]}
    assert "script_mismatch" not in checks
    assert "literal_escapes" not in checks
    assert "decode_escapes" not in result.summary["cleaning"]
    assert result.summary["regions"]["en"]["flagged"] == {"train_test_leakage": 1}
    assert result.rows_clean + result.rows_quarantined == len(rows)



@pytest.mark.parametrize(("dedupe_test", "expected_test_copies"), [(False, 2), (True, 1)])
def test_test_split_duplicates_kept_unless_asked(
    make_snapshot, balanced_rows, tmp_path, dedupe_test, expected_test_copies
):
    rows = balanced_rows()
    copy = {**rows[0], "data.split": "test", "data.text": "the very same test tweet"}
    rows += [copy, dict(copy), {**copy, "data.split": "train"}]
    result = validate_snapshot(
        snapshot=make_snapshot(rows),
        out=tmp_path / "out",
        cleaning=CleaningSettings(dedupe_test=dedupe_test),
    )
    clean = pd.read_parquet(tmp_path / "out" / "clean.parquet")
    copies = clean[clean["data.text"] == "the very same test tweet"]
    assert (copies["split"] == "test").sum() == expected_test_copies
    assert (copies["split"] == "train").sum() == 0
    assert result.rows_clean + result.rows_quarantined == len(rows)


def test_cli_region_with_brackets_printed(make_snapshot, balanced_rows, tmp_path, capsys):
    snapshot = make_snapshot(balanced_rows(regions=("[eu]",)))

    code = main(["validate", "-s", str(snapshot), "-o", str(tmp_path / "out")])

    assert code == 0
    assert "[eu]" in capsys.readouterr().out


def test_gx_info_logger_quieted(make_snapshot, balanced_rows, tmp_path):
    import logging

    snapshot = make_snapshot(balanced_rows(regions=("en",)))

    validate_snapshot(snapshot=snapshot, out=tmp_path / "out")

    gx_logger = logging.getLogger("great_expectations.data_context.types.base")
    assert gx_logger.getEffectiveLevel() >= logging.WARNING
