"""README.zh-CN.md stays equivalent to README.md: same structure, commands, paths and links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
ENGLISH = REPOSITORY / "README.md"
CHINESE = REPOSITORY / "README.zh-CN.md"

FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")


@pytest.fixture(scope="module")
def english() -> str:
    return ENGLISH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def chinese() -> str:
    return CHINESE.read_text(encoding="utf-8")


def _heading_levels(text: str) -> list[int]:
    prose = FENCE.sub("", text)
    return [len(match) for match in re.findall(r"^(#+) ", prose, re.MULTILINE)]


def _code_blocks(text: str) -> list[list[str]]:
    """Fenced blocks with comments removed, because comments are translated."""
    blocks = []
    for block in FENCE.findall(text):
        lines = [re.sub(r"(^|\s+)#.*$", "", line).rstrip() for line in block.splitlines()]
        blocks.append(lines)
    return blocks


def _table_row_counts(text: str) -> list[int]:
    counts, current = [], 0
    for line in text.splitlines():
        if line.startswith("|"):
            current += 1
        elif current:
            counts.append(current)
            current = 0
    if current:
        counts.append(current)
    return counts


def test_readmes_link_each_other(english, chinese):
    assert "README.zh-CN.md" in english.splitlines()[0]
    assert "README.md" in chinese.splitlines()[0]


def test_same_heading_structure(english, chinese):
    assert _heading_levels(chinese) == _heading_levels(english)


def test_same_code_blocks(english, chinese):
    assert _code_blocks(chinese) == _code_blocks(english)


def test_same_table_sizes(english, chinese):
    assert _table_row_counts(chinese) == _table_row_counts(english)


def test_same_inline_code(english, chinese):
    """Commands, options, file names and keys appear in both, untranslated."""
    missing = sorted(set(INLINE_CODE.findall(FENCE.sub("", english))) - set(INLINE_CODE.findall(chinese)))
    assert missing == []


def test_same_link_targets(english, chinese):
    english_targets = set(LINK_TARGET.findall(english)) - {"README.zh-CN.md"}
    chinese_targets = set(LINK_TARGET.findall(chinese)) - {"README.md"}
    assert chinese_targets == english_targets
