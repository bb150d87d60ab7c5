"""The translation layer: every user-facing string goes through :func:`_`.

Messages are English in the source and translated with GNU gettext catalogs
under ``regionkit/locale/<lang>/LC_MESSAGES/regionkit.mo``. The language comes
from :func:`set_language` (the CLI's ``--lang``), else from ``LC_ALL``, ``LC_MESSAGES``
or ``LANG``; English is the default.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "regionkit"
LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED_LANGUAGES = ("en", "zh-CN")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def normalize_language(value: str) -> str:
    """Map a tag such as ``zh_CN.UTF-8``, ``zh-cn`` or ``en_US`` to a supported language.

    Raises
    ------
    ValueError
        If the tag names no supported language.
    """
    tag = value.split(".")[0].split("@")[0].replace("_", "-").lower()
    if tag in ("", "c", "posix") or tag == "en" or tag.startswith("en-"):
        return "en"
    if tag in ("zh", "zh-cn", "zh-hans", "zh-sg") or tag.startswith("zh-hans"):
        return "zh-CN"
    raise ValueError(
        f"language {value!r} is not supported; use one of {', '.join(SUPPORTED_LANGUAGES)}"
    )


def language_from_environment() -> str:
    """Return the language named by ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``, else English."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            try:
                return normalize_language(value)
            except ValueError:
                return "en"
    return "en"


def set_language(language: str | None) -> str:
    """Switch all later messages to ``language`` (or the environment's) and return it."""
    global _translations, _language
    _language = normalize_language(language) if language else language_from_environment()
    if _language == "en":
        _translations = gettext.NullTranslations()
    else:
        catalog_name = _language.replace("-", "_")
        _translations = gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[catalog_name], fallback=True
        )
    return _language


def get_language() -> str:
    """Return the language that messages are shown in now."""
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count ``n``."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (for module-level constants)."""
    return message
