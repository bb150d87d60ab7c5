"""Upload a model's predictions to a Label Studio project as pre-annotations.

:func:`push_predictions` is idempotent per model version: before importing, it deletes
the predictions that the same ``model_version`` already has on the tasks being pushed,
so a second push replaces them. Predictions of other model versions stay untouched.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from regionkit.errors import InputError
from regionkit.i18n import _, ngettext

if TYPE_CHECKING:
    import pandas as pd
    from label_studio_sdk import LabelStudio

logger = logging.getLogger(__name__)

#: Predictions sent per ``import_predictions`` request.
DEFAULT_BATCH_SIZE = 500
#: Task ids per Data Manager delete action.
ACTION_CHUNK_SIZE = 1000
SCOPE_HELP_VALUES = "all, unlabeled, region:<name>"


@dataclass(frozen=True)
class PushScope:
    """The tasks a push covers: ``all``, ``unlabeled`` or one ``region``."""

    kind: str
    region: str | None = None

    def __str__(self) -> str:
        return f"region:{self.region}" if self.kind == "region" else self.kind


@dataclass
class PushResult:
    """The changes a push made (or, in a dry run, would make) in the project."""

    project_id: int
    model_version: str
    scope: str
    dry_run: bool
    tasks: int
    created: int
    deleted: int
    by_region: dict[str, int] = field(default_factory=dict)
    by_label: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict."""
        return {
            "project_id": self.project_id,
            "model_version": self.model_version,
            "scope": self.scope,
            "dry_run": self.dry_run,
            "tasks": self.tasks,
            "created": self.created,
            "deleted": self.deleted,
            "by_region": self.by_region,
            "by_label": self.by_label,
        }


def parse_scope(value: str) -> PushScope:
    """Parse ``all``, ``unlabeled`` or ``region:<name>``.

    Raises
    ------
    InputError
        If ``value`` is not one of these.
    """
    text = (value or "").strip()
    if text in ("all", "unlabeled"):
        return PushScope(kind=text)
    if text.startswith("region:") and text[len("region:") :].strip():
        return PushScope(kind="region", region=text[len("region:") :].strip())
    raise InputError(
        _("scope={value!r} is not valid; use one of {allowed}.").format(
            value=value, allowed=SCOPE_HELP_VALUES
        )
    )


def select_scope(tasks: pd.DataFrame, scope: PushScope | str) -> pd.DataFrame:
    """Return the rows of a snapshot's ``tasks`` table that ``scope`` covers.

    ``unlabeled`` means no non-cancelled annotation (``n_annotations == 0``).

    Raises
    ------
    InputError
        If a column the scope needs is missing, or the region has no tasks.
    """
    scope = parse_scope(scope) if isinstance(scope, str) else scope
    if scope.kind == "all":
        return tasks
    if scope.kind == "unlabeled":
        if "n_annotations" not in tasks.columns:
            raise InputError(
                _(
                    "scope=unlabeled needs the column 'n_annotations' in the tasks table; sync "
                    "the project again."
                )
            )
        return tasks[tasks["n_annotations"].fillna(0).astype("int64") == 0]
    if "region" not in tasks.columns:
        raise InputError(
            _("scope={scope} needs a 'region' column in the tasks table.").format(scope=scope)
        )
    selected = tasks[tasks["region"].astype("string") == scope.region]
    if selected.empty:
        regions = sorted(str(region) for region in tasks["region"].dropna().unique())
        raise InputError(
            _("Region {region!r} has no tasks; use one of {regions}.").format(
                region=scope.region, regions=", ".join(regions) or "-"
            )
        )
    return selected


def labeling_targets(
    labeling_config: str, *, label_control: str | None = None
) -> tuple[str, str, list[str]]:
    """Return the Choices control name, the object name it labels, and its labels.

    ``label_control`` picks the control by name (the snapshot manifest records it);
    by default the first Choices control is used.

    Raises
    ------
    InputError
        If the labeling config is not valid XML or has no such Choices control.
    """
    from label_studio_sdk.label_interface import LabelInterface

    try:
        interface = LabelInterface(labeling_config)
    except Exception as error:  # noqa: BLE001 - the parser raises several unrelated types
        raise InputError(
            _("The labeling config could not be parsed ({error}); check the XML.").format(
                error=error
            )
        ) from None
    for control in interface.controls:
        if control.tag.lower() != "choices" or not control.to_name:
            continue
        if label_control is None or control.name == label_control:
            return control.name, control.to_name[0], list(control.labels or [])
    if label_control is not None:
        raise InputError(
            _(
                'The labeling config has no <Choices name="{name}"> control; sync the project '
                "again."
            ).format(name=label_control)
        )
    raise InputError(
        _(
            "The labeling config has no <Choices> control; push supports classification projects "
            "only."
        )
    )


def prediction_result(label: str, *, label_control: str, to_name: str) -> list[dict[str, Any]]:
    """Return the Label Studio ``result`` list that selects ``label`` in a Choices control."""
    return [
        {
            "from_name": label_control,
            "to_name": to_name,
            "type": "choices",
            "value": {"choices": [label]},
        }
    ]


def push_predictions(
    *,
    client: LabelStudio,
    project_id: int,
    predictions: pd.DataFrame,
    labels: Sequence[str],
    label_control: str,
    to_name: str,
    model_version: str,
    tasks: pd.DataFrame | None = None,
    scope: PushScope | str = "all",
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    url: str = "",
    show_progress: bool = True,
) -> PushResult:
    """Replace ``model_version``'s predictions on the pushed tasks with ``predictions``.

    Parameters
    ----------
    client : label_studio_sdk.LabelStudio
        A connected client (:func:`regionkit.labelstudio.client.connect`).
    project_id : int
        The Label Studio project that contains the tasks.
    predictions : DataFrame
        One row per task: ``task_id``, ``y_pred`` (a label) and ``confidence`` (the
        probability of ``y_pred``, sent as the prediction's ``score``); ``region`` is
        optional. A ``model`` column, if present, must hold a single model.
    labels : sequence of str
        The labels of the labeling config; every ``y_pred`` must be one of them.
    label_control, to_name : str
        The Choices control's ``name`` and the object it labels (``toName``).
    model_version : str
        The tag Label Studio shows for these predictions; pushing the same tag again
        replaces its predictions on the same tasks.
    tasks : DataFrame, optional
        The snapshot's tasks table, needed for ``scope="unlabeled"`` and used for the
        region of each task when ``predictions`` has no ``region`` column.
    scope : PushScope or str, default="all"
        ``all``, ``unlabeled`` or ``region:<name>``; predictions outside it are not sent.
    dry_run : bool, default=False
        Count what would be deleted and created, and change nothing.
    batch_size : int, default=500
        Predictions per import request; must be >= 1.
    url : str, optional
        The server URL, named in error messages.
    show_progress : bool, default=True
        Show a rich progress bar on stderr.

    Returns
    -------
    PushResult

    Raises
    ------
    InputError
        If an argument is invalid: a missing column, an unknown label, a confidence
        outside [0, 1], a task listed twice, more than one model.
    ConnectionFailed
        If the server rejects a request or cannot be reached.
    """
    from regionkit.labelstudio.client import call_with_retries

    scope = parse_scope(scope) if isinstance(scope, str) else scope
    _check_push_arguments(model_version=model_version, batch_size=batch_size, project_id=project_id)
    frame = _prepare_predictions(predictions, labels=labels, tasks=tasks, scope=scope)
    task_ids = set(int(task_id) for task_id in frame["task_id"])
    if tasks is not None:
        _check_known_tasks(task_ids, tasks=tasks, project_id=project_id)

    check_project(client, project_id=project_id, url=url)
    existing = list_predictions(client, project_id=project_id, url=url)
    same_version = [row for row in existing if row.get("model_version") == model_version]
    to_delete = [row["id"] for row in same_version if int(row["task"]) in task_ids]

    result = PushResult(
        project_id=project_id,
        model_version=model_version,
        scope=str(scope),
        dry_run=dry_run,
        tasks=len(frame),
        created=len(frame),
        deleted=len(to_delete),
        by_region={
            str(k): int(v)
            for k, v in frame["region"].fillna("-").value_counts().sort_index().items()
        },
        by_label={str(k): int(v) for k, v in frame["y_pred"].value_counts().sort_index().items()},
    )
    if dry_run:
        return result

    with _progress(show_progress) as progress:
        _delete_predictions(
            client,
            project_id=project_id,
            model_version=model_version,
            to_delete=to_delete,
            existing=existing,
            progress=progress,
            url=url,
        )
        importing = progress.add_task(_("Uploading predictions"), total=len(frame))
        records = _prediction_records(
            frame, label_control=label_control, to_name=to_name, model_version=model_version
        )
        for start in range(0, len(records), batch_size):
            batch = records[start : start + batch_size]
            # No retries: a retried POST could import a batch twice. Pushing again repairs
            # any failure, because the push first deletes this version's predictions.
            call_with_retries(
                lambda batch=batch: client.projects.import_predictions(
                    id=project_id, request=batch
                ),
                what=_("import predictions"),
                url=url,
                retries=0,
            )
            progress.advance(importing, len(batch))
    logger.info(
        "pushed %d predictions of model_version %s to project %d (deleted %d)",
        result.created,
        model_version,
        project_id,
        result.deleted,
    )
    return result


def check_project(client: LabelStudio, *, project_id: int, url: str = "") -> None:
    """Raise :class:`~regionkit.errors.ConnectionFailed` naming the id if the project is missing."""
    from regionkit.labelstudio.client import call_with_retries

    call_with_retries(
        lambda: client.projects.get(id=project_id),
        what=_("get project"),
        url=url,
        not_found=_(
            "Project {project} not found on {url}; pass the id of an existing project with "
            "--project."
        ).format(project=project_id, url=url),
    )


def list_predictions(
    client: LabelStudio, *, project_id: int, url: str = ""
) -> list[dict[str, Any]]:
    """Return every prediction of the project as dicts (``id``, ``task``, ``model_version``...)."""
    from regionkit.labelstudio.client import request_json

    payload = request_json(
        client,
        "api/predictions/",
        params={"project": project_id},
        what=_("list predictions"),
        url=url,
    )
    # The endpoint is not paginated in label-studio 1.23.2; accept a page shape too.
    if isinstance(payload, dict):
        payload = payload.get("results", [])
    return list(payload)


def _delete_predictions(
    client: LabelStudio,
    *,
    project_id: int,
    model_version: str,
    to_delete: list[int],
    existing: list[dict[str, Any]],
    progress: Any,
    url: str,
) -> None:
    """Delete the predictions ``to_delete`` with as few requests as the server allows.

    Label Studio 1.23.2 deletes by model version (whole project) or by task (every
    version) in one request, but a single prediction needs one request each, and those
    cost about 15 times more per prediction (measured with benchmarks/plan_push.py).
    So the whole version goes in one request when all of it is replaced. Otherwise
    tasks that carry no other version lose all their predictions in chunked requests,
    and only tasks that also carry another version need one request per prediction.
    """
    from regionkit.labelstudio.client import call_with_retries

    if not to_delete:
        return
    same_version = [row for row in existing if row.get("model_version") == model_version]
    if len(to_delete) == len(same_version):
        call_with_retries(
            lambda: _delete_model_version(client, project_id, model_version),
            what=_("delete predictions"),
            url=url,
        )
        return

    replaced_ids = set(to_delete)
    shared_tasks = {int(row["task"]) for row in existing if row["id"] not in replaced_ids}
    whole_tasks = sorted(
        {int(row["task"]) for row in existing if row["id"] in replaced_ids} - shared_tasks
    )
    one_by_one = [
        row["id"]
        for row in existing
        if row["id"] in replaced_ids and int(row["task"]) in shared_tasks
    ]
    per_task: dict[int, int] = {}
    for row in existing:
        if row["id"] in replaced_ids:
            per_task[int(row["task"])] = per_task.get(int(row["task"]), 0) + 1

    deleting = progress.add_task(_("Deleting old predictions"), total=len(to_delete))
    for start in range(0, len(whole_tasks), ACTION_CHUNK_SIZE):
        chunk = whole_tasks[start : start + ACTION_CHUNK_SIZE]
        call_with_retries(
            lambda chunk=chunk: client.actions.create(
                id="delete_tasks_predictions",
                project=project_id,
                selected_items={"all": False, "included": chunk},
            ),
            what=_("delete predictions"),
            url=url,
        )
        progress.advance(deleting, sum(per_task[task_id] for task_id in chunk))
    for prediction_id in one_by_one:
        call_with_retries(
            lambda prediction_id=prediction_id: client.predictions.delete(id=prediction_id),
            what=_("delete prediction"),
            url=url,
        )
        progress.advance(deleting)


def _delete_model_version(client: LabelStudio, project_id: int, model_version: str) -> Any:
    """Delete every prediction of ``model_version`` in the project with one request."""
    from label_studio_sdk.core.api_error import ApiError

    http = client._client_wrapper.httpx_client
    response = http.request(
        f"api/projects/{project_id}/model-versions/",
        method="DELETE",
        json={"model_version": model_version},
    )
    if response.status_code >= 400:
        raise ApiError(
            status_code=response.status_code, headers=dict(response.headers), body=response.text
        )
    return response.json() if response.content else None


def _check_push_arguments(*, model_version: str, batch_size: int, project_id: int) -> None:
    if not isinstance(model_version, str) or not model_version.strip():
        raise InputError(_("model_version must be a non-empty string, e.g. 'v2'."))
    if not isinstance(batch_size, int) or batch_size < 1:
        raise InputError(_("batch_size={value} must be an integer >= 1.").format(value=batch_size))
    if not isinstance(project_id, int) or project_id < 1:
        raise InputError(
            _("project_id={value} must be a positive integer.").format(value=project_id)
        )


def _check_known_tasks(task_ids: set[int], *, tasks: pd.DataFrame, project_id: int) -> None:
    """Reject predictions for tasks outside the snapshot's project before anything is deleted.

    Label Studio rejects the whole import batch for an unknown task, and by then the
    push has already deleted this model version's old predictions.
    """
    known = tasks
    if "project_id" in tasks.columns:
        known = tasks[tasks["project_id"] == project_id]
    unknown = sorted(task_ids - set(int(task_id) for task_id in known["task_id"]))
    if unknown:
        message = ngettext(
            "{count} prediction is for a task that is not in project {project} of the snapshot "
            "(task {task}); predict the snapshot's tasks or pass the right --project.",
            "{count} predictions are for tasks that are not in project {project} of the "
            "snapshot, e.g. task {task}; predict the snapshot's tasks or pass the right --project.",
            len(unknown),
        )
        raise InputError(message.format(count=len(unknown), project=project_id, task=unknown[0]))


def _prepare_predictions(
    predictions: pd.DataFrame,
    *,
    labels: Sequence[str],
    tasks: pd.DataFrame | None,
    scope: PushScope,
) -> pd.DataFrame:
    """Validate the predictions and keep the rows inside ``scope``."""
    import pandas as pd

    from regionkit.planning.selection import require_prediction_columns

    require_prediction_columns(predictions)
    frame = predictions.copy()
    if "model" in frame.columns and frame["model"].nunique() > 1:
        raise InputError(
            _(
                "The predictions table holds several models ({models}); keep the rows of one model."
            ).format(models=", ".join(sorted(map(str, frame["model"].unique()))))
        )
    duplicated = frame["task_id"][frame["task_id"].duplicated()]
    if not duplicated.empty:
        raise InputError(
            _("Task {task} has more than one prediction; keep one row per task.").format(
                task=duplicated.iloc[0]
            )
        )
    unknown = sorted(set(frame["y_pred"].astype(str)) - set(labels))
    if unknown:
        raise InputError(
            _(
                "Predicted labels {unknown} are not in the labeling config's labels {labels}; "
                "use a model trained on this project."
            ).format(unknown=", ".join(unknown), labels=", ".join(labels))
        )
    confidence = pd.to_numeric(frame["confidence"], errors="coerce")
    if confidence.isna().any() or (confidence < 0).any() or (confidence > 1).any():
        raise InputError(_("Column 'confidence' must contain probabilities between 0 and 1."))
    frame["confidence"] = confidence.astype("float64")

    if tasks is not None:
        needed = ["n_annotations"] if "region" in frame.columns else ["region", "n_annotations"]
        columns = ["task_id"] + [column for column in needed if column in tasks.columns]
        frame = frame.drop(columns=[column for column in columns[1:] if column in frame.columns])
        frame = frame.merge(tasks[columns].drop_duplicates("task_id"), on="task_id", how="left")
    if "region" not in frame.columns:
        frame["region"] = pd.NA

    if scope.kind == "unlabeled":
        if tasks is None or "n_annotations" not in frame.columns:
            raise InputError(
                _("scope=unlabeled needs the snapshot's tasks table with 'n_annotations'.")
            )
        frame = frame[frame["n_annotations"].fillna(0).astype("int64") == 0]
    elif scope.kind == "region":
        frame = frame[frame["region"].astype("string") == scope.region]
    if frame.empty:
        raise InputError(
            _("No predictions fall in scope {scope}; choose another scope.").format(scope=scope)
        )
    return frame.reset_index(drop=True)


def _prediction_records(
    frame: pd.DataFrame, *, label_control: str, to_name: str, model_version: str
) -> list[dict[str, Any]]:
    records = []
    columns = (frame["task_id"], frame["y_pred"], frame["confidence"])
    for task_id, label, confidence in zip(*columns, strict=True):
        score = float(confidence)
        records.append(
            {
                "task": int(task_id),
                "result": prediction_result(
                    str(label), label_control=label_control, to_name=to_name
                ),
                "model_version": model_version,
                "score": round(score, 6) if math.isfinite(score) else None,
            }
        )
    return records


def _progress(enabled: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from regionkit.console import stderr

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        disable=not enabled,
        transient=False,
    )
