"""The ``regionkit`` command line: a thin shell over the library's Python API.

Start-up stays fast because command modules import pandas, TensorFlow and
Great Expectations inside the command functions, never at module level.
"""

from __future__ import annotations

import errno
import logging
import sys
from collections.abc import Sequence
from typing import Annotated, Optional

import typer

try:  # Typer 0.2x vendors its own copy of click; older releases use click itself.
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - depends on the installed Typer
    from click import exceptions as click_exceptions

from regionkit import __version__
from regionkit.console import stderr
from regionkit.errors import EXIT_BAD_INPUT, RegionkitError
from regionkit.i18n import _, set_language

#: Exit code for an unexpected internal error (a bug in regionkit).
EXIT_INTERNAL_ERROR = 3
#: Exit code after Ctrl-C; the conventional 128 + SIGINT.
EXIT_INTERRUPTED = 130
#: OS errors that the user fixes (permissions, a read-only or full disk), reported with exit code 2.
_FILE_SYSTEM_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT})

COMMAND_MODULES = ("sync", "validate", "train", "evaluate", "run", "init", "push", "plan")

logger = logging.getLogger("regionkit")


def _exit_codes_help() -> str:
    return _(
        "Exit codes: 0 success; 1 a quality gate failed; 2 bad input or usage; "
        "3 internal error; 130 interrupted."
    )


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"regionkit {__version__}")
        raise typer.Exit()


def _root_callback(
    version: Annotated[
        Optional[bool],
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help=_("Print the version and exit."),
        ),
    ] = None,
    lang: Annotated[
        Optional[str],
        typer.Option(
            "--lang",
            help=_("Language of messages and reports: en or zh-CN (default: from LC_ALL or LANG)."),
        ),
    ] = None,
    verbose: Annotated[
        int,
        typer.Option("--verbose", "-v", count=True, help=_("Log diagnostics to stderr; repeat for debug.")),
    ] = 0,
) -> None:
    levels = {0: logging.WARNING, 1: logging.INFO}
    level = levels.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("regionkit").setLevel(level)


def build_app() -> typer.Typer:
    """Create the Typer application with every command registered."""
    app = typer.Typer(
        name="regionkit",
        help=_(
            "Sync regional data from Label Studio, validate it with Great Expectations, "
            "fine-tune a TensorFlow model and report per-region accuracy gaps."
        ),
        epilog=_exit_codes_help(),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        rich_markup_mode="rich",
    )
    app.callback()(_root_callback)

    import importlib

    for name in COMMAND_MODULES:
        module = importlib.import_module(f"regionkit.commands.{name}")
        module.register(app)
    return app


def _language_from_arguments(arguments: Sequence[str]) -> str | None:
    """Find ``--lang`` before the app is built, so that help texts are translated too."""
    for index, argument in enumerate(arguments):
        if argument == "--lang" and index + 1 < len(arguments):
            return arguments[index + 1]
        if argument.startswith("--lang="):
            return argument.split("=", 1)[1]
    return None


def _print_error(message: str) -> None:
    from rich.markup import escape

    # Messages name user values such as '[label_studio]' that rich would read as markup tags.
    label = _("Error")  # outside the f-string, where Babel's extractor can find it
    stderr.print(f"[bold red]{label}:[/] {escape(message)}", markup=True, highlight=False, soft_wrap=True)


def _internal_error(error: Exception) -> int:
    """Report an unexpected exception (a bug in regionkit) in one line, with the traceback at -vv."""
    logger.debug("internal error", exc_info=True)
    _print_error(
        _("Internal error: {error}. Rerun with -vv for the traceback and report it.").format(
            error=f"{type(error).__name__}: {error}"
        )
    )
    if logger.isEnabledFor(logging.DEBUG):
        import traceback

        traceback.print_exc()
    return EXIT_INTERNAL_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        set_language(_language_from_arguments(arguments))
    except ValueError as error:
        _print_error(str(error))
        return EXIT_BAD_INPUT

    app = build_app()
    command = typer.main.get_command(app)
    try:
        result = command.main(args=arguments, prog_name="regionkit", standalone_mode=False)
    except typer.Exit as stop:
        return stop.exit_code
    except typer.Abort:
        _print_error(_("Interrupted; run the same command again to resume."))
        return EXIT_INTERRUPTED
    except click_exceptions.ClickException as error:
        error.show()
        return EXIT_BAD_INPUT
    except RegionkitError as error:
        _print_error(error.message)
        return error.exit_code
    except KeyboardInterrupt:
        _print_error(_("Interrupted; run the same command again to resume."))
        return EXIT_INTERRUPTED
    except OSError as error:
        if error.errno not in _FILE_SYSTEM_ERRNOS:
            return _internal_error(error)
        logger.debug("file system error", exc_info=True)
        _print_error(
            _(
                "Cannot read or write {path} ({reason}); fix its permissions or free space, "
                "or choose another path."
            ).format(path=error.filename, reason=error.strerror)
        )
        return EXIT_BAD_INPUT
    except Exception as error:  # noqa: BLE001 - last resort: one line instead of a traceback
        return _internal_error(error)
    if result == EXIT_INTERRUPTED:
        # Typer catches Ctrl-C inside a command and returns 130 without a message.
        _print_error(_("Interrupted; run the same command again to resume."))
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
