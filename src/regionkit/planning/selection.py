"""Choose tasks within a region: the ones the model is least sure about, without near-duplicates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from regionkit.errors import InputError
from regionkit.i18n import _

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

UNCERTAINTY_METHODS = ("margin", "entropy")

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


PREDICTION_COLUMNS = ("task_id", "y_pred", "confidence")


def require_prediction_columns(predictions: pd.DataFrame) -> None:
    """Raise :class:`InputError` naming the ``predict_frame`` columns that ``predictions`` lacks."""
    missing = [column for column in PREDICTION_COLUMNS if column not in predictions.columns]
    if missing:
        raise InputError(
            _(
                "The predictions lack the columns {columns}; pass the output of predict_frame."
            ).format(columns=", ".join(missing))
        )


def probability_columns(predictions: pd.DataFrame, labels: Sequence[str]) -> list[str]:
    """Return the ``p.<label>`` columns in ``labels`` order.

    Raises
    ------
    InputError
        If a label has no probability column.
    """
    columns = [f"p.{label}" for label in labels]
    missing = [column for column in columns if column not in predictions.columns]
    if missing:
        raise InputError(
            _(
                "The predictions lack the probability columns {columns}; pass the output of "
                "predict_frame."
            ).format(columns=", ".join(missing))
        )
    return columns


def uncertainty(probabilities: np.ndarray, *, method: str) -> np.ndarray:
    """Score each row's uncertainty in [0, 1]; higher means the model is less sure.

    ``margin`` is ``1 - (p_first - p_second)``; ``entropy`` is the Shannon entropy
    divided by ``log(n_labels)``.
    """
    import numpy as np

    if method not in UNCERTAINTY_METHODS:
        raise InputError(
            _("uncertainty={value!r} is not valid; use one of {allowed}.").format(
                value=method, allowed=", ".join(UNCERTAINTY_METHODS)
            )
        )
    p = np.clip(np.asarray(probabilities, dtype="float64"), 0.0, 1.0)
    if p.shape[1] < 2:
        return np.zeros(p.shape[0])
    if method == "margin":
        top_two = np.sort(p, axis=1)[:, -2:]
        return 1.0 - (top_two[:, 1] - top_two[:, 0])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(p), 0.0)
    return terms.sum(axis=1) / np.log(p.shape[1])


def normalize_text(text: str) -> str:
    """Lower-case ``text`` and drop URLs, @mentions, punctuation and extra spaces."""
    text = _URL.sub(" ", str(text).lower())
    text = _MENTION.sub(" ", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def choose_diverse(
    ordered_texts: Sequence[str], *, quota: int, similarity: float
) -> tuple[list[int], int]:
    """Walk the candidates in priority order and keep up to ``quota``, skipping near-duplicates.

    Two texts are near-duplicates when the cosine similarity of their character 3-5
    gram TF-IDF vectors (after :func:`normalize_text`) is at least ``similarity``.
    Returns the chosen positions and the number of candidates skipped as duplicates.
    """
    total = len(ordered_texts)
    if quota <= 0 or total == 0:
        return [], 0
    # Start with a window a bit larger than the quota and double it while skipped
    # near-duplicates leave the quota unfilled.
    window = min(total, 2 * quota + 50)
    while True:
        chosen, skipped = _greedy_window(
            [normalize_text(t) for t in ordered_texts[:window]], quota, similarity
        )
        if len(chosen) >= quota or window >= total:
            return chosen, skipped
        window = min(total, window * 2)


def _greedy_window(texts: list[str], quota: int, similarity: float) -> tuple[list[int], int]:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=1).fit_transform(
            texts
        )
    except ValueError:
        # Every text is empty after normalization: nothing to compare.
        return list(range(min(quota, len(texts)))), 0
    vectors = vectors.tocsr()
    blocked = np.zeros(len(texts), dtype=bool)
    chosen: list[int] = []
    skipped = 0
    for index in range(len(texts)):
        if len(chosen) >= quota:
            break
        if blocked[index]:
            skipped += 1
            continue
        chosen.append(index)
        if texts[index]:
            # TF-IDF rows are L2-normalized, so the dot product is the cosine similarity.
            similarities = (vectors @ vectors[index].T).toarray().ravel()
            blocked |= similarities >= similarity
    return chosen, skipped
