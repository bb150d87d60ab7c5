"""Start and stop a real Label Studio server on 127.0.0.1 for the test run.

Label Studio runs from its own virtualenv (``make labelstudio`` builds
``.venv-labelstudio``); ``REGIONKIT_LABEL_STUDIO_BIN`` points at its
``label-studio`` executable. The first start on an empty data directory runs
several hundred migrations (30-75 s on 2 cores with label-studio 1.23.2), so a
migrated data directory is kept beside the executable's virtualenv and copied
for each run, which then starts in seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ADMIN_EMAIL = "admin@regionkit.test"
ADMIN_PASSWORD = "regionkit-test-password"
# A fixed legacy API token (40 hex characters, the shape Label Studio issues) for the admin.
ADMIN_TOKEN = "0123456789abcdef0123456789abcdef01234567"

STARTUP_TIMEOUT_S = 240


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_environment(data_dir: Path, document_root: Path) -> dict[str, str]:
    """Return an environment that keeps the server offline and free of stray settings."""
    environment = {
        key: value
        for key, value in os.environ.items()
        # Label Studio reads these plain names too; a developer's shell may set them.
        if key not in {"HOST", "PORT", "USERNAME", "PASSWORD", "DEBUG"}
        and not key.startswith("LABEL_STUDIO_")
    }
    environment.update(
        {
            "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
            "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
            "SENTRY_DSN": "",
            "FRONTEND_SENTRY_DSN": "",
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED": "true",
            "LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT": str(document_root),
            "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
            "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return environment


@dataclass
class LabelStudioServer:
    """A Label Studio process bound to 127.0.0.1 with a known admin and legacy token."""

    executable: Path
    data_dir: Path
    document_root: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = field(default=None, repr=False)
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token(self) -> str:
        return ADMIN_TOKEN

    def start(self) -> None:
        """Start the server and wait until ``/health/`` returns UP on our port."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.document_root.mkdir(parents=True, exist_ok=True)
        self.log_path = self.data_dir / "server.log"
        command = [
            str(self.executable),
            "start",
            "--no-browser",
            "--internal-host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            "--username",
            ADMIN_EMAIL,
            "--password",
            ADMIN_PASSWORD,
            "--user-token",
            ADMIN_TOKEN,
            "--enable-legacy-api-token",
            "--log-level",
            "WARNING",
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_server_environment(self.data_dir, self.document_root),
            cwd=self.data_dir,
            start_new_session=True,
        )
        self._wait_until_healthy()

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"Label Studio exited with code {self.process.returncode}; see {self.log_path}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/health/", timeout=2) as response:
                    if json.load(response).get("status") == "UP":
                        return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"Label Studio did not answer on {self.url} within {STARTUP_TIMEOUT_S} s "
            f"(it moves to the next port silently if {self.port} is taken); see {self.log_path}"
        )

    def stop(self) -> None:
        """Stop the server and every process it started."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def migrated_template(executable: Path) -> Path:
    """Return a migrated data directory for this Label Studio install, creating it once."""
    template = executable.parent.parent / "regionkit-migrated-data"
    if (template / ".complete").exists():
        return template
    staging = template.with_name(template.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    server = LabelStudioServer(executable, staging, staging / "files")
    server.start()
    server.stop()
    (staging / "server.log").unlink(missing_ok=True)
    (staging / ".complete").touch()
    shutil.rmtree(template, ignore_errors=True)
    staging.rename(template)
    return template


def start_server(executable: Path, work_dir: Path) -> LabelStudioServer:
    """Start a server on a fresh copy of the migrated data directory under ``work_dir``."""
    template = migrated_template(executable)
    data_dir = work_dir / "label-studio-data"
    shutil.copytree(template, data_dir)
    server = LabelStudioServer(executable, data_dir, work_dir / "files")
    server.start()
    return server
