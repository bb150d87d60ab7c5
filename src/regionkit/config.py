"""Connection settings for Label Studio, read from the environment or a config file.

The API key is a secret: it is read from ``LABEL_STUDIO_API_KEY`` or from the
``[label_studio]`` table of the config file, and never printed, logged or written
into a snapshot or report. ``repr()`` of the settings shows it redacted.

The config file is ``$REGIONKIT_CONFIG`` if set, else
``$XDG_CONFIG_HOME/regionkit/config.toml`` (``~/.config/regionkit/config.toml``)::

    [label_studio]
    url = "http://127.0.0.1:8080"
    api_key = "..."
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from regionkit.errors import InputError
from regionkit.i18n import _

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

URL_VARIABLE = "LABEL_STUDIO_URL"
API_KEY_VARIABLE = "LABEL_STUDIO_API_KEY"
CONFIG_VARIABLE = "REGIONKIT_CONFIG"


@dataclass(frozen=True)
class LabelStudioSettings:
    """Label Studio server URL and API key (a legacy token or a Personal Access Token)."""

    url: str
    api_key: str = field(repr=False)

    def __repr__(self) -> str:
        return f"LabelStudioSettings(url={self.url!r}, api_key='***')"


def config_path() -> Path:
    """Return the path of the user's config file (it may not exist)."""
    explicit = os.environ.get(CONFIG_VARIABLE)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "regionkit" / "config.toml"


def read_config_file(path: Path | None = None) -> dict:
    """Return the parsed config file, or an empty dict when it does not exist.

    Raises
    ------
    InputError
        If the file exists but is not valid TOML.
    """
    path = path or config_path()
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise InputError(
            _("Config file {path} is not valid TOML ({error}); fix the syntax or remove the file.").format(
                path=path, error=error
            )
        ) from None


def label_studio_settings(*, url: str | None = None, api_key: str | None = None) -> LabelStudioSettings:
    """Resolve the server URL and API key: explicit values, then environment, then config file.

    Raises
    ------
    InputError
        If no URL or no API key can be found.
    """
    table = read_config_file().get("label_studio", {})
    resolved_url = url or os.environ.get(URL_VARIABLE) or table.get("url")
    resolved_key = api_key or os.environ.get(API_KEY_VARIABLE) or table.get("api_key")
    if not resolved_url:
        raise InputError(
            _("No Label Studio URL is set; set {variable} or 'url' under [label_studio] in {path}.").format(
                variable=URL_VARIABLE, path=config_path()
            )
        )
    if not resolved_key:
        raise InputError(
            _("No Label Studio API key is set; set {variable} or 'api_key' under [label_studio] in {path}.").format(
                variable=API_KEY_VARIABLE, path=config_path()
            )
        )
    return LabelStudioSettings(url=str(resolved_url).rstrip("/"), api_key=str(resolved_key))
