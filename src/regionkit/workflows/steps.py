"""Step adapters: each maps one workflow table onto one step's Python API.

An adapter builds a :class:`~regionkit.workflows.runner.Step` whose settings (the
cache key's input) are the table's values with every named file replaced by its
content hash, so that moving a project directory keeps the cache and editing an
input file invalidates it. Step libraries are imported inside the step functions,
so loading a workflow stays fast.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from pathlib import Path
from typing import Any

from regionkit.errors import GateFailed, InputError
from regionkit.i18n import _
from regionkit.workflows.hashing import hash_directory, hash_file, hash_json, hash_path
from regionkit.workflows.loader import LoadedWorkflow
from regionkit.workflows.model import Evaluate, FileSource, Plan, ServerSource, Workflow
from regionkit.workflows.runner import Step, StepContext, read_marker

logger = logging.getLogger(__name__)

#: Output directory of each step under the run directory (the names in docs/architecture.md).
OUTPUTS = {
    "sync": "snapshot",
    "validate": "validated",
    "train": "models",
    "evaluate": "evaluation",
    "plan": "plan",
}


def build_steps(loaded: LoadedWorkflow) -> list[Step]:
    """Return the steps in run order: sync, validate, train, evaluate and, if enabled, plan."""
    workflow = loaded.workflow
    steps = [
        sync_step(workflow, loaded.base_dir),
        validate_step(workflow, loaded.base_dir),
        train_step(workflow, loaded.base_dir),
        evaluate_step(workflow),
    ]
    if workflow.plan.enabled:
        steps.append(plan_step(workflow))
    return steps


# sync ---------------------------------------------------------------------------------


def sync_step(workflow: Workflow, base_dir: Path) -> Step:
    """Build the sync step: a Label Studio export file or server projects into a snapshot."""
    source = workflow.source
    settings = {
        "source": _portable(source.model_dump(mode="json"), base_dir),
        "regions": workflow.regions.model_dump(mode="json"),
    }
    if isinstance(source, FileSource):
        settings["source"]["path_sha256"] = hash_file(source.path)
        settings["source"]["labeling_config_sha256"] = hash_file(source.labeling_config)

    def execute(context: StepContext) -> dict[str, Any]:
        region_source = _region_source(workflow)
        if isinstance(source, FileSource):
            return _sync_file(source, region_source, context)
        return _sync_server(source, region_source, context, settings)

    return Step(
        name="sync",
        output=OUTPUTS["sync"],
        settings=settings,
        execute=execute,
        always_run=isinstance(source, ServerSource) and source.cache == "never",
        output_hash=snapshot_content_hash,
    )


def _region_source(workflow: Workflow):
    from regionkit.labelstudio.regions import ProjectRegionMap, RegionField

    if workflow.regions.field is not None:
        return RegionField(workflow.regions.field)
    return ProjectRegionMap(dict(workflow.regions.map or {}))


def _sync_file(source: FileSource, region_source, context: StepContext) -> dict[str, Any]:
    from regionkit import labelstudio

    result = labelstudio.sync_snapshot(
        source=labelstudio.FileSource(path=source.path, labeling_config=source.labeling_config),
        region=region_source,
        out=context.out,
        label_control=source.label_control,
        show_progress=_show_progress(),
    )
    return _sync_summary(result)


def _sync_server(
    source: ServerSource, region_source, context: StepContext, settings: dict[str, Any]
) -> dict[str, Any]:
    import shutil

    from regionkit import labelstudio

    previous_settings = (read_marker(context.target) or {}).get("settings")
    same_source = previous_settings is not None and hash_json(previous_settings) == hash_json(
        settings
    )
    if source.since_last and same_source:
        # The incremental pull reads the previous snapshot from its output directory. A
        # snapshot of other projects or another region source is not reused.
        shutil.copytree(
            context.target,
            context.out,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("step.json"),
        )
    result = labelstudio.sync_snapshot(
        source=labelstudio.ServerSource(
            projects=tuple(source.projects), settings=server_settings(source)
        ),
        region=region_source,
        out=context.out,
        label_control=source.label_control,
        since_last=source.since_last,
        show_progress=_show_progress(),
    )
    return _sync_summary(result)


def _sync_summary(result: Any) -> dict[str, Any]:
    return {
        "tasks": result.n_tasks,
        "annotations": result.n_annotations,
        "predictions": result.n_predictions,
        "by_region": dict(result.by_region),
        "no_region": result.no_region,
        "content_hash": result.content_hash,
    }


def server_settings(source: ServerSource):
    """Return the server URL and API key for ``source``, the key read from ``api_key_env``.

    The URL comes from ``url``, else the ``url_env`` variable, else the regionkit
    config file. The key comes from the ``api_key_env`` variable, else the config file.

    Raises
    ------
    InputError
        If no URL or no API key can be found.
    """
    from regionkit.config import label_studio_settings

    url = source.url or os.environ.get(source.url_env) or None
    key = os.environ.get(source.api_key_env) or None
    try:
        return label_studio_settings(url=url, api_key=key)
    except InputError:
        if key is not None:
            raise
        raise InputError(
            _(
                "The environment variable {variable} named by source.api_key_env is not set; "
                "export your Label Studio API key in it."
            ).format(variable=source.api_key_env)
        ) from None


def _show_progress() -> bool:
    from regionkit.console import stderr

    return not stderr.quiet


def snapshot_content_hash(directory: Path) -> str:
    """Return the snapshot's ``content_hash``, which ignores write times, else hash its files."""
    manifest_path = directory / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("content_hash"):
            return str(manifest["content_hash"])
    return hash_directory(directory, exclude=("step.json",))


# validate -----------------------------------------------------------------------------


def validate_step(workflow: Workflow, base_dir: Path) -> Step:
    """Build the validate step: checks, cleaning, quarantine and splits of the snapshot."""
    section = workflow.validate_
    settings = _portable(section.model_dump(mode="json"), base_dir)
    if section.suites is not None:
        settings["suites_sha256"] = hash_path(section.suites)
    settings.pop("stop_on_failure")  # decides whether the run goes on, not what validate writes

    def execute(context: StepContext) -> dict[str, Any]:
        from regionkit.validators import validate_snapshot

        result = validate_snapshot(
            snapshot=context.inputs["sync"],
            out=context.out,
            suite_paths=suite_files(section.suites),
            checks=section.checks,
            cleaning=section.cleaning,
            splits=section.split,
            builtin_suite=section.builtin_suite,
        )
        return {
            "passed": result.passed,
            "rows_in": result.rows_in,
            "rows_clean": result.rows_clean,
            "rows_quarantined": result.rows_quarantined,
            "failures": _plain(result.failures),
        }

    def check_gate(result: dict[str, Any], output: Path) -> None:
        if section.stop_on_failure and not result.get("passed", True):
            checks = ", ".join(
                sorted({str(failure.get("check")) for failure in result.get("failures", [])})
            )
            raise GateFailed(
                _(
                    "Validation failed critical checks: {checks}; see {report}. Fix the data, "
                    "or set stop_on_failure = false under [validate] to train anyway."
                ).format(checks=checks, report=output / "validation.html")
            )

    return Step(
        name="validate",
        output=OUTPUTS["validate"],
        settings=settings,
        execute=execute,
        depends_on=("sync",),
        check=check_gate,
    )


def suite_files(suites: Path | None) -> list[Path]:
    """Return the suite files that ``[validate] suites`` names: a JSON file or a folder of them."""
    if suites is None:
        return []
    if suites.is_file():
        return [suites]
    return sorted(suites.glob("*.json"))


# train --------------------------------------------------------------------------------


#: Training settings that change where files go or how fast training runs, not its models.
TRAIN_KEYS_OUTSIDE_CACHE_KEY = ("cache_dir",)
#: The embedding cache under the run directory, kept across re-trains.
EMBEDDING_CACHE = Path("cache") / "embeddings"


def train_step(workflow: Workflow, base_dir: Path) -> Step:
    """Build the train step: the base model and its fine-tuning on the clean data."""
    training = workflow.train
    settings = _portable(
        training.model_dump(mode="json", exclude=set(TRAIN_KEYS_OUTSIDE_CACHE_KEY)), base_dir
    )
    if training.base_model is not None:
        settings["base_model_sha256"] = hash_path(_absolute(training.base_model, base_dir))
    holdout = _plan_holdout(workflow)
    if holdout is not None:
        settings["plan_holdout"] = holdout

    def execute(context: StepContext) -> dict[str, Any]:
        from regionkit.training import train_models

        paths = {
            name: _absolute(getattr(training, name), base_dir)
            for name in ("base_model", "image_root", "cache_dir")
            if getattr(training, name) is not None
        }
        # Keep embeddings outside the step directory, which a re-train replaces whole.
        paths.setdefault("cache_dir", context.target.parent / EMBEDDING_CACHE)
        data = _training_data(context, holdout)
        result = train_models(data=data, out=context.out, settings=training.model_copy(update=paths))
        return {"val_scores": result.val_scores, "seconds": result.seconds}

    return Step(
        name="train",
        output=OUTPUTS["train"],
        settings=settings,
        execute=execute,
        depends_on=("sync", "validate"),
    )


def _plan_holdout(workflow: Workflow) -> dict[str, Any] | None:
    """Return the plan's holdout settings when the plan treats labeled tasks as unlabeled."""
    plan = workflow.plan
    if not plan.enabled or plan.holdout_fraction == 0:
        return None
    return {"fraction": plan.holdout_fraction, "split": plan.holdout_split, "seed": plan.seed}


def _training_data(context: StepContext, holdout: dict[str, Any] | None):
    """Return the validated directory, or its data without the tasks the plan holds back.

    The plan step draws held-back tasks from the snapshot with the same settings, so
    the training data contains no task that the plan later offers as unlabeled.
    """
    if holdout is None:
        return context.inputs["validate"]

    from regionkit.labelstudio import load_snapshot
    from regionkit.planning import held_back_ids
    from regionkit.training.data import load_validated

    data = load_validated(context.inputs["validate"])
    tasks = load_snapshot(context.inputs["sync"]).tasks
    held_back = held_back_ids(
        tasks, fraction=holdout["fraction"], split=holdout["split"], seed=holdout["seed"]
    )
    logger.info("train: holding back %d tasks for the plan", len(held_back))
    kept = data.frame[~data.frame["task_id"].isin(held_back)].reset_index(drop=True)
    return dataclasses.replace(data, frame=kept)


# evaluate -----------------------------------------------------------------------------


def evaluation_settings(section: Evaluate):
    """Map the ``evaluate`` table onto :class:`regionkit.evaluation.EvaluationSettings`."""
    from regionkit.evaluation import EvaluationSettings

    return EvaluationSettings(
        primary_metric=section.primary_metric,
        n_boot=section.n_boot,
        confidence_level=section.confidence_level,
        seed=section.seed,
        n_permutations=section.n_permutations,
        min_region_size=section.min_region_size,
        max_ci_width=section.max_ci_width,
        power=section.power,
        max_gap=section.gate.max_gap,
        min_metric=tuple(section.gate.min_metric),
        gate_model=section.gate.model,
        models=tuple(section.models) if section.models else None,
    )


def evaluate_step(workflow: Workflow) -> Step:
    """Build the evaluate step: per-region metrics, gaps, reports and the gate."""
    section = workflow.evaluate
    settings = section.model_dump(mode="json")

    def execute(context: StepContext) -> dict[str, Any]:
        from regionkit.evaluation import evaluate_models

        run = evaluate_models(
            model_dir=context.inputs["train"],
            data=context.inputs["validate"],
            out=context.out,
            settings=evaluation_settings(section),
            progress=_show_progress(),
            check_gate=False,
        )
        report = json.loads((context.out / "report.json").read_text(encoding="utf-8"))
        return {
            "gate": report.get("gate", {"passed": True, "failures": []}),
            "reused_predictions": run.reused_predictions,
        }

    return Step(
        name="evaluate",
        output=OUTPUTS["evaluate"],
        settings=settings,
        execute=execute,
        depends_on=("validate", "train"),
    )


# plan ---------------------------------------------------------------------------------


def plan_step(workflow: Workflow) -> Step:
    """Build the optional plan step: the next labeling round per region."""
    section = workflow.plan
    settings = section.model_dump(mode="json")

    def execute(context: StepContext) -> dict[str, Any]:
        return _make_plan(section, context)

    return Step(
        name="plan",
        output=OUTPUTS["plan"],
        settings=settings,
        execute=execute,
        depends_on=("sync", "validate", "train", "evaluate"),
    )


def _make_plan(section: Plan, context: StepContext) -> dict[str, Any]:
    """Predict the candidate tasks with the trained models and write plan.json and plan.md."""
    from regionkit.planning import plan_from_files

    run = plan_from_files(
        report=context.inputs["evaluate"],
        snapshot=context.inputs["sync"],
        out=context.out,
        models=context.inputs["train"],
        budget=section.budget,
        hours=section.hours,
        model=section.model,
        show_progress=_show_progress(),
        uncertainty_method=section.uncertainty,
        similarity=section.similarity,
        target_gap=section.target_gap,
        measurement_share=section.measurement_share,
        insignificant_weight=section.insignificant_weight,
        holdout_fraction=section.holdout_fraction,
        holdout_split=section.holdout_split,
        seed=section.seed,
    )
    return {"tasks": run.plan.total_tasks, "candidates": run.candidates}


# manifest helpers ---------------------------------------------------------------------


def manifest_settings(loaded: LoadedWorkflow) -> dict[str, Any]:
    """Return the resolved workflow settings for the run manifest (no secret, by design)."""
    return _portable(loaded.workflow.model_dump(mode="json", by_alias=True), loaded.base_dir)


def input_files(loaded: LoadedWorkflow) -> list[dict[str, Any]]:
    """Return every input file or folder the workflow reads, with its content hash."""
    workflow = loaded.workflow
    named: list[tuple[str, Path | None]] = [("workflow", loaded.path)]
    if isinstance(workflow.source, FileSource):
        named += [
            ("source.path", workflow.source.path),
            ("source.labeling_config", workflow.source.labeling_config),
        ]
    named.append(("validate.suites", workflow.validate_.suites))
    if workflow.train.base_model is not None:
        named.append(("train.base_model", _absolute(workflow.train.base_model, loaded.base_dir)))
    return [
        {"key": key, "path": str(path), "sha256": hash_path(path)}
        for key, path in named
        if path is not None and path.exists()
    ]


def seeds_of(workflow: Workflow) -> dict[str, int]:
    """Return every seed the run uses, by table."""
    seeds = {
        "workflow": workflow.seed,
        "validate.split": workflow.validate_.split.seed,
        "train": workflow.train.seed,
        "evaluate": workflow.evaluate.seed,
    }
    if workflow.plan.enabled:
        seeds["plan"] = workflow.plan.seed
    return seeds


# helpers ------------------------------------------------------------------------------


def _absolute(path: Path, base_dir: Path) -> Path:
    path = Path(path).expanduser()
    return path if path.is_absolute() else (base_dir / path).resolve()


def _portable(payload: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """Rewrite absolute paths under ``base_dir`` as relative ones, so cache keys survive a move."""

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: convert(item) for key, item in value.items()}
        if isinstance(value, list):
            return [convert(item) for item in value]
        if isinstance(value, str) and os.path.isabs(value):
            try:
                return Path(value).relative_to(base_dir).as_posix()
            except ValueError:
                return value
        return value

    return convert(payload)


def _plain(value: Any) -> Any:
    """Return ``value`` as JSON-safe data for the step marker."""
    return json.loads(json.dumps(value, default=str))
