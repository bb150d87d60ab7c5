"""Train the built-in image CNN on real handwritten digits (scikit-learn's load_digits) written to PNG files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from regionkit.errors import InputError
from regionkit.training import predict_frame, train_models
from regionkit.training.images import resolve_image_path
from training.samples import write_validated

DIGITS = ("0", "1", "7")


@pytest.fixture(scope="module")
def digits_dir(tmp_path_factory) -> tuple[Path, object]:
    """PNG files of three digits under an image root, referenced in three URL forms, in two regions."""
    import pandas as pd
    from PIL import Image
    from sklearn.datasets import load_digits

    root = tmp_path_factory.mktemp("digits")
    (root / "images").mkdir()
    digits = load_digits()
    rows = []
    per_label = {label: 0 for label in DIGITS}
    for index, (pixels, target) in enumerate(zip(digits.images, digits.target, strict=False)):
        label = str(target)
        if label not in per_label or per_label[label] >= 40:
            continue
        count = per_label[label]
        per_label[label] += 1
        name = f"images/digit-{index}.png"
        Image.fromarray((pixels * 255 / 16).astype(np.uint8)).save(root / name)
        reference = (name, f"file://{root / name}", f"/data/local-files/?d={name}")[count % 3]
        if count % 5 < 3:
            split = "train"
        elif count % 5 == 3:
            split = "val"
        else:
            split = "test"
        rows.append(
            {
                "task_id": index,
                "region": ("north", "south")[count % 2],
                "label": label,
                "split": split,
                "data.image": reference,
            }
        )
    frame = pd.DataFrame(rows)
    write_validated(root, frame, input_field="image", input_type="Image")
    return root, frame


def test_image_model_trains_and_predicts(digits_dir, tmp_path):
    root, frame = digits_dir
    result = train_models(
        data=root,
        out=tmp_path / "models",
        settings={
            "strategy": "joint",
            "base_epochs": 25,
            "epochs": 3,
            "patience": 8,
            "batch_size": 16,
            "image_size": 16,
            "base_learning_rate": 0.01,
            "threads": 2,
        },
    )
    assert result.manifest["base_kind"] == "builtin-image"
    assert result.manifest["image_root"] == str(root.resolve())
    predictions = predict_frame(result.model_dir, frame)
    assert set(predictions["model"]) == {"base", "fine_tuned", "baseline"}
    tuned = predictions[predictions["model"] == "fine_tuned"].merge(
        frame[["task_id", "label"]], on="task_id"
    )
    # Three digit classes: chance is 1/3.
    assert (tuned["y_pred"] == tuned["label"]).mean() > 0.6
    assert (tmp_path / "models" / "saved_model" / "fine_tuned" / "saved_model.pb").is_file()


def test_image_path_outside_root_rejected(digits_dir):
    root, _frame = digits_dir
    with pytest.raises(InputError, match="outside the image root"):
        resolve_image_path("../../etc/passwd", root / "images")


def test_image_remote_url_rejected(digits_dir):
    root, _frame = digits_dir
    with pytest.raises(InputError, match="never downloads"):
        resolve_image_path("https://example.com/digit.png", root)


def test_image_missing_file_rejected(digits_dir):
    root, _frame = digits_dir
    with pytest.raises(InputError, match="not found"):
        resolve_image_path("images/missing.png", root)


def test_image_reference_forms_resolve(digits_dir):
    root, frame = digits_dir
    resolved = {str(resolve_image_path(value, root)) for value in frame["data.image"].head(3)}
    assert len(resolved) == 3
    assert all(path.startswith(str(root.resolve())) for path in resolved)
