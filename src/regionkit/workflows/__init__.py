"""Workflow files and the pipeline that chains sync, validate, train and evaluate.

Public API (imported lazily, so ``import regionkit.workflows`` stays cheap):

- :func:`load_workflow` reads and validates a workflow file into a :class:`LoadedWorkflow`;
- :func:`run_workflow` runs its steps with caching and returns a :class:`RunResult`;
- :func:`init_project` writes a starter project (``regionkit init``).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "load_workflow": "regionkit.workflows.loader",
    "LoadedWorkflow": "regionkit.workflows.loader",
    "Workflow": "regionkit.workflows.model",
    "run_workflow": "regionkit.workflows.pipeline",
    "RunResult": "regionkit.workflows.pipeline",
    "StepRecord": "regionkit.workflows.runner",
    "init_project": "regionkit.workflows.starter",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'regionkit.workflows' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
