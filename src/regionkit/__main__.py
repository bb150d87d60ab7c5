"""Allow ``python -m regionkit``."""

from regionkit.cli import run

run()
