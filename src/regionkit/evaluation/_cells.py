"""Joint cell tables: each region's tasks collapsed to counts of distinct label tuples.

A task's cell is the tuple (true label, prediction of model 1, ..., model M). Every
metric of every model depends on a region only through the counts of its cells, so
resampling or permuting tasks reduces to redrawing these counts: at most
``K ** (M + 1)`` numbers per region however many tasks the region has.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from regionkit.evaluation._frame import EncodedPredictions


@dataclass(frozen=True)
class RegionCells:
    """Counts of one region's distinct (true, predicted per model) tuples."""

    counts: np.ndarray
    #: Shape ``(n_models, n_cells)``: each cell's flat confusion-matrix index ``true * K + pred``.
    confusion_index: np.ndarray

    @property
    def n(self) -> int:
        """Number of tasks in the region."""
        return int(self.counts.sum())


def build_region_cells(encoded: EncodedPredictions) -> list[RegionCells]:
    """Return one :class:`RegionCells` per region, in the order of ``encoded.regions``."""
    n_labels = encoded.n_labels
    columns = np.vstack([encoded.region_codes, encoded.y_true, encoded.y_pred])
    radices = [len(encoded.regions), n_labels] + [n_labels] * len(encoded.models)

    if np.prod(np.array(radices, dtype=np.float64)) < 2.0**62:
        # Mixed-radix code of each row, so that one 1-D unique() finds the cells.
        code = np.zeros(columns.shape[1], dtype=np.int64)
        for column, radix in zip(columns, radices, strict=True):
            code = code * radix + column
        unique_codes, counts = np.unique(code, return_counts=True)
        unique_rows = np.empty((len(radices), len(unique_codes)), dtype=np.int64)
        remainder = unique_codes
        for position in range(len(radices) - 1, -1, -1):
            remainder, unique_rows[position] = np.divmod(remainder, radices[position])
    else:
        unique_columns, counts = np.unique(columns.T, axis=0, return_counts=True)
        unique_rows = unique_columns.T

    cells = []
    for region_code in range(len(encoded.regions)):
        selected = unique_rows[0] == region_code
        true_codes = unique_rows[1, selected]
        predicted = unique_rows[2:, selected]
        cells.append(
            RegionCells(
                counts=counts[selected].astype(np.int64),
                confusion_index=true_codes[np.newaxis, :] * n_labels + predicted,
            )
        )
    return cells


def cell_projection(confusion_index: np.ndarray, *, n_labels: int):
    """Return a sparse ``(n_cells, K * K)`` matrix that sums cell counts into a confusion matrix."""
    from scipy import sparse

    n_cells = confusion_index.shape[0]
    return sparse.csr_matrix(
        (np.ones(n_cells, dtype=np.float64), (np.arange(n_cells), confusion_index)),
        shape=(n_cells, n_labels * n_labels),
    )


def confusion_from_counts(counts: np.ndarray, projection, *, n_labels: int) -> np.ndarray:
    """Sum ``(batch, n_cells)`` cell counts into ``(batch, K, K)`` confusion matrices."""
    flat = np.asarray((projection.T @ counts.T).T)
    return np.rint(flat).astype(np.int64).reshape(counts.shape[0], n_labels, n_labels)
