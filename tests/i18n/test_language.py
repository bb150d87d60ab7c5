"""Language choice: --lang above LC_ALL above LC_MESSAGES above LANG, English by default."""

from __future__ import annotations

import pytest

from regionkit import i18n


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for variable in i18n.LANGUAGE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    yield
    i18n.set_language("en")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("zh-CN", "zh-CN"),
        ("zh_CN.UTF-8", "zh-CN"),
        ("zh-cn", "zh-CN"),
        ("zh-Hans-CN", "zh-CN"),
        ("zh", "zh-CN"),
        ("en", "en"),
        ("en_US.UTF-8", "en"),
        ("C", "en"),
        ("C.UTF-8", "en"),
        ("POSIX", "en"),
    ],
)
def test_normalize_language(tag, expected):
    assert i18n.normalize_language(tag) == expected


@pytest.mark.parametrize("tag", ["fr", "zh-TW", "zh_HK.UTF-8", "xx"])
def test_normalize_rejects_unsupported(tag):
    with pytest.raises(ValueError, match="zh-CN"):
        i18n.normalize_language(tag)


def test_default_is_english():
    assert i18n.set_language(None) == "en"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LC_ALL": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LC_MESSAGES": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LC_ALL": "C.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": ""}, "zh-CN"),  # an empty variable is skipped
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "fr_FR.UTF-8"}, "en"),  # unsupported, still wins
    ],
)
def test_environment_precedence(monkeypatch, environment, expected):
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert i18n.set_language(None) == expected


def test_explicit_language_wins_over_environment(monkeypatch):
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert i18n.set_language("en") == "en"
    assert i18n._("Print the version and exit.") == "Print the version and exit."


def test_chinese_translates_messages():
    i18n.set_language("zh-CN")
    assert i18n.get_language() == "zh-CN"
    assert i18n._("Print the version and exit.") != "Print the version and exit."


def test_unknown_message_stays_english():
    i18n.set_language("zh-CN")
    assert i18n._("A message that no catalog contains.") == "A message that no catalog contains."


def test_unsupported_error_in_environment_language(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    with pytest.raises(ValueError) as raised:
        i18n.set_language("fr")
    assert "'fr'" in str(raised.value)
    assert "zh-CN" in str(raised.value)
    assert "不支持" in str(raised.value)
    assert i18n.get_language() == "zh-CN"


def test_use_language_restores_previous():
    i18n.set_language("en")
    with i18n.use_language("zh-CN") as language:
        assert language == "zh-CN"
        assert i18n.get_language() == "zh-CN"
    assert i18n.get_language() == "en"


def test_ngettext_chinese_has_one_form():
    i18n.set_language("zh-CN")
    catalog = i18n._translations
    assert catalog.ngettext("x", "xs", 1) == "x"  # no entry: English fallback
    assert catalog.ngettext("x", "xs", 2) == "xs"


def test_n_marks_without_translating():
    i18n.set_language("zh-CN")
    assert i18n.N_("Print the version and exit.") == "Print the version and exit."
