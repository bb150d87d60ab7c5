"""Confusion matrices and the metrics derived from them, batched over replicates.

Every metric here is a function of a confusion matrix, so one code path serves the
point estimate (a batch of one) and all bootstrap or permutation replicates at once.
Rows of a confusion matrix are true labels and columns are predicted labels, as in
:func:`sklearn.metrics.confusion_matrix`.
"""

from __future__ import annotations

import numpy as np


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, *, n_labels: int) -> np.ndarray:
    """Count (true, predicted) pairs of label codes into an ``(n_labels, n_labels)`` matrix."""
    codes = y_true.astype(np.int64) * n_labels + y_pred.astype(np.int64)
    counts = np.bincount(codes, minlength=n_labels * n_labels)
    return counts.reshape(n_labels, n_labels)


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Divide elementwise, giving 0 where the denominator is 0 (scikit-learn's zero_division=0)."""
    result = np.zeros(np.broadcast(numerator, denominator).shape, dtype=np.float64)
    np.divide(numerator, denominator, out=result, where=denominator != 0)
    return result


def accuracy(matrices: np.ndarray) -> np.ndarray:
    """Return the accuracy of each matrix in a ``(..., K, K)`` batch."""
    correct = np.trace(matrices, axis1=-2, axis2=-1)
    total = matrices.sum(axis=(-2, -1))
    return _safe_divide(correct, total)


def per_class_scores(matrices: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return precision, recall, F1 and support per class, each shaped ``(..., K)``."""
    true_positives = np.diagonal(matrices, axis1=-2, axis2=-1).astype(np.float64)
    support = matrices.sum(axis=-1)
    predicted = matrices.sum(axis=-2)

    precision = _safe_divide(true_positives, predicted)
    recall = _safe_divide(true_positives, support)
    # F1 = 2TP / (2TP + FP + FN) equals the harmonic mean of precision and recall
    # and stays defined (0) when a class is never predicted.
    f1 = _safe_divide(2.0 * true_positives, support + predicted)
    return precision, recall, f1, support


def macro_f1(matrices: np.ndarray) -> np.ndarray:
    """Return macro-F1 of each matrix in a ``(..., K, K)`` batch.

    The average runs over the labels that occur in the true or the predicted labels
    of that matrix, which is what :func:`sklearn.metrics.f1_score` does with
    ``average="macro"`` and ``labels=None``. A label absent from a region (or from
    one bootstrap replicate) therefore does not count as an F1 of 0.
    """
    _, _, f1, support = per_class_scores(matrices)
    present = (support + matrices.sum(axis=-2)) > 0
    n_present = present.sum(axis=-1)
    return _safe_divide((f1 * present).sum(axis=-1), n_present)


#: Metric name -> function of a ``(..., K, K)`` batch of confusion matrices.
METRIC_FUNCTIONS = {"accuracy": accuracy, "macro_f1": macro_f1}
