"""Atomic writes leave either the old or the complete new output, never a half."""

from __future__ import annotations

import json

import pytest

from regionkit.atomic import atomic_directory, write_json, write_text


def test_write_json_round_trips_unicode(tmp_path):
    target = write_json(tmp_path / "out.json", {"region": "中文", "n": 3})
    assert json.loads(target.read_text(encoding="utf-8")) == {"region": "中文", "n": 3}


def test_failed_file_write_keeps_old_content(tmp_path):
    target = tmp_path / "summary.json"
    write_text(target, "old")

    class Unserializable:
        def __str__(self) -> str:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_json(target, {"value": Unserializable()})
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]


def test_interrupted_directory_leaves_no_partial_output(tmp_path):
    target = tmp_path / "snapshot"
    with pytest.raises(KeyboardInterrupt):
        with atomic_directory(target) as staging:
            (staging / "tasks.parquet").write_text("half")
            raise KeyboardInterrupt
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_directory_replaces_old_only_when_complete(tmp_path):
    target = tmp_path / "snapshot"
    with atomic_directory(target) as staging:
        (staging / "a.txt").write_text("first")
    with pytest.raises(ValueError):
        with atomic_directory(target) as staging:
            (staging / "a.txt").write_text("second")
            raise ValueError("failed mid-way")
    assert (target / "a.txt").read_text() == "first"

    with atomic_directory(target) as staging:
        (staging / "b.txt").write_text("third")
    assert sorted(p.name for p in target.iterdir()) == ["b.txt"]


def test_directory_without_overwrite_rejects_existing(tmp_path):
    (tmp_path / "snapshot").mkdir()
    with pytest.raises(FileExistsError):
        with atomic_directory(tmp_path / "snapshot", overwrite=False):
            pass


def test_outputs_follow_umask_not_mkstemp_mode(tmp_path):
    import os

    previous = os.umask(0o022)
    try:
        target = write_text(tmp_path / "report.md", "# report")
        with atomic_directory(tmp_path / "snapshot") as staging:
            (staging / "a.txt").write_text("x")
    finally:
        os.umask(previous)
    assert target.stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "snapshot").stat().st_mode & 0o777 == 0o755
