"""Read the files that ``push`` and ``plan`` start from: snapshot, report, predictions, models."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regionkit.errors import InputError
from regionkit.i18n import _

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)


@dataclass
class SnapshotTables:
    """The parts of a snapshot that push and plan use."""

    tasks: pd.DataFrame
    annotations: pd.DataFrame | None
    manifest: dict[str, Any]


def read_snapshot(path: str | Path) -> SnapshotTables:
    """Load a snapshot directory written by ``regionkit sync``.

    Raises
    ------
    InputError
        If the directory, a table or the manifest is missing or unreadable.
    """
    from regionkit.labelstudio import load_snapshot

    snapshot = load_snapshot(Path(path))
    return SnapshotTables(
        tasks=snapshot.tasks, annotations=snapshot.annotations, manifest=dict(snapshot.manifest)
    )


def read_json(path: str | Path, *, what: str) -> Any:
    """Read a JSON file, naming ``what`` in the error when it is missing or invalid."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            _("The {what} file {path} was not found.").format(what=what, path=path)
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(
            _("The {what} file {path} is not valid JSON ({error}).").format(
                what=what, path=path, error=error
            )
        ) from None


def read_report(path: str | Path) -> dict[str, Any]:
    """Read an evaluation ``report.json`` (or the directory that contains it)."""
    path = Path(path)
    if path.is_dir():
        path = path / "report.json"
    report = read_json(path, what=_("evaluation report"))
    if not isinstance(report, dict):
        raise InputError(_("{path} is not an evaluation report (a JSON object).").format(path=path))
    return report


def read_predictions(path: str | Path) -> pd.DataFrame:
    """Read a predictions table from Parquet or CSV (``predict_frame`` output).

    Raises
    ------
    InputError
        If the file is missing or not Parquet/CSV.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise InputError(_("Predictions file {path} not found.").format(path=path))
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".csv":
        return pd.read_csv(path)
    raise InputError(_("Predictions file {path} must end in .parquet or .csv.").format(path=path))


def predict_tasks(models_dir: str | Path, tasks: pd.DataFrame, *, model: str) -> pd.DataFrame:
    """Run ``model`` from a models directory on ``tasks`` and return its ``predict_frame`` rows.

    Raises
    ------
    InputError
        If the directory has no models manifest or the training package is missing.
    """
    models_dir = Path(models_dir)
    if not (models_dir / "manifest.json").is_file():
        raise InputError(
            _(
                "{path} has no manifest.json; pass the models directory that 'regionkit train' "
                "wrote."
            ).format(path=models_dir)
        )
    try:
        from regionkit.training import predict_frame
    except ImportError:
        raise InputError(
            _(
                "This regionkit has no training package with predict_frame; pass --predictions "
                "instead of --models."
            )
        ) from None
    frame = predict_frame(models_dir, tasks, models=(model,))
    return frame[frame["model"] == model] if "model" in frame.columns else frame


def project_id_from_manifest(manifest: dict[str, Any], project_id: int | None) -> int:
    """Return ``project_id``, else the only project the snapshot came from.

    Raises
    ------
    InputError
        If no id is given and the snapshot contains zero or several projects.
    """
    if project_id is not None:
        return project_id
    projects = [
        project.get("id") for project in manifest.get("projects") or [] if project.get("id")
    ]
    if len(projects) == 1:
        return int(projects[0])
    raise InputError(
        _("Pass --project: the snapshot holds {count} projects ({ids}).").format(
            count=len(projects), ids=", ".join(map(str, projects)) or "-"
        )
    )


def labeling_config_of(manifest: dict[str, Any]) -> str:
    """Return the snapshot's labeling config XML.

    Raises
    ------
    InputError
        If the manifest has none.
    """
    config = manifest.get("labeling_config")
    if not config:
        raise InputError(_("The snapshot manifest has no labeling_config; sync the project again."))
    return str(config)
