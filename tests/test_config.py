"""Label Studio settings resolve from arguments, environment and config file; keys stay hidden."""

from __future__ import annotations

import pytest

from regionkit.config import label_studio_settings
from regionkit.errors import InputError


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    monkeypatch.setenv("REGIONKIT_CONFIG", str(tmp_path / "config.toml"))
    return tmp_path / "config.toml"


def test_environment_beats_config_file(clean_environment, monkeypatch):
    clean_environment.write_text('[label_studio]\nurl = "http://127.0.0.1:1"\napi_key = "file-key"\n')
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://127.0.0.1:2/")
    settings = label_studio_settings()
    assert settings.url == "http://127.0.0.1:2"
    assert settings.api_key == "file-key"


def test_repr_hides_api_key(clean_environment, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://127.0.0.1:2")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "secret-token-value")
    assert "secret-token-value" not in repr(label_studio_settings())


def test_missing_key_names_variable(clean_environment, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://127.0.0.1:2")
    with pytest.raises(InputError, match="LABEL_STUDIO_API_KEY"):
        label_studio_settings()


def test_invalid_config_file_is_one_clear_error(clean_environment):
    clean_environment.write_text("[label_studio\n")
    with pytest.raises(InputError, match="not valid TOML"):
        label_studio_settings(url="http://127.0.0.1:2", api_key="k")
