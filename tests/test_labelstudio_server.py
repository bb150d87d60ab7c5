"""The test run's Label Studio server is real, local and reachable with the admin token."""

from __future__ import annotations

import json
import urllib.request


def test_server_health_answers_up(label_studio):
    with urllib.request.urlopen(f"{label_studio.url}/health/", timeout=10) as response:
        assert json.load(response) == {"status": "UP"}


def test_server_binds_loopback_only(label_studio):
    assert label_studio.url.startswith("http://127.0.0.1:")


def test_admin_token_authenticates(ls_client):
    user = ls_client.users.whoami()
    assert user.email == "admin@regionkit.test"
