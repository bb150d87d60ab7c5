"""Write a plan as ``plan.json`` and ``plan.md``, and read ``plan.json`` back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from regionkit.atomic import write_json, write_text
from regionkit.errors import InputError
from regionkit.i18n import _
from regionkit.planning.plan import PLAN_SCHEMA_VERSION, Plan


def write_plan(plan: Plan, out_dir: str | Path) -> dict[str, Path]:
    """Write ``plan.json`` and ``plan.md`` into ``out_dir`` atomically and return their paths."""
    from regionkit.reports.plan_markdown import render_plan_markdown

    out = Path(out_dir)
    document = plan.to_dict()
    return {
        "json": write_json(out / "plan.json", document),
        "markdown": write_text(
            out / "plan.md", render_plan_markdown(plan.to_dict(localized=True))
        ),
    }


def read_plan(path: str | Path) -> dict[str, Any]:
    """Read a ``plan.json`` (or the directory that contains it).

    Raises
    ------
    InputError
        If the file is missing, not JSON, or not a plan of this schema version.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "plan.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            _("Plan file {path} not found; run 'regionkit plan' first.").format(path=path)
        ) from None
    except json.JSONDecodeError as error:
        raise InputError(
            _("Plan file {path} is not valid JSON ({error}).").format(path=path, error=error)
        ) from None
    if not isinstance(document, dict) or document.get("schema_version") != PLAN_SCHEMA_VERSION:
        raise InputError(
            _("{path} is not a regionkit plan of schema version {version}.").format(
                path=path, version=PLAN_SCHEMA_VERSION
            )
        )
    return document
