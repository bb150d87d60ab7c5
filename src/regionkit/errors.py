"""Exceptions that the CLI turns into one-line messages and documented exit codes."""

from __future__ import annotations

#: The command finished and every quality gate passed.
EXIT_OK = 0
#: A quality gate failed (validation suite, evaluation thresholds).
EXIT_GATE_FAILED = 1
#: Bad input or usage: a missing file, an invalid option, an unreachable server.
EXIT_BAD_INPUT = 2


class RegionkitError(Exception):
    """Base class for errors that are reported to the user as one line.

    Parameters
    ----------
    message : str
        A complete, already translated sentence that names the bad value and the fix.
    exit_code : int, default=2
        The process exit code the CLI uses for this error.
    """

    def __init__(self, message: str, *, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, exit_code={self.exit_code})"


class InputError(RegionkitError):
    """Invalid user input: a file, an option value, a workflow key (exit code 2)."""


class ConnectionFailed(RegionkitError):
    """The Label Studio server could not be reached or rejected the request (exit code 2)."""


class GateFailed(RegionkitError):
    """A quality gate failed: the data or the model did not meet a threshold (exit code 1)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=EXIT_GATE_FAILED)
