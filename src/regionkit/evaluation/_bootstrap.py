"""Stratified bootstrap: every replicate resamples each region's tasks within the region.

Drawing ``n_r`` tasks with replacement from a region and counting their cells has
the same distribution as one multinomial draw of ``n_r`` over the region's cell
frequencies, so a replicate costs O(cells) instead of O(tasks). Replicates are
processed in chunks so that memory stays bounded for any number of tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from regionkit.evaluation._cells import RegionCells, cell_projection, confusion_from_counts
from regionkit.evaluation._confusion import accuracy, macro_f1, per_class_scores

#: Scores kept per replicate; the per-class ones have a trailing label axis.
SCALAR_SCORES = ("accuracy", "macro_f1")
CLASS_SCORES = ("precision", "recall", "f1")
#: Upper bound on the bytes one chunk of replicates allocates (an engineering choice).
CHUNK_BYTES = 32 * 2**20


def score_matrices(matrices: np.ndarray) -> dict[str, np.ndarray]:
    """Compute accuracy, macro-F1 and per-class precision, recall and F1 of a batch."""
    precision, recall, f1, _ = per_class_scores(matrices)
    return {
        "accuracy": accuracy(matrices),
        "macro_f1": macro_f1(matrices),
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


@dataclass(frozen=True)
class BootstrapDistribution:
    """Replicate scores with replicates on the last axis.

    Regions are ``(R, M, B)`` (per class ``(R, M, K, B)``), overall ``(M, B)`` or ``(M, K, B)``.
    """

    regions: dict[str, np.ndarray]
    overall: dict[str, np.ndarray]
    #: Scalar scores of all other regions pooled, per region: ``(R, M, B)``.
    rest: dict[str, np.ndarray]


def chunk_size(cells: Sequence[RegionCells], *, n_models: int, n_labels: int, n_boot: int) -> int:
    """Return the number of replicates per chunk that fits in :data:`CHUNK_BYTES`."""
    largest_region = max(len(region.counts) for region in cells)
    matrices = 2 * len(cells) * n_models * n_labels * n_labels
    per_replicate = 8 * (largest_region + matrices + 4 * len(cells) * n_models * n_labels)
    return int(min(n_boot, max(1, CHUNK_BYTES // per_replicate)))


def stratified_bootstrap(
    cells: Sequence[RegionCells],
    *,
    n_models: int,
    n_labels: int,
    n_boot: int,
    rng: np.random.Generator,
    advance: Callable[[int], None] | None = None,
) -> BootstrapDistribution:
    """Draw ``n_boot`` stratified replicates and score every region, model and the whole.

    Each region draws from its own child generator of ``rng``, so the replicates do
    not depend on the chunk size. ``advance(k)`` is called after each chunk of ``k``
    replicates (for progress bars).
    """
    n_regions = len(cells)
    projections = [
        [
            cell_projection(region.confusion_index[model], n_labels=n_labels)
            for model in range(n_models)
        ]
        for region in cells
    ]
    probabilities = [region.counts / region.counts.sum() for region in cells]
    region_rngs = rng.spawn(n_regions)

    regions = _allocate(n_regions, n_models, n_boot, n_labels)
    overall = {name: array[0] for name, array in _allocate(1, n_models, n_boot, n_labels).items()}
    rest = {name: np.empty((n_regions, n_models, n_boot)) for name in SCALAR_SCORES}

    size = chunk_size(cells, n_models=n_models, n_labels=n_labels, n_boot=n_boot)
    for start in range(0, n_boot, size):
        stop = min(start + size, n_boot)
        matrices = np.empty((n_regions, n_models, stop - start, n_labels, n_labels), dtype=np.int64)
        for index, region in enumerate(cells):
            counts = region_rngs[index].multinomial(
                region.n, probabilities[index], size=stop - start
            )
            for model in range(n_models):
                matrices[index, model] = confusion_from_counts(
                    counts, projections[index][model], n_labels=n_labels
                )

        total = matrices.sum(axis=0)
        _store(regions, score_matrices(matrices), start, stop)
        _store(overall, score_matrices(total), start, stop)
        remainder = total[np.newaxis] - matrices
        rest["accuracy"][:, :, start:stop] = accuracy(remainder)
        rest["macro_f1"][:, :, start:stop] = macro_f1(remainder)
        if advance is not None:
            advance(stop - start)

    return BootstrapDistribution(regions=regions, overall=overall, rest=rest)


def _allocate(n_groups: int, n_models: int, n_boot: int, n_labels: int) -> dict[str, np.ndarray]:
    arrays = {name: np.empty((n_groups, n_models, n_boot)) for name in SCALAR_SCORES}
    arrays.update({name: np.empty((n_groups, n_models, n_labels, n_boot)) for name in CLASS_SCORES})
    return arrays


def _store(
    target: dict[str, np.ndarray], scores: dict[str, np.ndarray], start: int, stop: int
) -> None:
    """Copy a chunk's scores into place; per-class scores arrive as ``(..., b, K)``."""
    for name, values in scores.items():
        if name in CLASS_SCORES:
            values = np.moveaxis(values, -1, -2)
        target[name][..., start:stop] = values


def percentile_interval(replicates: np.ndarray, *, confidence_level: float) -> np.ndarray:
    """Return the percentile bootstrap interval along the last axis, shaped ``(..., 2)``."""
    alpha = 1.0 - confidence_level
    bounds = np.quantile(replicates, [alpha / 2.0, 1.0 - alpha / 2.0], axis=-1)
    return np.moveaxis(bounds, 0, -1)
