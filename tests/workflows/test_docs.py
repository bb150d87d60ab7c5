"""docs/workflow.md documents every key that the workflow model accepts."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from regionkit.workflows.loader import _model_in
from regionkit.workflows.model import FileSource, ServerSource, Workflow

DOCS = Path(__file__).resolve().parents[2] / "docs" / "workflow.md"


def workflow_keys(model: type[BaseModel], table: str = "") -> list[tuple[str, str]]:
    """Return (table, key) for every leaf key, walking nested tables."""
    keys = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        if table == "" and key == "source":
            keys += workflow_keys(FileSource, "source") + workflow_keys(ServerSource, "source")
            continue
        nested = _model_in(field.annotation)
        if nested is not None:
            keys += workflow_keys(nested, f"{table}.{key}" if table else key)
        else:
            keys.append((table, key))
    return keys


def test_every_key_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [
        f"{table}.{key}" if table else key
        for table, key in workflow_keys(Workflow)
        if f"| `{key}` |" not in text or (table and f"`[{table}]`" not in text)
    ]
    assert missing == []


def test_walk_finds_nested_tables() -> None:
    keys = workflow_keys(Workflow)
    assert ("evaluate.gate", "max_gap") in keys
    assert ("validate.cleaning", "drop_leakage") in keys
    assert ("source", "api_key_env") in keys
    assert ("train", "base_epochs") in keys


def test_evaluate_table_covers_evaluation_settings() -> None:
    """Every EvaluationSettings field but the fixed lift pair is a key of the evaluate tables."""
    import dataclasses

    from regionkit.evaluation import EvaluationSettings
    from regionkit.workflows.model import Evaluate, Gate

    gate_keys = {"max_gap": "max_gap", "min_metric": "min_metric", "gate_model": "model"}
    fields = {field.name for field in dataclasses.fields(EvaluationSettings)} - {"lift"}
    uncovered = [
        name
        for name in sorted(fields)
        if name not in Evaluate.model_fields and gate_keys.get(name) not in Gate.model_fields
    ]
    assert uncovered == []


def documented_defaults() -> dict[tuple[str, str], str]:
    """Return the default column of every key row, by (table, key), from docs/workflow.md."""
    import re

    defaults: dict[tuple[str, str], str] = {}
    table = ""
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^(?:### )?`\[([a-z_.]+)\]`", line)
        if heading:
            table = heading.group(1)
        elif line.startswith("### Top level"):
            table = ""
        row = re.match(r"^\| `([a-z_]+)` \| ([^|]+) \|", line)
        if row:
            defaults.setdefault((table, row.group(1)), row.group(2).strip())
    return defaults


def toml_literal(value: object) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    return f"`{value}`"


def test_documented_defaults_match_models() -> None:
    documented = documented_defaults()
    mismatches = []
    for table, key in workflow_keys(Workflow):
        if key == "seed" and table:
            continue  # documented as the top-level seed
        models = (FileSource, ServerSource) if table == "source" else (_table_model(table),)
        fields = [
            field
            for model in models
            for name, field in model.model_fields.items()
            if (field.alias or name) == key
        ]
        default = fields[0].default if fields else None
        if not isinstance(default, (bool, int, float, str)):
            continue
        if documented.get((table, key)) != toml_literal(default):
            documented_default = documented.get((table, key))
            mismatches.append(f"{table}.{key}: docs {documented_default}, model {default!r}")
    assert mismatches == []


def _table_model(table: str) -> type[BaseModel]:
    model: type[BaseModel] = Workflow
    for part in table.split(".") if table else []:
        field = next(
            field for name, field in model.model_fields.items() if (field.alias or name) == part
        )
        model = _model_in(field.annotation)
    return model
