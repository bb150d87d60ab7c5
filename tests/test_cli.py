"""The CLI shell: commands listed, version, exit codes, one-line errors, fast start."""

from __future__ import annotations

import subprocess
import sys

import pytest

from regionkit import __version__
from regionkit.cli import COMMAND_MODULES, main
from regionkit.errors import EXIT_BAD_INPUT, EXIT_GATE_FAILED, GateFailed, InputError


def test_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    output = capsys.readouterr().out
    for name in COMMAND_MODULES:
        assert name in output


def test_help_documents_exit_codes(capsys):
    main(["--help"])
    output = " ".join(capsys.readouterr().out.split())
    assert "0 success" in output
    assert "1 a quality gate failed" in output
    assert "2 bad input or usage" in output


def test_version_prints_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"regionkit {__version__}"


def test_unknown_option_exits_2(capsys):
    assert main(["--no-such-option"]) == EXIT_BAD_INPUT


def test_unsupported_language_exits_2(capsys):
    assert main(["--lang", "xx", "--help"]) == EXIT_BAD_INPUT
    assert "xx" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "code"),
    [(InputError("bad value 'x'; use 'y'."), EXIT_BAD_INPUT), (GateFailed("gap too large"), EXIT_GATE_FAILED)],
)
def test_errors_become_one_line_and_exit_code(monkeypatch, capsys, error, code):
    import typer

    import regionkit.cli as cli

    real_build = cli.build_app

    def build_with_failing_command() -> typer.Typer:
        app = real_build()

        @app.command("explode")
        def explode() -> None:
            raise error

        return app

    monkeypatch.setattr(cli, "build_app", build_with_failing_command)
    assert cli.main(["explode"]) == code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert error.message in " ".join(captured.err.split())


def test_cli_start_imports_no_heavy_library():
    heavy = ("tensorflow", "great_expectations", "pandas", "sklearn", "matplotlib", "label_studio_sdk")
    probe = (
        "import sys, regionkit.cli as cli; cli.build_app(); "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_console_script_runs_as_module():
    result = subprocess.run(
        [sys.executable, "-m", "regionkit", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert __version__ in result.stdout
