"""Import TensorFlow and Keras quietly, once, with a bounded number of threads."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator

logger = logging.getLogger(__name__)

_configured_threads: int | None = None


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null while the block runs.

    TensorFlow 2.21 prints oneDNN and CUDA notices from C++ before absl logging
    starts, so ``TF_CPP_MIN_LOG_LEVEL`` cannot hide them.
    """
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_tensorflow(threads: int | None = None):
    """Import TensorFlow and Keras and return them as ``(tf, keras)``.

    Parameters
    ----------
    threads : int, optional
        Intra- and inter-op threads of TensorFlow. Honoured only by the first call
        in a process, because TensorFlow fixes its thread pools once it has run an op.
    """
    global _configured_threads
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" not in sys.modules:
        with _stderr_silenced():
            import tensorflow  # noqa: F401
    import keras
    import tensorflow as tf

    if threads is not None and _configured_threads is None:
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(min(threads, 2))
            _configured_threads = threads
        except RuntimeError:
            logger.info("TensorFlow already started; keeping its thread pools")
    tf.get_logger().setLevel(logging.ERROR)
    return tf, keras
