"""Shared fixtures: the real Label Studio server, its SDK client and sample paths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from labelstudio_server import LabelStudioServer, start_server

REPOSITORY = Path(__file__).resolve().parent.parent
SAMPLES = REPOSITORY / "samples"


def _label_studio_executable() -> Path:
    configured = os.environ.get("REGIONKIT_LABEL_STUDIO_BIN")
    executable = Path(configured) if configured else REPOSITORY / ".venv-labelstudio/bin/label-studio"
    if not executable.exists():
        pytest.fail(
            f"Label Studio executable {executable} not found; run 'make labelstudio' "
            "or set REGIONKIT_LABEL_STUDIO_BIN",
            pytrace=False,
        )
    return executable


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabelStudioServer]:
    """A real Label Studio server on 127.0.0.1, shared by the whole test run."""
    server = start_server(_label_studio_executable(), tmp_path_factory.mktemp("label-studio"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def ls_client(label_studio: LabelStudioServer):
    """A label-studio-sdk client authenticated as the server's admin."""
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=label_studio.url, api_key=label_studio.token, timeout=120)


@pytest.fixture
def label_studio_env(label_studio: LabelStudioServer, monkeypatch: pytest.MonkeyPatch) -> LabelStudioServer:
    """Point ``LABEL_STUDIO_URL`` and ``LABEL_STUDIO_API_KEY`` at the test server."""
    monkeypatch.setenv("LABEL_STUDIO_URL", label_studio.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", label_studio.token)
    monkeypatch.setenv("REGIONKIT_CONFIG", str(Path(os.devnull)))
    return label_studio


@pytest.fixture(scope="session")
def umsab_export() -> Path:
    """The bundled UMSAB Label Studio export (24,264 tasks, 8 locales)."""
    return SAMPLES / "umsab" / "umsab-export.json.gz"


@pytest.fixture(scope="session")
def umsab_labeling_config() -> Path:
    """The labeling config of the UMSAB project (Text ``text``, Choices ``sentiment``)."""
    return SAMPLES / "umsab" / "labeling-config.xml"


@pytest.fixture(scope="session")
def label_studio_samples() -> Path:
    """A real 5-task project exported in every text format."""
    return SAMPLES / "label-studio"
