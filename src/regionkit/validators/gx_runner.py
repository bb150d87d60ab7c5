"""Run expectation suites on a pandas frame in an ephemeral GX context and collect outcomes.

The context lives in memory only: no files are written, usage statistics are off
(``GX_ANALYTICS_ENABLED=false``), and progress bars are switched off. Results use
``result_format="COMPLETE"`` on a frame with a unique index, so every failing row of a
map expectation is listed (GX 1.24 does not cap ``unexpected_index_list`` on pandas).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from regionkit.validators import expectations as _registered  # noqa: F401  (registers custom types)
from regionkit.validators.suites import CHECK_META_KEY

if TYPE_CHECKING:
    import great_expectations as gx
    import pandas as pd

logger = logging.getLogger(__name__)

_ID_META_KEY = "regionkit_id"
# Result entries that list every failing row; the quarantine table keeps that detail, so
# the JSON file keeps only GX's partial lists (20 rows each).
_FULL_LISTS = (
    "unexpected_list",
    "unexpected_index_list",
    "unexpected_index_query",
    "unexpected_rows",
)


@dataclass
class CheckOutcome:
    """The outcome of one expectation: which check, how severe, and which rows failed."""

    check: str
    suite: str
    expectation_type: str
    column: str | None
    severity: str
    success: bool
    row_level: bool
    unexpected_count: int = 0
    unexpected_rows: Any = field(default=None, repr=False)
    observed: Any = None
    error: str | None = None

    def to_dict(self) -> dict:
        """Return the outcome without the row list, ready for JSON."""
        return {
            "check": self.check,
            "suite": self.suite,
            "type": self.expectation_type,
            "column": self.column,
            "severity": self.severity,
            "success": self.success,
            "row_level": self.row_level,
            "unexpected_count": self.unexpected_count,
            "observed": self.observed,
            "error": self.error,
        }


@functools.lru_cache(maxsize=1)
def _batch_definition():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # great_expectations 1.24 pins this module's logger to INFO, so its "Created temporary
    # directory" line would reach the terminal without -v.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    asset = context.data_sources.add_pandas("regionkit").add_dataframe_asset("tasks")
    return asset.add_batch_definition_whole_dataframe("whole_frame")


def _column_of(kwargs: dict) -> str | None:
    if "column" in kwargs:
        return str(kwargs["column"])
    if "column_list" in kwargs:
        return ", ".join(map(str, kwargs["column_list"]))
    return None


def _error_of(exception_info: Any) -> str | None:
    if not exception_info:
        return None
    entries = (
        exception_info.values() if "raised_exception" not in exception_info else [exception_info]
    )
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return str(
                entry.get("exception_message") or "exception while computing the expectation"
            )
    return None


def _severity_of(configuration: Any) -> str:
    severity = getattr(configuration, "severity", "critical")
    return str(getattr(severity, "value", severity))


def run_suites(
    frame: pd.DataFrame, suites: Sequence[gx.ExpectationSuite]
) -> tuple[list[CheckOutcome], list[dict]]:
    """Validate ``frame`` against every suite and return the outcomes in suite order.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows to validate; its index must be unique (row positions are read from it).
    suites : sequence of great_expectations.ExpectationSuite
        Built-in and user suites. Built-in expectations name their check in
        ``meta["regionkit_check"]``; others are named ``<suite>:<type>(<column>)``.

    Returns
    -------
    outcomes : list of CheckOutcome
        One per expectation, in suite order (GX returns results grouped by column).
    results : list of dict
        The GX validation results per suite, as JSON-ready dicts with the full row lists removed.
    """
    import numpy as np

    if not frame.index.is_unique:
        raise ValueError("frame.index must be unique so that failing rows can be located")
    batch_definition = _batch_definition()
    outcomes: list[CheckOutcome] = []
    raw_results: list[dict] = []
    for suite in suites:
        for index, expectation in enumerate(suite.expectations):
            expectation.meta = {**(expectation.meta or {}), _ID_META_KEY: f"{suite.name}#{index}"}
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        logger.info("validating %d rows against suite %s", len(frame), suite.name)
        validation = batch.validate(suite, result_format={"result_format": "COMPLETE"})

        by_id = {
            result.expectation_config.meta.get(_ID_META_KEY): result
            for result in validation.results
        }
        for index in range(len(suite.expectations)):
            result = by_id.get(f"{suite.name}#{index}")
            if result is None:
                raise RuntimeError(
                    f"GX returned no result for expectation {index} of suite {suite.name}"
                )
            configuration = result.expectation_config
            details = result.result or {}
            column = _column_of(configuration.kwargs)
            check = (
                configuration.meta.get(CHECK_META_KEY)
                or f"{suite.name}:{configuration.type}({column or ''})"
            )
            row_level = "unexpected_index_list" in details
            rows = (
                np.asarray(details.get("unexpected_index_list") or [], dtype=np.int64)
                if row_level
                else None
            )
            outcomes.append(
                CheckOutcome(
                    check=str(check),
                    suite=suite.name,
                    expectation_type=configuration.type,
                    column=column,
                    severity=_severity_of(configuration),
                    success=bool(result.success),
                    row_level=row_level,
                    unexpected_count=int(details.get("unexpected_count") or 0),
                    unexpected_rows=rows,
                    observed=details.get("observed_value"),
                    error=_error_of(result.exception_info),
                )
            )

        payload = validation.to_json_dict()
        for entry in payload.get("results", []):
            for name in _FULL_LISTS:
                (entry.get("result") or {}).pop(name, None)
        raw_results.append(payload)
    return outcomes, raw_results
