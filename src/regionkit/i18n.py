"""The translation layer: every user-facing string goes through :func:`_`.

Messages are English in the source and translated with GNU gettext catalogs
under ``regionkit/locale/<lang>/LC_MESSAGES/regionkit.mo``. The build hook
(``hatch_build.py``) compiles those ``.mo`` files from the ``.po`` files for both
wheels and editable installs.

The language comes from :func:`set_language` (the CLI's ``--lang``), else from the
first non-empty one of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG``; English is the
default, and ``C``/``POSIX`` locales such as ``C.UTF-8`` mean English.
"""

from __future__ import annotations

import gettext
import io
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

DOMAIN = "regionkit"
LOCALE_DIR = Path(__file__).parent / "locale"
#: True when the package is imported from ``src/`` of a repository checkout (an
#: editable install), where a ``.po`` file may be newer than its compiled ``.mo``.
SOURCE_CHECKOUT = (Path(__file__).resolve().parents[2] / "hatch_build.py").exists()
SUPPORTED_LANGUAGES = ("en", "zh-CN")
#: Environment variables that name the message language, highest precedence first.
LANGUAGE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

#: Fonts with Simplified Chinese glyphs, in order of preference (Linux, macOS, Windows).
CJK_FONT_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Heiti SC",
    "Microsoft YaHei",
    "SimHei",
    "Droid Sans Fallback",
)

#: File names of the fonts above, for fonts installed after matplotlib built its font cache.
_CJK_FONT_FILE = re.compile(
    r"NotoSans(CJK|SC)|SourceHanSans|wqy|PingFang|STHeiti|msyh|simhei|DroidSansFallback", re.IGNORECASE
)

logger = logging.getLogger(__name__)
_Function = TypeVar("_Function", bound=Callable[..., Any])

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"
_warned_no_cjk_font = False
_cjk_fonts: list[str] | None = None


def normalize_language(value: str) -> str:
    """Map a tag such as ``zh_CN.UTF-8``, ``zh-cn`` or ``en_US`` to a supported language.

    Parameters
    ----------
    value : str
        A language tag (``zh-CN``) or a POSIX locale name (``zh_CN.UTF-8``).

    Returns
    -------
    str
        One of :data:`SUPPORTED_LANGUAGES`.

    Raises
    ------
    ValueError
        If the tag names no supported language. The message is translated into
        the language in use when the error is raised.
    """
    tag = value.strip().split(".")[0].split("@")[0].replace("_", "-").lower()
    if tag in ("", "c", "posix") or tag == "en" or tag.startswith("en-"):
        return "en"
    if tag in ("zh", "zh-cn", "zh-hans", "zh-sg") or tag.startswith("zh-hans"):
        return "zh-CN"
    raise ValueError(_unsupported_language_message(value))


def _unsupported_language_message(value: str) -> str:
    return _("Language {language} is not supported; use one of: {supported}.").format(
        language=repr(value), supported=", ".join(SUPPORTED_LANGUAGES)
    )


def language_from_environment() -> str:
    """Return the language named by ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``, else English.

    The first non-empty variable decides, as in POSIX: ``LC_ALL=fr_FR.UTF-8`` means
    English (French is not supported) even when ``LANG`` names Chinese.
    """
    for variable in LANGUAGE_VARIABLES:
        value = os.environ.get(variable)
        if value:
            try:
                return normalize_language(value)
            except ValueError:
                return "en"
    return "en"


def _catalog_paths(language: str) -> tuple[Path, Path]:
    """Return the ``.po`` and ``.mo`` paths of ``language``'s catalog."""
    directory = LOCALE_DIR / language.replace("-", "_") / "LC_MESSAGES"
    return directory / f"{DOMAIN}.po", directory / f"{DOMAIN}.mo"


def _compile_in_memory(po_path: Path) -> gettext.GNUTranslations | None:
    """Compile ``po_path`` with Babel into a translation object, or return None without Babel."""
    try:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
    except ImportError:
        return None

    with po_path.open("rb") as source:
        catalog = read_po(source, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_translations(language: str) -> gettext.NullTranslations:
    """Return the gettext translations for ``language`` (no-op translations for English).

    The compiled ``.mo`` file is used. In a source checkout where the ``.po``
    file is missing its ``.mo`` or changed after the last build, the catalog is
    compiled in memory when Babel is installed, so that edits show without
    reinstalling. Without any catalog, messages stay English and a warning is
    logged.
    """
    if language == "en":
        return gettext.NullTranslations()

    po_path, mo_path = _catalog_paths(language)
    mo_is_fresh = mo_path.exists() and (
        not SOURCE_CHECKOUT
        or not po_path.exists()
        or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    )
    if mo_is_fresh:
        with mo_path.open("rb") as compiled:
            return gettext.GNUTranslations(compiled)

    if SOURCE_CHECKOUT and po_path.exists():
        translations = _compile_in_memory(po_path)
        if translations is not None:
            return translations
    if mo_path.exists():
        logger.warning("catalog %s is older than %s; reinstall regionkit to rebuild it", mo_path, po_path)
        with mo_path.open("rb") as compiled:
            return gettext.GNUTranslations(compiled)

    logger.warning(
        "no compiled catalog for %s at %s; messages stay English. Reinstall regionkit "
        "(pip install -e .) to compile it.",
        language,
        mo_path,
    )
    return gettext.NullTranslations()


def set_language(language: str | None) -> str:
    """Switch all later messages to ``language`` (or the environment's) and return it.

    Parameters
    ----------
    language : str or None
        A tag accepted by :func:`normalize_language`, or None to use
        :func:`language_from_environment`.

    Returns
    -------
    str
        The language now in use, one of :data:`SUPPORTED_LANGUAGES`.

    Raises
    ------
    ValueError
        If ``language`` names no supported language. The environment's language
        is switched to first, so that the error message is shown in it.
    """
    global _translations, _language
    try:
        chosen = normalize_language(language) if language else language_from_environment()
    except ValueError:
        set_language(None)
        raise ValueError(_unsupported_language_message(str(language))) from None
    _translations = load_translations(chosen)
    _language = chosen
    _translate_typer_labels()
    return _language


def get_language() -> str:
    """Return the language that messages are shown in now."""
    return _language


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Show messages in ``language`` inside a ``with`` block, then restore the previous one."""
    previous = _language
    try:
        yield set_language(language)
    finally:
        set_language(previous)


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count ``n``."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (for module-level constants)."""
    return message


#: Help-screen words that typer (0.29) takes from gettext's default domain, which has no
#: Chinese catalog: the ``typer.rich_utils`` constant each one fills. ``Usage:`` and
#: "Show this message and exit." are hard-coded in typer's bundled click and stay English.
TYPER_LABELS = {
    "DEPRECATED_STRING": N_("(deprecated) "),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}


def _translate_typer_labels() -> None:
    """Refill typer's help-screen constants in the current language.

    typer computes them once at import with the standard library's gettext, so
    they are set again here. English needs no import when typer's help module is
    not loaded yet.
    """
    if _language == "en" and "typer.rich_utils" not in sys.modules:
        return
    try:
        from typer import rich_utils
    except ImportError:  # typer without rich: its plain help stays English
        return
    for constant, message in TYPER_LABELS.items():
        if hasattr(rich_utils, constant):
            setattr(rich_utils, constant, _(message))


def installed_cjk_fonts() -> list[str]:
    """Return the fonts of :data:`CJK_FONT_FAMILIES` that matplotlib can use on this machine.

    matplotlib caches its font list once per version, so a font installed later
    is missing from it. When the cached list has none of the fonts, the system
    font directories are scanned once for their files, which are then added.
    """
    global _cjk_fonts
    if _cjk_fonts is not None:
        return _cjk_fonts

    from matplotlib import font_manager

    def known() -> list[str]:
        installed = {font.name for font in font_manager.fontManager.ttflist}
        return [family for family in CJK_FONT_FAMILIES if family in installed]

    fonts = known()
    if not fonts:
        for path in font_manager.findSystemFonts():
            if _CJK_FONT_FILE.search(Path(path).name):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError) as error:
                    logger.debug("cannot load font %s: %s", path, error)
        fonts = known()
    _cjk_fonts = fonts
    return fonts


@contextmanager
def figure_language() -> Iterator[str]:
    """Draw matplotlib figures in the current language when a font has its glyphs.

    Inside the block, figures created for Chinese use the first installed font of
    :data:`CJK_FONT_FAMILIES`, with matplotlib's default font as the fallback for
    Latin text. Without such a font, Chinese would render as empty boxes, so the
    figure text stays English and a warning is logged; HTML and Markdown text
    around the figures stays Chinese. Yields the language the figure text uses.
    """
    if _language == "en":
        yield _language
        return

    import matplotlib

    fonts = installed_cjk_fonts()
    if not fonts:
        global _warned_no_cjk_font
        if not _warned_no_cjk_font:
            _warned_no_cjk_font = True
            logger.warning(
                "no font with Chinese glyphs found (tried %s); figure text stays English. "
                "Install one, e.g. fonts-noto-cjk or fonts-wqy-microhei.",
                ", ".join(CJK_FONT_FAMILIES),
            )
        with use_language("en"):
            yield "en"
        return

    # Text objects keep the family list they are created with, so the fonts stay in
    # effect when the figure is saved after the block.
    families = [*fonts, "sans-serif"]
    with matplotlib.rc_context({"font.family": families, "axes.unicode_minus": False}):
        yield _language


def localized_figure(function: _Function) -> _Function:
    """Decorate a function that builds a matplotlib figure to run inside :func:`figure_language`."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with figure_language():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
