"""Build, check, save and load the Keras models that regionkit trains.

A built-in text model is ``string input -> SentenceEncoder -> head``, where the
head (a nested model named ``head``) is the only trainable part, so training
runs on cached embeddings. A built-in image model and a user's base model are
trained whole on raw inputs.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import numpy as np

from regionkit.errors import InputError
from regionkit.i18n import _
from regionkit.training._tf import import_tensorflow

logger = logging.getLogger(__name__)

#: Name of the nested head model inside a built-in text model.
HEAD_NAME = "head"
#: Name of the encoder layer inside a built-in text model.
ENCODER_NAME = "encoder"


def _layers():
    from regionkit.training import layers

    return layers


def build_text_head(
    *, n_labels: int, hidden_units: int, dropout: float, ngram_buckets: int, seed: int
):
    """Return an uncompiled head that maps an embedding (and the raw text) to probabilities.

    The embedding goes through a hidden ReLU layer and dropout to one logit per label.
    With ``ngram_buckets > 0`` the raw text adds a linear branch on hashed character and
    word n-grams (fastText-like) whose logits are summed with the embedding's, and the
    head takes ``{"embedding": ..., "text": ...}``.
    """
    from regionkit.training.encoder import EMBEDDING_DIM

    _tf, keras = import_tensorflow()
    layers = _layers()
    keras.utils.set_random_seed(seed)
    embedding = keras.Input(shape=(EMBEDDING_DIM,), name="embedding")
    hidden = keras.layers.Dense(hidden_units, activation="relu", name="hidden")(embedding)
    hidden = keras.layers.Dropout(dropout, seed=seed, name="dropout")(hidden)
    logits = keras.layers.Dense(n_labels, name="embedding_logits")(hidden)
    inputs: object = embedding
    if ngram_buckets:
        text = keras.Input(shape=(), dtype="string", name="text")
        # Dropout of 0.3 on the n-gram features scored 0.4 points more mean macro-F1 on UMSAB than none.
        ngram_logits = layers.HashedNgramLogits(
            n_labels, buckets=ngram_buckets, dropout=0.3, seed=seed, name="ngram_logits"
        )(text)
        logits = keras.layers.Add(name="logits")([logits, ngram_logits])
        inputs = {"embedding": embedding, "text": text}
    probabilities = keras.layers.Softmax(name="probabilities")(logits)
    return keras.Model(inputs, probabilities, name=HEAD_NAME)


def head_takes_text(head) -> bool:
    """Return whether a built-in text head also takes the raw text (the n-gram branch)."""
    return len(head.inputs) > 1


def wrap_text_head(head):
    """Return ``string input -> SentenceEncoder (+ raw text) -> head`` as a Functional model."""
    _tf, keras = import_tensorflow()
    layers = _layers()
    texts = keras.Input(shape=(), dtype="string", name="text")
    vectors = layers.SentenceEncoder(name=ENCODER_NAME)(texts)
    head_inputs = {"embedding": vectors, "text": texts} if head_takes_text(head) else vectors
    return keras.Model(texts, head(head_inputs), name="text_classifier")


def build_image_model(*, n_labels: int, size: int, channels: int, dropout: float, seed: int):
    """Return an uncompiled small CNN that takes image file paths."""
    _tf, keras = import_tensorflow()
    layers = _layers()
    keras.utils.set_random_seed(seed)
    paths = keras.Input(shape=(), dtype="string", name="image_path")
    x = layers.ImageFileReader(size=size, channels=channels, name="reader")(paths)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1")(x)
    x = keras.layers.MaxPooling2D(name="pool1")(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2")(x)
    x = keras.layers.GlobalAveragePooling2D(name="pool2")(x)
    x = keras.layers.Dropout(dropout, seed=seed, name="dropout")(x)
    outputs = keras.layers.Dense(n_labels, activation="softmax", name="probabilities")(x)
    return keras.Model(paths, outputs, name="image_classifier")


def is_builtin_text(model) -> bool:
    """Return whether ``model`` is a built-in text model (encoder + head)."""
    names = {layer.name for layer in model.layers}
    return ENCODER_NAME in names and HEAD_NAME in names


def copy_model(model):
    """Return an uncompiled copy of ``model`` with the same weights and no optimizer state.

    The copy goes through a ``.keras`` file, so preprocessing state that is not a
    weight (a ``TextVectorization`` vocabulary, say) travels with it.
    """
    import tempfile

    _tf, keras = import_tensorflow()
    _layers()
    with tempfile.TemporaryDirectory(prefix="regionkit-copy-") as directory:
        path = Path(directory) / "model.keras"
        model.save(path)
        return keras.saving.load_model(path, safe_mode=True, compile=False)


def save_model(model, path: Path) -> Path:
    """Save ``model`` as a ``.keras`` file without optimizer state and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    copy_model(model).save(path)
    return path


@functools.lru_cache(maxsize=64)
def _load_cached(path: str, mtime: float):
    _tf, keras = import_tensorflow()
    _layers()
    return keras.saving.load_model(path, safe_mode=True, compile=False)


def load_model(path: str | Path):
    """Load a ``.keras`` model saved by regionkit (or any safe-mode model).

    Imports the regionkit layers first so that ``safe_mode=True`` finds them.
    Repeated loads of an unchanged file return the same object.

    Raises
    ------
    InputError
        If the file is missing or cannot be loaded in safe mode.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            _("Model file {path} not found; run 'regionkit train' first.").format(path=path)
        )
    try:
        return _load_cached(str(path.resolve()), path.stat().st_mtime)
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - Keras raises many types for a bad file
        raise InputError(
            _(
                "Model {path} could not be loaded with safe_mode=True ({error}); save it with "
                "Keras 3 without Lambda layers or unregistered custom objects."
            ).format(path=path, error=f"{type(error).__name__}: {error}")
        ) from None


def load_base_model(path: str | Path, *, labels: list[str], sample_inputs: list[str]):
    """Load a user's base model and check that it takes raw inputs and returns one probability per label.

    Parameters
    ----------
    path : path
        A ``.keras`` file.
    labels : list of str
        The label set, in the order the model's outputs must follow.
    sample_inputs : list of str
        A few raw inputs (texts or resolved image paths) to run the model on.

    Raises
    ------
    InputError
        If the file is not a ``.keras`` file, cannot be loaded in safe mode, has
        more than one input, or does not return ``len(labels)`` probabilities.
    """
    tf, _keras = import_tensorflow()
    path = Path(path)
    if path.suffix != ".keras":
        raise InputError(
            _(
                "Base model {path} is not a .keras file; save it with model.save('model.keras')."
            ).format(path=path)
        )
    model = load_model(path)
    if len(model.inputs) != 1:
        raise InputError(
            _(
                "Base model {path} has {count} inputs; it must take one input of raw strings."
            ).format(path=path, count=len(model.inputs))
        )
    try:
        output = np.asarray(model(tf.constant(sample_inputs[:2]), training=False))
    except Exception as error:  # noqa: BLE001 - any failure means the input does not fit
        raise InputError(
            _(
                "Base model {path} failed on raw inputs ({error}); its input must be a string "
                "tensor (keras.Input(shape=(), dtype='string')) with the preprocessing inside the model."
            ).format(path=path, error=f"{type(error).__name__}: {error}")
        ) from None
    if output.ndim != 2 or output.shape[1] != len(labels):
        raise InputError(
            _(
                "Base model {path} returns shape {shape}, but the labeling config has {count} labels "
                "({labels}); its last layer must be Dense({count}, activation='softmax')."
            ).format(
                path=path, shape=tuple(output.shape), count=len(labels), labels=", ".join(labels)
            )
        )
    if not np.allclose(output.sum(axis=1), 1.0, atol=1e-3) or (output < 0).any():
        raise InputError(
            _(
                "Base model {path} does not return probabilities; end it with a softmax activation."
            ).format(path=path)
        )
    return model
