"""Significance tests: region against the rest, fine-tuned against base, Holm correction.

Region vs rest is a permutation test. Under the null hypothesis a region's tasks
are exchangeable with the other regions' tasks. The region's confusion matrix is
then a draw of ``n_r`` tasks without replacement from the pooled confusion matrix,
which is one multivariate hypergeometric draw over its K * K cells. The statistic is the metric
of the region minus the metric of the rest. The test is exact for any metric,
macro-F1 included, up to the Monte Carlo error of the finite number of permutations.

Lift is a paired sign-flip (swap) test. Under the null hypothesis the two models
are exchangeable on each task, so each task's two predictions swap with
probability 1/2. In a joint cell table that is one binomial draw per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from regionkit.evaluation._bootstrap import CHUNK_BYTES
from regionkit.evaluation._cells import RegionCells, cell_projection, confusion_from_counts

#: Tolerance for ties between a permuted and the observed statistic (floating-point noise).
TIE_TOLERANCE = 1e-12


def permutation_p_value(observed: float, permuted: np.ndarray) -> float:
    """Return the two-sided Monte Carlo p-value ``(1 + #{|T*| >= |T|}) / (1 + P)``."""
    extreme = np.count_nonzero(np.abs(permuted) >= abs(observed) - TIE_TOLERANCE)
    return float((1 + extreme) / (1 + permuted.size))


def region_vs_rest_p_value(
    region_matrix: np.ndarray,
    total_matrix: np.ndarray,
    *,
    metric: Callable[[np.ndarray], np.ndarray],
    n_permutations: int,
    rng: np.random.Generator,
) -> float:
    """Test whether a region's metric differs from that of all other tasks pooled."""
    n_labels = total_matrix.shape[0]
    n_region = int(region_matrix.sum())
    observed = float(metric(region_matrix) - metric(total_matrix - region_matrix))

    drawn = rng.multivariate_hypergeometric(total_matrix.ravel(), n_region, size=n_permutations)
    drawn = drawn.reshape(n_permutations, n_labels, n_labels)
    permuted = metric(drawn) - metric(total_matrix[np.newaxis] - drawn)
    return permutation_p_value(observed, permuted)


def paired_swap_statistics(
    cells: Sequence[RegionCells],
    *,
    model: int,
    reference: int,
    n_labels: int,
    metric: Callable[[np.ndarray], np.ndarray],
    n_permutations: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Return permuted lift statistics per region ``(R, P)`` and overall ``(P,)``."""
    per_region = np.empty((len(cells), n_permutations))
    overall = np.empty(n_permutations)
    projections = [
        (
            cell_projection(region.confusion_index[model], n_labels=n_labels),
            cell_projection(region.confusion_index[reference], n_labels=n_labels),
        )
        for region in cells
    ]
    largest_region = max(len(region.counts) for region in cells)
    size = int(min(n_permutations, max(1, CHUNK_BYTES // (16 * largest_region + 32 * n_labels**2))))

    for start in range(0, n_permutations, size):
        stop = min(start + size, n_permutations)
        total_model = np.zeros((stop - start, n_labels, n_labels), dtype=np.int64)
        total_reference = np.zeros_like(total_model)
        for index, region in enumerate(cells):
            model_projection, reference_projection = projections[index]
            swapped = rng.binomial(region.counts, 0.5, size=(stop - start, len(region.counts)))
            unswapped = region.counts[np.newaxis] - swapped

            as_model = confusion_from_counts(unswapped, model_projection, n_labels=n_labels)
            as_model += confusion_from_counts(swapped, reference_projection, n_labels=n_labels)
            as_reference = confusion_from_counts(unswapped, reference_projection, n_labels=n_labels)
            as_reference += confusion_from_counts(swapped, model_projection, n_labels=n_labels)

            per_region[index, start:stop] = metric(as_model) - metric(as_reference)
            total_model += as_model
            total_reference += as_reference
        overall[start:stop] = metric(total_model) - metric(total_reference)

    return per_region, overall


def holm_adjust(p_values: Sequence[float]) -> np.ndarray:
    """Return Holm step-down adjusted p-values (family-wise error control, any dependence).

    The i-th smallest of m p-values is multiplied by ``m - i + 1`` (i from 1), the
    results are made non-decreasing in that order and capped at 1.
    """
    values = np.asarray(p_values, dtype=np.float64)
    if values.size == 0:
        return values
    order = np.argsort(values, kind="stable")
    multipliers = values.size - np.arange(values.size)
    stepped = np.maximum.accumulate(values[order] * multipliers)
    adjusted = np.empty_like(values)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted
