"""The regionkit Keras layers on their own."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="module")
def layers():
    from regionkit.training import layers

    return layers


def test_hashed_ngrams_rows_are_unit_vectors(layers):
    import tensorflow as tf

    layer = layers.HashedNgrams(buckets=1024)
    output = np.asarray(layer(tf.constant(["Hello world", "日本語のテキスト", "नमस्ते दुनिया"])))
    assert output.shape == (3, 1024)
    np.testing.assert_allclose(np.linalg.norm(output, axis=1), 1.0, rtol=1e-5)


def test_hashed_ngrams_empty_text_is_zero(layers):
    import tensorflow as tf

    output = np.asarray(
        layers.HashedNgrams(buckets=64, char_orders=(2,), word_orders=())(tf.constant([""]))
    )
    # One padded space on each side gives the single 2-gram "  ".
    assert np.count_nonzero(output) == 1


def test_hashed_ngrams_config_round_trip(layers):
    layer = layers.HashedNgrams(buckets=256, char_orders=(1, 3), word_orders=(1,))
    copy = layers.HashedNgrams.from_config(layer.get_config())
    assert copy.buckets == 256
    assert copy.char_orders == (1, 3)
    assert copy.word_orders == (1,)


def test_sentence_encoder_matches_numpy_encoder(layers):
    import tensorflow as tf

    from regionkit.training.encoder import encode_texts

    texts = ["good morning", "buenos días"]
    output = np.asarray(layers.SentenceEncoder()(tf.constant(texts)))
    np.testing.assert_allclose(output, encode_texts(texts), atol=1e-6)


def test_hashed_ngram_logits_match_dense_layer(layers):
    import tensorflow as tf

    texts = tf.constant(["Hello world", "hello", "日本語のテキスト", ""])
    sparse = layers.HashedNgramLogits(3, buckets=512)
    logits = np.asarray(sparse(texts))
    dense = np.asarray(layers.HashedNgrams(buckets=512)(texts)) @ np.asarray(sparse.kernel)
    np.testing.assert_allclose(logits, dense + np.asarray(sparse.bias), atol=1e-5)


def test_hashed_ngram_logits_dropout_only_in_training(layers):
    import tensorflow as tf

    texts = tf.constant(["a fairly long sentence with many n-grams"])
    layer = layers.HashedNgramLogits(2, buckets=256, dropout=0.5, seed=0)
    inference = np.asarray(layer(texts))
    np.testing.assert_allclose(np.asarray(layer(texts)), inference)
    assert not np.allclose(np.asarray(layer(texts, training=True)), inference)
