"""Fixtures for the translation tests: the update script, the zh-CN catalog and a fresh template."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

REPOSITORY = Path(__file__).resolve().parents[2]
PO_PATH = REPOSITORY / "src/regionkit/locale/zh_CN/LC_MESSAGES/regionkit.po"


@pytest.fixture(scope="session")
def update_script() -> ModuleType:
    """``scripts/update_catalog.py``, imported by path because it is not part of the package."""
    path = REPOSITORY / "scripts" / "update_catalog.py"
    spec = importlib.util.spec_from_file_location("update_catalog", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def catalog(update_script) -> Catalog:
    """The zh-CN catalog as stored in the repository."""
    return update_script.read_catalog(PO_PATH)


@pytest.fixture(scope="session")
def template(update_script) -> Catalog:
    """The messages extracted from src/regionkit right now."""
    return update_script.extract_template()
