"""Planning on real TensorFlow models: the UMSAB demo's simulated round in miniature."""

from __future__ import annotations

import json

import pytest

from regionkit.evaluation import EvaluationSettings, evaluate_models
from regionkit.planning import candidate_tasks, make_plan
from regionkit.planning.inputs import predict_tasks
from regionkit.training import train_models
from training.samples import FAST, make_frame, write_validated


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A validated frame, a joint model trained on it, and its evaluation report; de lags.

    Half of the de test labels are rotated to another label, so de lags the whole
    while training (train and val splits) is unaffected.
    """
    root = tmp_path_factory.mktemp("plan-models")
    frame = make_frame(regions=("en", "fr", "de"))
    de_test = frame.index[(frame["region"] == "de") & (frame["split"] == "test")][::2]
    rotation = {"negative": "neutral", "neutral": "positive", "positive": "negative"}
    frame.loc[de_test, "label"] = frame.loc[de_test, "label"].map(rotation)
    validated = write_validated(root / "validated", frame)
    settings = {
        **FAST,
        "strategy": "joint",
        "export_saved_model": False,
        "baseline": False,
        "tensorboard": False,
    }
    train_models(data=validated, out=root / "models", settings=settings)
    evaluate_models(
        model_dir=root / "models",
        data=validated,
        out=root / "evaluation",
        settings=EvaluationSettings(n_boot=100, min_region_size=1),
    )
    report = json.loads((root / "evaluation" / "report.json").read_text(encoding="utf-8"))
    return root, frame, report


def test_held_back_round_favors_lagging_region(trained):
    root, frame, report = trained
    candidates = candidate_tasks(frame, holdout_fraction=0.5, seed=3)
    predictions = predict_tasks(root / "models", candidates, model="fine_tuned")

    plan = make_plan(
        report=report,
        predictions=predictions,
        tasks=frame,
        budget=12,
        holdout_fraction=0.5,
        seed=3,
        similarity=0.99,
    )

    shares = {allocation.region: allocation.tasks for allocation in plan.allocations}
    assert report["models"]["fine_tuned"]["regions"]["de"]["gap_to_overall"] < 0
    assert shares["de"] == max(shares.values())
    assert plan.total_tasks == 12
    assert set(plan.tasks["task_id"]) <= set(candidates["task_id"])
    chosen_splits = frame.set_index("task_id").loc[plan.tasks["task_id"], "split"]
    assert set(chosen_splits) == {"train"}
