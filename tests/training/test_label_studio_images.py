"""A real Label Studio image project of handwritten digits: sync, validate and train the image CNN."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.labelstudio

DIGITS = ("0", "1", "7")
LABELING_CONFIG = (
    '<View><Image name="image" value="$image"/>'
    '<Choices name="digit" toName="image">'
    + "".join(f'<Choice value="{digit}"/>' for digit in DIGITS)
    + "</Choices></View>"
)


@pytest.fixture(scope="module")
def digits_project(label_studio, ls_client) -> int:
    """30 digit images per class under the server's local-files root, annotated, in two regions."""
    from PIL import Image
    from sklearn.datasets import load_digits

    folder = label_studio.document_root / "digits"
    folder.mkdir(parents=True, exist_ok=True)
    digits = load_digits()
    tasks, labels = [], []
    per_label = {digit: 0 for digit in DIGITS}
    for index, (pixels, target) in enumerate(zip(digits.images, digits.target, strict=False)):
        label = str(target)
        if label not in per_label or per_label[label] >= 30:
            continue
        per_label[label] += 1
        Image.fromarray((pixels * 255 / 16).astype(np.uint8)).save(folder / f"digit-{index}.png")
        tasks.append(
            {
                "image": f"/data/local-files/?d=digits/digit-{index}.png",
                "region": ("north", "south")[index % 2],
            }
        )
        labels.append(label)

    project = ls_client.projects.create(title="Handwritten digits", label_config=LABELING_CONFIG)
    ls_client.projects.import_tasks(id=project.id, request=tasks)
    by_image = {task["image"]: label for task, label in zip(tasks, labels, strict=False)}
    for task in ls_client.tasks.list(project=project.id):
        result = [
            {
                "from_name": "digit",
                "to_name": "image",
                "type": "choices",
                "value": {"choices": [by_image[task.data["image"]]]},
            }
        ]
        ls_client.annotations.create(id=task.id, result=result)
    return project.id


def test_image_project_end_to_end(label_studio, digits_project, tmp_path):
    from regionkit.config import LabelStudioSettings
    from regionkit.labelstudio import RegionField, ServerSource, sync_snapshot
    from regionkit.training import predict_frame, train_models
    from regionkit.validators.pipeline import validate_snapshot

    settings = LabelStudioSettings(url=label_studio.url, api_key=label_studio.token)
    sync_snapshot(
        source=ServerSource((digits_project,), settings),
        region=RegionField("region"),
        out=tmp_path / "snapshot",
        show_progress=False,
    )
    validate_snapshot(snapshot=tmp_path / "snapshot", out=tmp_path / "validated")

    result = train_models(
        data=tmp_path / "validated",
        out=tmp_path / "models",
        settings={
            "base_epochs": 25,
            "epochs": 3,
            "patience": 8,
            "batch_size": 16,
            "image_size": 16,
            "base_learning_rate": 0.01,
            "image_root": label_studio.document_root,
            "threads": 2,
        },
    )
    assert result.manifest["input_type"] == "Image"
    assert result.manifest["labels"] == list(DIGITS)
    assert result.manifest["regions"] == ["north", "south"]

    import pandas as pd

    clean = pd.read_parquet(tmp_path / "validated" / "clean.parquet")
    predictions = predict_frame(result.model_dir, clean, models=("fine_tuned",))
    merged = predictions.merge(clean[["task_id", "label"]], on="task_id")
    # Three digit classes: chance is 1/3.
    assert (merged["y_pred"] == merged["label"]).mean() > 0.6
