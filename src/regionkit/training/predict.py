"""``predict_frame``: run the models of a model directory on tasks, in long form."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from regionkit.errors import InputError
from regionkit.i18n import _
from regionkit.training.fit import select_rows

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

#: Models that a model directory can hold, in the order ``predict_frame`` returns them.
MODEL_NAMES = ("base", "fine_tuned", "baseline")


def read_manifest(model_dir: str | Path) -> dict:
    """Return the ``manifest.json`` of a model directory.

    Raises
    ------
    InputError
        If the directory has no readable manifest.
    """
    path = Path(model_dir) / "manifest.json"
    if not path.is_file():
        raise InputError(
            _("{path} not found; pass the output directory of 'regionkit train'.").format(path=path)
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(
            _("{path} is not valid JSON ({error}); run 'regionkit train' again.").format(
                path=path, error=error
            )
        ) from None


def _check_frame(frame, manifest: dict, models) -> tuple[str, tuple[str, ...]]:
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            _("frame must be a pandas DataFrame, not {type}.").format(type=type(frame).__name__)
        )
    if isinstance(models, str):
        models = (models,)
    models = tuple(models)
    unknown = [name for name in models if name not in MODEL_NAMES]
    if unknown or not models:
        raise InputError(
            _("models={models} is invalid; choose from: {allowed}.").format(
                models=list(models), allowed=", ".join(MODEL_NAMES)
            )
        )
    column = f"data.{manifest['input_field']}"
    missing = [name for name in ("task_id", "region", column) if name not in frame.columns]
    if missing:
        raise InputError(
            _(
                "The frame lacks the columns {missing}; it needs task_id, region and {column}."
            ).format(missing=", ".join(missing), column=column)
        )
    return column, models


def _model_inputs(frame, column: str, manifest: dict, model_dir: Path, image_root, threads):
    """Return (raw inputs, features for Keras): embeddings for a built-in text base, else raw strings."""
    raw = frame[column].fillna("").astype(str).tolist()
    if manifest.get("input_type") == "Image":
        from regionkit.training.images import resolve_image_paths

        root = image_root or manifest.get("image_root") or model_dir
        raw = resolve_image_paths(raw, root)
    if manifest.get("base_kind") != "builtin-text":
        return raw, raw

    from regionkit.training.encoder import embed_texts

    cache = manifest.get("cache_dir") or "cache"
    cache_dir = Path(cache) if Path(cache).is_absolute() else model_dir / cache
    return raw, {"embedding": embed_texts(raw, cache_dir=cache_dir, threads=threads), "text": raw}


def _keras_probabilities(
    model_dir: Path, relative: str, features, builtin_text: bool, n_labels: int
) -> np.ndarray:
    from regionkit.training.fit import as_model_input, count_rows
    from regionkit.training.models import HEAD_NAME, head_takes_text, load_model

    if count_rows(features) == 0:
        return np.zeros((0, n_labels), dtype=np.float32)
    model = load_model(model_dir / relative)
    if builtin_text:
        # Cached embeddings replace the encoder layer, which computes the same vectors.
        model = model.get_layer(HEAD_NAME)
        if not head_takes_text(model):
            features = features["embedding"]
    return np.asarray(model.predict(as_model_input(features), batch_size=512, verbose=0))


def predict_frame(
    model_dir: str | Path,
    frame: pd.DataFrame,
    *,
    models: tuple[str, ...] = MODEL_NAMES,
    image_root: str | Path | None = None,
    threads: int | None = None,
) -> pd.DataFrame:
    """Predict every task of ``frame`` with each requested model of ``model_dir``.

    Parameters
    ----------
    model_dir : path
        The output directory of :func:`regionkit.training.train_models`.
    frame : pandas.DataFrame
        Tasks with ``task_id``, ``region`` and ``data.<input_field>`` (other columns are ignored).
    models : tuple of str, default=("base", "fine_tuned", "baseline")
        Models to run; a model the directory lacks (a run without baseline) is skipped.
    image_root : path, optional
        Root that image paths resolve under; default: the root recorded at training.
    threads : int, optional
        BLAS threads of the text encoder for texts not in the embedding cache.

    Returns
    -------
    pandas.DataFrame
        Long form, one row per task and model, models in the order given:
        ``task_id, region, model, y_pred, confidence`` and ``p.<label>`` per label.
        For per-region models, each region's rows go to that region's model, and a
        region without one (no training rows, or unseen at training) goes to the base model.

    Raises
    ------
    InputError
        If the directory, the models or the frame's columns are invalid.
    """
    import pandas as pd

    model_dir = Path(model_dir)
    manifest = read_manifest(model_dir)
    column, models = _check_frame(frame, manifest, models)
    labels: list[str] = manifest["labels"]
    n_labels = len(labels)
    available = manifest.get("models", {})
    regions = frame["region"].astype("string").fillna("").to_numpy(dtype=object)
    builtin_text = manifest.get("base_kind") == "builtin-text"

    if frame.empty:
        raw, features = [], []
    else:
        raw, features = _model_inputs(frame, column, manifest, model_dir, image_root, threads)

    parts = []
    for name in models:
        if name not in available:
            logger.info("model directory %s has no %s model; skipping it", model_dir, name)
            continue
        probabilities = np.zeros((len(frame), n_labels), dtype=np.float64)
        if name == "baseline":
            from regionkit.training.baseline import baseline_probabilities, load_baseline

            pipeline = load_baseline(model_dir / available["baseline"])
            probabilities[:] = baseline_probabilities(pipeline, raw, n_labels)
        elif isinstance(available[name], dict):
            for region in sorted(set(regions)):
                relative = available[name].get(region, available["base"])
                if region not in available[name]:
                    logger.warning("region %s has no %s model; using the base model", region, name)
                mask = regions == region
                probabilities[mask] = _keras_probabilities(
                    model_dir, relative, select_rows(features, mask), builtin_text, n_labels
                )
        else:
            probabilities[:] = _keras_probabilities(
                model_dir, available[name], features, builtin_text, n_labels
            )
        parts.append(_long_form(frame, name, probabilities, labels))

    if not parts:
        return _long_form(frame.iloc[0:0], "base", np.zeros((0, n_labels)), labels)
    return pd.concat(parts, ignore_index=True)


def _long_form(frame, name: str, probabilities: np.ndarray, labels: list[str]):
    import pandas as pd

    indices = probabilities.argmax(axis=1) if len(probabilities) else np.zeros(0, dtype=int)
    result = pd.DataFrame(
        {
            "task_id": frame["task_id"].to_numpy(),
            "region": frame["region"].to_numpy(),
            "model": pd.array([name] * len(frame), dtype="string"),
            "y_pred": pd.array([labels[index] for index in indices], dtype="string"),
            "confidence": probabilities.max(axis=1) if len(probabilities) else np.zeros(0),
        }
    )
    for position, label in enumerate(labels):
        result[f"p.{label}"] = probabilities[:, position]
    return result
