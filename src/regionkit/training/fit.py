"""Fit one Keras classifier with early stopping on a validation metric."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from regionkit.errors import InputError
from regionkit.i18n import _
from regionkit.training._tf import import_tensorflow

logger = logging.getLogger(__name__)


@dataclass
class FitInputs:
    """Training and validation arrays for one model.

    ``x_*`` are embeddings (float32 arrays) for a built-in text head, or lists of
    raw strings (texts, resolved image paths) for a model that takes raw inputs.
    """

    x_train: object
    y_train: np.ndarray
    weight_train: np.ndarray
    x_val: object
    y_val: np.ndarray


def score_predictions(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Return macro-F1 (over the classes in ``y_true`` or ``y_pred``) and accuracy."""
    from sklearn.metrics import accuracy_score, f1_score

    if len(y_true) == 0:
        return {"macro_f1": float("nan"), "accuracy": float("nan"), "n": 0}
    return {
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "n": int(len(y_true)),
    }


def as_model_input(x):
    """Turn lists of strings into string tensors, also inside a dict; return float arrays unchanged.

    Keras 3 ``fit`` and ``predict`` reject numpy arrays of Python strings.
    """
    if isinstance(x, dict):
        return {name: as_model_input(value) for name, value in x.items()}
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return x
    tf, _keras = import_tensorflow()
    return tf.constant([str(value) for value in x], dtype=tf.string)


def select_rows(features, mask: np.ndarray):
    """Return the rows of ``features`` (array, list or dict of them) where ``mask`` is true."""
    if isinstance(features, dict):
        return {name: select_rows(value, mask) for name, value in features.items()}
    if isinstance(features, np.ndarray):
        return features[mask]
    return [value for value, keep in zip(features, mask, strict=False) if keep]


def count_rows(features) -> int:
    """Return the number of rows of ``features`` (array, list or dict of them)."""
    if isinstance(features, dict):
        return count_rows(next(iter(features.values())))
    return len(features)


def freeze_leading_layers(model, count: int) -> None:
    """Freeze the first ``count`` layers that have weights; raise if none would stay trainable."""
    weighted = [layer for layer in _flat_layers(model) if layer.weights]
    for layer in weighted:
        layer.trainable = True
    if count >= len(weighted):
        raise InputError(
            _(
                "frozen_layers={count} freezes every trainable layer ({total}); use a value below {total}."
            ).format(count=count, total=len(weighted))
        )
    for layer in weighted[:count]:
        layer.trainable = False


def _flat_layers(model) -> list:
    flat = []
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:
            flat.extend(_flat_layers(layer))
        else:
            flat.append(layer)
    return flat


def fit_classifier(
    model,
    inputs: FitInputs,
    *,
    learning_rate: float,
    epochs: int,
    batch_size: int,
    patience: int,
    monitor: str,
    seed: int,
    log_dir: Path | None = None,
    on_epoch: Callable[[int, dict], None] | None = None,
) -> list[dict]:
    """Train ``model`` in place, keep the weights of its best validation epoch and return the history.

    The starting weights count as epoch 0, so the result never scores below them on
    the validation split. Without validation rows the model trains for ``epochs``
    epochs and keeps the last weights.

    Returns
    -------
    list of dict
        One entry per epoch: ``epoch``, ``loss``, ``val_macro_f1``, ``val_accuracy``.
    """
    _tf, keras = import_tensorflow()
    keras.utils.set_random_seed(seed)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy"
    )

    x_val = as_model_input(inputs.x_val) if len(inputs.y_val) else None
    history: list[dict] = []
    state = {"best": -np.inf, "weights": None, "wait": 0}

    class ValidationScore(keras.callbacks.Callback):
        """Score the validation split each epoch and stop when it stops improving."""

        def on_epoch_end(self, epoch, logs=None):
            logs = logs if logs is not None else {}
            entry = {"epoch": epoch + 1, "loss": float(logs.get("loss", np.nan))}
            if x_val is not None:
                probabilities = self.model.predict(
                    x_val, batch_size=max(batch_size, 256), verbose=0
                )
                scores = score_predictions(inputs.y_val, probabilities.argmax(axis=1))
                logs["val_macro_f1"] = scores["macro_f1"]
                logs["val_accuracy"] = scores["accuracy"]
                entry.update(val_macro_f1=scores["macro_f1"], val_accuracy=scores["accuracy"])
                if scores[monitor] > state["best"] + 1e-6:
                    state.update(best=scores[monitor], weights=self.model.get_weights(), wait=0)
                else:
                    state["wait"] += 1
                    if state["wait"] >= patience:
                        self.model.stop_training = True
            history.append(entry)
            if on_epoch:
                on_epoch(epoch + 1, entry)

    if x_val is not None:
        # The starting weights compete too, so fine-tuning that never beats the base keeps the base.
        start = model.predict(x_val, batch_size=max(batch_size, 256), verbose=0).argmax(axis=1)
        state.update(
            best=score_predictions(inputs.y_val, start)[monitor], weights=model.get_weights()
        )

    callbacks = [ValidationScore()]
    if log_dir is not None and importlib.util.find_spec("tensorboard") is None:
        logger.warning(
            "TensorBoard is not installed; no logs written to %s (pip install tensorboard)", log_dir
        )
    elif log_dir is not None:
        callbacks.append(keras.callbacks.TensorBoard(log_dir=str(log_dir), write_graph=False))

    model.fit(
        as_model_input(inputs.x_train),
        inputs.y_train,
        sample_weight=inputs.weight_train,
        batch_size=batch_size,
        epochs=epochs,
        shuffle=True,
        callbacks=callbacks,
        verbose=0,
    )
    if state["weights"] is not None:
        model.set_weights(state["weights"])
    logger.info("trained %d epochs, best validation %s %.4f", len(history), monitor, state["best"])
    return history
