"""Figure text: Chinese with a CJK font, English without one, never empty glyph boxes."""

from __future__ import annotations

import warnings

import pytest

from regionkit import i18n

HEADING = "Gap to overall per region"


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.set_language("en")


def _draw_titled_figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots()
    axes.set_title(i18n._(HEADING))
    return figure


def _save_and_collect_warnings(figure, path) -> list[str]:
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(path, dpi=50)
    plt.close(figure)
    return [str(warning.message) for warning in caught if "Glyph" in str(warning.message)]


def test_english_figure_unchanged(tmp_path):
    i18n.set_language("en")
    with i18n.figure_language() as language:
        figure = _draw_titled_figure()
    assert language == "en"
    assert figure.axes[0].get_title() == HEADING


@pytest.mark.skipif(not i18n.installed_cjk_fonts(), reason="no font with Chinese glyphs installed")
def test_chinese_figure_uses_cjk_font(tmp_path):
    i18n.set_language("zh-CN")
    with i18n.figure_language() as language:
        figure = _draw_titled_figure()
    title = figure.axes[0].title
    assert language == "zh-CN"
    assert title.get_text() == i18n._(HEADING)
    assert title.get_fontfamily()[0] in i18n.CJK_FONT_FAMILIES
    assert _save_and_collect_warnings(figure, tmp_path / "figure.png") == []


def test_chinese_figure_without_font_stays_english(tmp_path, monkeypatch):
    # Fake: this machine may have a CJK font; pretend it has none to reach the fallback.
    monkeypatch.setattr(i18n, "installed_cjk_fonts", lambda: [])
    i18n.set_language("zh-CN")

    @i18n.localized_figure
    def build():
        return _draw_titled_figure()

    figure = build()
    assert figure.axes[0].get_title() == HEADING
    assert i18n.get_language() == "zh-CN"
    assert _save_and_collect_warnings(figure, tmp_path / "figure.png") == []
