"""The scikit-learn baseline trained beside the Keras models on the same split.

Text: TF-IDF of character 1-4-grams (within word boundaries) and word 1-2-grams,
then a class-balanced logistic regression. Images: grey pixels at 16 x 16, then
the same logistic regression.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

#: File name of the pickled baseline inside ``baseline/``.
BASELINE_FILE = "model.joblib"


class ImagePixels(TransformerMixin, BaseEstimator):
    """Resolved image paths to flattened grey pixel values in [0, 1]."""

    def __init__(self, size: int = 16) -> None:
        self.size = size

    def fit(self, X, y=None):
        """Do nothing; the transform has no state."""
        return self

    def transform(self, X):
        """Read, convert to grey and resize each image."""
        from PIL import Image

        rows = []
        for path in X:
            with Image.open(path) as image:
                grey = image.convert("L").resize((self.size, self.size))
                rows.append(np.asarray(grey, dtype=np.float32).reshape(-1) / 255.0)
        return np.stack(rows) if rows else np.zeros((0, self.size * self.size), dtype=np.float32)


def build_baseline(input_type: str, *, seed: int):
    """Return an unfitted baseline pipeline for ``Text`` or ``Image`` inputs."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    classifier = LogisticRegression(
        C=2.0, class_weight="balanced", max_iter=2000, random_state=seed
    )
    if input_type == "Image":
        return make_pipeline(ImagePixels(), classifier)
    features = FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(1, 4),
                    min_df=2,
                    sublinear_tf=True,
                    max_features=200_000,
                ),
            ),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    min_df=2,
                    sublinear_tf=True,
                    max_features=100_000,
                ),
            ),
        ]
    )
    return make_pipeline(features, classifier)


def fit_baseline(inputs: list[str], y: np.ndarray, *, input_type: str, seed: int):
    """Fit and return the baseline on raw inputs and label indices."""
    pipeline = build_baseline(input_type, seed=seed)
    pipeline.fit(list(inputs), y)
    return pipeline


def baseline_probabilities(pipeline, inputs: list[str], n_labels: int) -> np.ndarray:
    """Return an (n, n_labels) probability array, with zeros for classes absent from training."""
    probabilities = np.zeros((len(inputs), n_labels), dtype=np.float64)
    if len(inputs) == 0:
        return probabilities
    probabilities[:, pipeline.classes_.astype(int)] = pipeline.predict_proba(list(inputs))
    return probabilities


def save_baseline(pipeline, path: Path) -> Path:
    """Pickle ``pipeline`` with joblib."""
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, path)
    return path


def load_baseline(path: Path):
    """Load a pickled baseline.

    NOTE: joblib runs pickle, so load only model directories that you trust.
    """
    import joblib

    return joblib.load(path)
