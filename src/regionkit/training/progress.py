"""Rich progress for training: embedding, epochs per model and single steps."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from regionkit.console import stderr
from regionkit.i18n import _


class TrainingProgress:
    """A rich progress display on stderr, live while the ``with`` block runs."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[score]}"),
            TimeElapsedColumn(),
            console=stderr,
            transient=False,
        )
        self._embedding_task = None

    def __enter__(self) -> TrainingProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._progress.stop()

    def embedding(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` distinct texts embedded."""
        if self._embedding_task is None:
            self._embedding_task = self._progress.add_task(
                _("Embedding texts"), total=total, score=""
            )
        self._progress.update(self._embedding_task, completed=done, total=total)

    @contextlib.contextmanager
    def fitting(self, title: str, epochs: int) -> Iterator[Callable[[int, dict], None]]:
        """Yield a per-epoch callback that advances a bar of at most ``epochs`` epochs."""
        task = self._progress.add_task(title, total=epochs, score="")
        finished = {"epochs": 0}

        def on_epoch(epoch: int, entry: dict) -> None:
            score = entry.get("val_macro_f1")
            text = _("val macro-F1 {score:.3f}").format(score=score) if score is not None else ""
            finished["epochs"] = epoch
            self._progress.update(task, completed=epoch, score=text)

        yield on_epoch
        # Early stopping ends before ``epochs``; show the bar as complete.
        self._progress.update(
            task, total=max(finished["epochs"], 1), completed=max(finished["epochs"], 1)
        )

    @contextlib.contextmanager
    def step(self, title: str) -> Iterator[None]:
        """Show one step without a known length."""
        task = self._progress.add_task(title, total=1, score="")
        yield
        self._progress.update(task, completed=1)

    def note(self, message: str) -> None:
        """Print a line above the progress bars."""
        self._progress.console.print(message, markup=False)
