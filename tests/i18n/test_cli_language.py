"""The CLI prints Chinese help and errors with --lang zh-CN or a Chinese LANG."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _run(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    env.update(environment)
    env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "regionkit", *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def help_zh() -> str:
    result = _run("--lang", "zh-CN", "--help")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def help_en() -> str:
    result = _run("--help")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_help_chinese_with_lang_option(help_zh):
    assert "同步" in help_zh  # the app description starts with "Sync" = 同步
    assert "退出码" in help_zh


def test_help_panel_titles_chinese(help_zh):
    assert "选项" in help_zh  # typer's "Options" panel
    assert "命令" in help_zh  # typer's "Commands" panel


def test_help_keeps_option_names(help_zh):
    assert "--lang" in help_zh
    assert "--version" in help_zh


def test_help_english_by_default(help_en):
    assert CHINESE.search(help_en) is None
    assert "Exit codes" in help_en


def test_lang_equals_form():
    result = _run("--lang=zh-CN", "--help")
    assert result.returncode == 0
    assert "退出码" in result.stdout


def test_help_chinese_from_lang_variable():
    result = _run("--help", LANG="zh_CN.UTF-8")
    assert "退出码" in result.stdout


def test_lang_option_wins_over_lc_all():
    result = _run("--lang", "en", "--help", LC_ALL="zh_CN.UTF-8")
    assert CHINESE.search(result.stdout) is None


def test_c_utf8_prints_english():
    result = _run("--help", LANG="C.UTF-8")
    assert CHINESE.search(result.stdout) is None


def test_unsupported_lang_error_line():
    result = _run("--lang", "fr", "--help", LANG="zh_CN.UTF-8")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("错误")
    assert "'fr'" in lines[0]
    assert "Traceback" not in result.stderr
