"""Evaluate trained models on the validated test split and write the reports."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regionkit import atomic
from regionkit.errors import GateFailed, InputError
from regionkit.evaluation._evaluate import evaluate_predictions
from regionkit.evaluation._report import EvaluationReport
from regionkit.evaluation._settings import EvaluationSettings
from regionkit.i18n import _

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

#: Models predicted when the settings name none, in report order.
DEFAULT_MODELS = ("fine_tuned", "base", "baseline")
#: Parquet schema-metadata keys that predictions.parquet carries.
FINGERPRINT_KEY = b"regionkit.fingerprint"
LABELS_KEY = b"regionkit.labels"


@dataclass(frozen=True)
class EvaluationRun:
    """The report and the files that :func:`evaluate_models` wrote."""

    report: EvaluationReport
    predictions_path: Path
    report_paths: dict[str, Path]
    reused_predictions: bool


def evaluate_models(
    *,
    model_dir: str | os.PathLike[str],
    data: str | os.PathLike[str],
    out: str | os.PathLike[str],
    settings: EvaluationSettings | None = None,
    progress: bool = False,
    check_gate: bool = True,
) -> EvaluationRun:
    """Predict the test split with the trained models, evaluate per region and write reports.

    Parameters
    ----------
    model_dir : path
        Output directory of ``regionkit train`` (with ``manifest.json``).
    data : path
        Output directory of ``regionkit validate`` (with ``clean.parquet``).
    out : path
        Directory for ``predictions.parquet``, ``report.json``, ``report.html`` and
        ``report.md``. Predictions already there for the same models and data are
        reused, so an interrupted run resumes without predicting again.
    settings : EvaluationSettings, optional
        Evaluation and gate options; defaults to ``EvaluationSettings()``.
    progress : bool, default=False
        Show rich progress bars on stderr.
    check_gate : bool, default=True
        Raise ``GateFailed`` when the gate fails (after the reports are written).

    Returns
    -------
    EvaluationRun

    Raises
    ------
    InputError
        If a directory or file is missing or invalid.
    GateFailed
        If ``check_gate`` is true and a gate rule failed.
    """
    import pandas as pd

    from regionkit.reports import write_evaluation_reports

    settings = settings if settings is not None else EvaluationSettings()
    if not isinstance(settings, EvaluationSettings):
        raise InputError(
            _("settings must be an EvaluationSettings, got {kind}.").format(
                kind=type(settings).__name__
            )
        )
    model_dir, data, out = Path(model_dir), Path(data), Path(out)
    model_manifest = _read_manifest(model_dir / "manifest.json", step="train", option="--models")
    clean_path = data / "clean.parquet"
    if not clean_path.is_file():
        raise InputError(
            _(
                "{path} not found; point --data at the output directory of 'regionkit validate'."
            ).format(path=clean_path)
        )
    labels = _labels(model_manifest, data / "manifest.json")

    clean = pd.read_parquet(clean_path)
    for column in ("task_id", "region", "label", "split"):
        if column not in clean.columns:
            raise InputError(
                _("{path} lacks the column {column}; run 'regionkit validate' again.").format(
                    path=clean_path, column=column
                )
            )
    test = clean[clean["split"] == "test"].reset_index(drop=True)
    if test.empty:
        raise InputError(
            _(
                "{path} has no rows in the test split; validate data with a test split first."
            ).format(path=clean_path)
        )

    models = settings.models or _available_models(model_manifest)
    fingerprint = _fingerprint(model_dir / "manifest.json", clean_path, models)
    predictions_path = out / "predictions.parquet"
    predictions = _reusable_predictions(predictions_path, fingerprint)
    reused = predictions is not None
    if predictions is None:
        predictions = _predict(model_dir, test, models)
        _write_predictions(predictions_path, predictions, fingerprint=fingerprint, labels=labels)
    else:
        logger.info("reusing %s (same models and data)", predictions_path)

    report = evaluate_predictions(
        predictions,
        labels=labels,
        progress=progress,
        source={"models": str(model_dir), "data": str(data), "predictions": str(predictions_path)},
        **settings.options(),
    )
    paths = write_evaluation_reports(report, out)
    if check_gate:
        raise_for_gate(report, report_path=paths["json"])
    return EvaluationRun(
        report=report,
        predictions_path=predictions_path,
        report_paths=paths,
        reused_predictions=reused,
    )


def raise_for_gate(report: EvaluationReport, *, report_path: Path | None = None) -> None:
    """Raise ``GateFailed`` naming the failing regions when ``report.gate`` did not pass."""
    gate = report.gate
    if gate.passed:
        return
    raise GateFailed(
        _(
            "Quality gate failed for model {model}: {regions} ({count} rules broken); see {path}."
        ).format(
            model=gate.model,
            regions=", ".join(gate.failing_regions),
            count=len(gate.failures),
            path=report_path if report_path is not None else "report.json",
        )
    )


def load_predictions(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, list[str] | None]:
    """Read a predictions Parquet file and the labels stored with it (None when absent).

    Raises
    ------
    InputError
        If the file does not exist or is not a readable Parquet file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.is_file():
        raise InputError(_("Predictions file {path} not found; check the path.").format(path=path))
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise InputError(
            _("{path} is not a readable Parquet file ({error}); pass a predictions table.").format(
                path=path, error=error
            )
        ) from None
    metadata = table.schema.metadata or {}
    labels = json.loads(metadata[LABELS_KEY]) if LABELS_KEY in metadata else None
    if labels is None:
        probability_columns = [name[2:] for name in table.column_names if name.startswith("p.")]
        labels = probability_columns or None
    return table.to_pandas(), labels


def _read_manifest(path: Path, *, step: str, option: str) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(
            _(
                "{path} not found; point {option} at the output directory of 'regionkit {step}'."
            ).format(path=path, option=option, step=step)
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(
            _("{path} is not valid JSON ({error}); run 'regionkit {step}' again.").format(
                path=path, error=error, step=step
            )
        ) from None


def _labels(model_manifest: dict[str, Any], data_manifest_path: Path) -> list[str]:
    labels = model_manifest.get("labels")
    if data_manifest_path.is_file():
        data_labels = json.loads(data_manifest_path.read_text(encoding="utf-8")).get("labels")
        if labels and data_labels and list(labels) != list(data_labels):
            raise InputError(
                _(
                    "The models were trained on labels {model} but the data has labels {data}; "
                    "train on this data or pass the matching --data."
                ).format(model=labels, data=data_labels)
            )
        labels = labels or data_labels
    if not labels:
        raise InputError(
            _("No label list found in the models' or the data's manifest.json; train again.")
        )
    return list(labels)


def _available_models(model_manifest: dict[str, Any]) -> tuple[str, ...]:
    # The train manifest maps each saved model's name to its path under "models";
    # predict_frame skips a requested model that the directory lacks.
    listed = model_manifest.get("models")
    if isinstance(listed, (dict, list)):
        present = tuple(name for name in DEFAULT_MODELS if name in listed)
        if present:
            return present
    return DEFAULT_MODELS


def _fingerprint(model_manifest: Path, clean_path: Path, models: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    digest.update(model_manifest.read_bytes())
    with clean_path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    digest.update(json.dumps(list(models)).encode())
    return digest.hexdigest()


def _reusable_predictions(path: Path, fingerprint: str) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except OSError:
        logger.warning("ignoring unreadable %s; predicting again", path)
        return None
    if (table.schema.metadata or {}).get(FINGERPRINT_KEY, b"").decode() != fingerprint:
        return None
    return table.to_pandas()


def _predict(model_dir: Path, test: pd.DataFrame, models: tuple[str, ...]) -> pd.DataFrame:
    try:
        from regionkit.training import predict_frame
    except ImportError:
        raise InputError(
            _(
                "regionkit.training.predict_frame is missing, so this build cannot predict; "
                "evaluate an existing table with --predictions."
            )
        ) from None

    predicted = predict_frame(model_dir, test, models=models)
    truth = test[["task_id", "label"]].rename(columns={"label": "y_true"})
    merged = predicted.merge(truth, on="task_id", how="left", validate="many_to_one")
    columns = ["task_id", "region", "model", "y_true", "y_pred"]
    return merged[columns + [name for name in merged.columns if name not in columns]]


def _write_predictions(
    path: Path, predictions: pd.DataFrame, *, fingerprint: str, labels: list[str]
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(predictions, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[FINGERPRINT_KEY] = fingerprint.encode()
    metadata[LABELS_KEY] = json.dumps(labels).encode()
    table = table.replace_schema_metadata(metadata)
    with atomic.atomic_path(path) as temporary:
        pq.write_table(table, temporary)
