"""Base models and fine-tuning with TensorFlow/Keras.

Public API:

- :func:`train_models` trains the base model, fine-tunes it (``joint`` or
  ``per-region``), fits a TF-IDF baseline and writes a model directory.
- :func:`predict_frame` runs the saved models on tasks and returns long-form predictions.
- :func:`load_model` loads a saved ``.keras`` file with ``safe_mode=True``.

TensorFlow is imported only when a function runs, not when this package is imported.
"""

from regionkit.training.data import TrainingData, load_validated
from regionkit.training.models import load_model
from regionkit.training.predict import MODEL_NAMES, predict_frame, read_manifest
from regionkit.training.settings import TrainingResult, TrainingSettings
from regionkit.training.train import train_models

__all__ = [
    "MODEL_NAMES",
    "TrainingData",
    "TrainingResult",
    "TrainingSettings",
    "load_model",
    "load_validated",
    "predict_frame",
    "read_manifest",
    "train_models",
]
