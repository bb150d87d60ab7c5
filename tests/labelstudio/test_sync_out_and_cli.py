"""Sync edge cases: what ``--out`` may replace, a tasks API page as input, CLI messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionkit.cli import main
from regionkit.errors import InputError
from regionkit.labelstudio import FileSource, RegionField, load_snapshot, sync_snapshot

SAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "samples" / "umsab" / "labeling-config.xml"


def _sync(path: Path, out: Path):
    return sync_snapshot(
        source=FileSource(path, SAMPLE_CONFIG),
        region=RegionField("region"),
        out=out,
        show_progress=False,
    )


def test_out_file_is_rejected_and_kept(label_studio_samples, tmp_path):
    out = tmp_path / "notes.txt"
    out.write_text("keep me", encoding="utf-8")

    with pytest.raises(InputError, match="is a file"):
        _sync(label_studio_samples / "ls-export-sample.json", out)

    assert out.read_text(encoding="utf-8") == "keep me"


def test_out_foreign_directory_is_kept(label_studio_samples, tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "keep.txt").write_text("keep me", encoding="utf-8")

    with pytest.raises(InputError, match="not a snapshot"):
        _sync(label_studio_samples / "ls-export-sample.json", out)

    assert (out / "keep.txt").read_text(encoding="utf-8") == "keep me"


def test_out_previous_snapshot_is_replaced(label_studio_samples, tmp_path):
    out = tmp_path / "snapshot"
    _sync(label_studio_samples / "ls-export-sample-min.json", out)

    result = _sync(label_studio_samples / "ls-export-sample.json", out)

    assert result.n_tasks == 5
    assert load_snapshot(out).manifest["source"]["format"] == "json"


def test_tasks_api_page_is_read(label_studio_samples, tmp_path):
    """A saved page of GET /api/tasks/ wraps the tasks in {"tasks": [...], "total": ...}."""
    result = _sync(label_studio_samples / "ls-tasks-api-sample.json", tmp_path / "snapshot")

    assert result.n_tasks == 5
    assert result.n_predictions == 2
    assert result.by_region == {"APAC": 1, "EU": 2, "LATAM": 1, "US": 1}


def test_cli_interrupt_exits_130_with_message(
    label_studio_samples, tmp_path, monkeypatch, capsys
):
    import regionkit.labelstudio.files as files

    def interrupted(*args, **kwargs):
        # Fake: raises Ctrl-C in the middle of reading, which a real file cannot do.
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "read_export", interrupted)
    out = tmp_path / "snapshot"

    code = main(
        [
            "sync",
            "--file",
            str(label_studio_samples / "ls-export-sample.json"),
            "--labeling-config",
            str(SAMPLE_CONFIG),
            "--region-field",
            "region",
            "--out",
            str(out),
            "--no-progress",
        ]
    )

    error = capsys.readouterr().err
    assert code == 130
    assert "Interrupted" in error
    assert not out.exists()
    assert [path.name for path in tmp_path.iterdir()] == []


def test_cli_error_keeps_square_brackets(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "")
    monkeypatch.setenv("REGIONKIT_CONFIG", str(tmp_path / "missing.toml"))

    code = main(
        ["sync", "--project", "1", "--region-field", "region", "--out", str(tmp_path / "s")]
    )

    error = capsys.readouterr().err
    assert code == 2
    assert "[label_studio]" in error


def test_json_named_csv_is_rejected(label_studio_samples, tmp_path):
    misnamed = tmp_path / "export.csv"
    misnamed.write_bytes((label_studio_samples / "ls-export-sample.json").read_bytes())

    with pytest.raises(InputError, match="no 'id' column"):
        _sync(misnamed, tmp_path / "snapshot")
