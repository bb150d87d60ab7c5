"""The client factory retries transient failures and fails with one clear line."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from regionkit.config import LabelStudioSettings
from regionkit.errors import ConnectionFailed, InputError
from regionkit.labelstudio import client


class _Unavailable(BaseHTTPRequestHandler):
    """An HTTP handler that returns 503 to every request: a fault the real server cannot be made to produce."""

    requests = 0

    def do_GET(self):  # noqa: N802 - the http.server hook name
        type(self).requests += 1
        body = b'{"detail": "maintenance"}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_5xx_is_retried_then_reported(monkeypatch):
    monkeypatch.setattr(client, "BACKOFF_BASE_S", 0.01)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with pytest.raises(ConnectionFailed, match=r"failed after 3 attempts \(HTTP 503\)"):
            client.connect(LabelStudioSettings(url=url, api_key="k" * 40), retries=2)
    finally:
        server.shutdown()
    assert _Unavailable.requests == 3


class _Slow(BaseHTTPRequestHandler):
    """An HTTP handler that stalls past the client timeout: a fault the real server cannot be made to produce."""

    def do_GET(self):  # noqa: N802 - the http.server hook name
        time.sleep(1.0)

    def log_message(self, *args):
        pass


def test_timeout_is_retried_then_reported(monkeypatch):
    monkeypatch.setattr(client, "BACKOFF_BASE_S", 0.01)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with pytest.raises(ConnectionFailed, match=r"failed after 2 attempts \(timed out\)"):
            client.connect(LabelStudioSettings(url=url, api_key="k" * 40), timeout=0.2, retries=1)
    finally:
        server.shutdown()


def test_connect_checks_arguments():
    settings = LabelStudioSettings(url="http://127.0.0.1:1", api_key="k")
    with pytest.raises(InputError, match="timeout"):
        client.connect(settings, timeout=0)
    with pytest.raises(InputError, match="retries"):
        client.connect(settings, retries=-1)
    with pytest.raises(InputError, match="must start with http"):
        client.connect(LabelStudioSettings(url="127.0.0.1:8080", api_key="k"))


def test_connect_with_admin_token(label_studio):
    sdk = client.connect(LabelStudioSettings(url=label_studio.url, api_key=label_studio.token))
    assert sdk.users.whoami().email == "admin@regionkit.test"
