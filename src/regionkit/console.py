"""The rich consoles that commands print to: results on stdout, diagnostics on stderr."""

from __future__ import annotations

from rich.console import Console

#: Tables, summaries and report paths: what the user asked for.
stdout = Console(highlight=False)
#: Progress bars, warnings and errors, kept off stdout so that it can be piped.
stderr = Console(stderr=True, highlight=False)
