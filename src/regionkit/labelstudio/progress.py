"""Rich progress bars for sync, on :data:`regionkit.console.stderr`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator


class SyncProgress:
    """Start progress bars for downloads, file reads and task pages; does nothing when disabled."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled

    @contextlib.contextmanager
    def _bar(
        self, description: str, total: float | None, *, as_bytes: bool
    ) -> Iterator[Callable[..., None]]:
        from regionkit.console import stderr

        if not self.enabled or not stderr.is_terminal:
            yield lambda *args, **kwargs: None
            return

        from rich.progress import (
            BarColumn,
            DownloadColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        amount = DownloadColumn() if as_bytes else MofNCompleteColumn()
        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            amount,
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=stderr, transient=True) as bar:
            task = bar.add_task(description, total=total)

            def update(completed: float, total: float | None = None) -> None:
                if total is not None:
                    bar.update(task, completed=completed, total=total)
                else:
                    bar.update(task, completed=completed)

            yield update

    def bytes_task(
        self, description: str, total: int | None
    ) -> contextlib.AbstractContextManager[Callable[..., None]]:
        """A bar over ``total`` bytes; the callback takes the bytes done so far."""
        return self._bar(description, total, as_bytes=True)

    def count_task(
        self, description: str, total: int | None
    ) -> contextlib.AbstractContextManager[Callable[..., None]]:
        """A bar over ``total`` items; the callback takes the items done (and optionally a new total)."""
        return self._bar(description, total, as_bytes=False)
