"""Expectation suites: the built-in suite generated from a snapshot, and suite JSON files.

Each expectation of the built-in suite carries ``meta["regionkit_check"]``, the check
name that appears in reports and in quarantine reasons. Only import this module from
inside functions: it imports Great Expectations.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import great_expectations as gx  # noqa: E402  (after expectations: it sets GX_ANALYTICS_ENABLED)
import great_expectations.expectations as gxe  # noqa: E402

from regionkit.errors import InputError
from regionkit.i18n import _
from regionkit.validators import expectations as regionkit_expectations
from regionkit.validators.settings import CheckSettings

logger = logging.getLogger(__name__)

BUILTIN_SUITE_NAME = "regionkit_builtin"
CHECK_META_KEY = "regionkit_check"


@dataclass(frozen=True)
class SuiteContext:
    """Snapshot facts that the built-in suite is generated from."""

    text_column: str
    labels: Sequence[str]
    regions: Sequence[str]
    columns: Sequence[str]
    split_column: str = "split"
    is_text: bool = True


def _with_check(expectation: Any, check: str, settings: CheckSettings, *, row_level: bool) -> Any:
    severity = settings.severity_of(check)
    expectation.meta = {**(expectation.meta or {}), CHECK_META_KEY: check}
    expectation.severity = severity
    if row_level and severity == "critical":
        # GX passes the expectation while at most row_tolerance of the rows fail, so the gate
        # tolerates a few bad rows. The flagged rows are quarantined either way.
        expectation.mostly = round(1.0 - settings.row_tolerance, 6)
    return expectation


def build_builtin_suite(context: SuiteContext, settings: CheckSettings) -> gx.ExpectationSuite:
    """Generate the built-in expectation suite from the labeling config's labels and the regions.

    Checks whose severity is ``off``, and checks whose columns the snapshot lacks (agreement,
    consensus), are left out.

    Parameters
    ----------
    context : SuiteContext
        Text column, labels, regions and columns of the snapshot.
    settings : CheckSettings
        Thresholds and severities.

    Returns
    -------
    great_expectations.ExpectationSuite
        The suite, named ``regionkit_builtin``.
    """
    text_column = context.text_column
    labels = list(context.labels)
    regions = list(context.regions)
    columns = set(context.columns)
    split = context.split_column
    X = regionkit_expectations
    candidates: list[tuple[str, bool, Any]] = []

    required = ["task_id", "region", "label", text_column]
    for column in required:
        candidates.append(("missing_columns", False, gxe.ExpectColumnToExist(column=column)))
    candidates += [
        ("duplicate_task_id", True, X.ExpectColumnValuesToBeFirstOccurrence(column="task_id")),
        ("missing_label", True, gxe.ExpectColumnValuesToNotBeNull(column="label")),
        ("unknown_label", True, gxe.ExpectColumnValuesToBeInSet(column="label", value_set=labels)),
        ("missing_region", True, gxe.ExpectColumnValuesToNotBeNull(column="region")),
        (
            "unknown_region",
            True,
            gxe.ExpectColumnValuesToBeInSet(column="region", value_set=regions),
        ),
        ("missing_text", True, gxe.ExpectColumnValuesToNotBeNull(column=text_column)),
    ]
    if context.is_text:
        region_scripts = {
            region: scripts
            for region in regions
            if (scripts := settings.scripts_for(region)) is not None
        }
        candidates += [
            (
                "blank_text",
                True,
                gxe.ExpectColumnValuesToNotMatchRegex(column=text_column, regex=r"^\s*$"),
            ),
            (
                "text_length",
                True,
                gxe.ExpectColumnValueLengthsToBeBetween(
                    column=text_column, min_value=settings.min_length, max_value=settings.max_length
                ),
            ),
            (
                "literal_escapes",
                True,
                X.ExpectColumnValuesToHaveNoLiteralEscapes(column=text_column),
            ),
            ("mojibake", True, X.ExpectColumnValuesToHaveNoMojibake(column=text_column)),
            ("html_entities", True, X.ExpectColumnValuesToHaveNoHtmlEntities(column=text_column)),
        ]
        if region_scripts:
            candidates.append(
                (
                    "script_mismatch",
                    True,
                    X.ExpectTextScriptToMatchRegion(
                        column_list=["region", text_column],
                        region_scripts=region_scripts,
                        min_letters=settings.min_script_letters,
                    ),
                )
            )
    leakage_columns = (
        [split, text_column]
        if settings.leakage_scope == "global"
        else [split, "region", text_column]
    )
    candidates += [
        (
            "duplicate_in_region",
            True,
            X.ExpectTextToBeUniqueWithinGroups(
                column_list=["region", split, text_column], text_match=settings.text_match
            ),
        ),
        (
            "duplicate_across_regions",
            True,
            X.ExpectTextToBeUniqueAcrossRegions(
                column_list=["region", text_column], text_match=settings.text_match
            ),
        ),
        (
            "conflicting_labels",
            True,
            X.ExpectSameTextToHaveSameLabel(
                column_list=["label", text_column], text_match=settings.text_match
            ),
        ),
        (
            "train_test_leakage",
            True,
            X.ExpectNoSplitLeakage(column_list=leakage_columns, text_match=settings.text_match),
        ),
        (
            "min_examples",
            False,
            X.ExpectMinExamplesPerRegionLabel(
                regions=regions, labels=labels, min_count=settings.min_examples
            ),
        ),
        (
            "label_distribution",
            False,
            X.ExpectLabelSharePerRegion(labels=labels, min_share=settings.min_label_share),
        ),
    ]
    if "no_consensus" in columns:
        candidates.append(
            (
                "no_consensus",
                True,
                gxe.ExpectColumnValuesToBeInSet(column="no_consensus", value_set=[False]),
            )
        )
    if {"agreement", "n_annotations"} <= columns:
        candidates.append(
            (
                "low_agreement",
                False,
                X.ExpectRegionAgreementToBeAbove(min_agreement=settings.min_agreement),
            )
        )

    expectations = [
        _with_check(expectation, check, settings, row_level=row_level)
        for check, row_level, expectation in candidates
        if settings.severity_of(check) != "off"
    ]
    return gx.ExpectationSuite(name=BUILTIN_SUITE_NAME, expectations=expectations)


def suite_to_dict(suite: gx.ExpectationSuite) -> dict:
    """Return ``suite`` as the JSON-ready dict that :func:`load_suite` reads back."""
    payload = suite.to_json_dict()
    payload.pop("id", None)
    return payload


def write_suite(suite: gx.ExpectationSuite, path: str | Path) -> Path:
    """Write ``suite`` as JSON to ``path`` (atomically) and return the path."""
    from regionkit.atomic import write_json

    return write_json(path, suite_to_dict(suite))


def _expectation_error(entry: Any) -> str | None:
    """Return why ``entry`` is not a valid GX expectation configuration, or None."""
    from great_expectations.exceptions import (
        ExpectationNotFoundError,
        InvalidExpectationConfigurationError,
    )
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
        return _("not an object with a string 'type'")
    try:
        configuration = ExpectationConfiguration(
            type=entry["type"],
            kwargs=entry.get("kwargs", {}),
            meta=entry.get("meta"),
            severity=entry.get("severity", "critical"),
        )
        configuration.to_domain_obj()
    except ExpectationNotFoundError:
        return _("unknown expectation type {type!r}").format(type=entry["type"])
    except (InvalidExpectationConfigurationError, TypeError, ValueError) as error:
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        return _("invalid {type!r}: {error}").format(type=entry["type"], error=first_line)
    return None


def load_suite(path: str | Path) -> gx.ExpectationSuite:
    """Read an expectation suite JSON file and check that GX kept every expectation.

    GX 1.24 drops an expectation of unknown type with only a log line, so each entry is
    built first (to name the bad one) and the loaded count is compared with the file's.

    Parameters
    ----------
    path : str or Path
        A GX 1.x ``ExpectationSuite`` JSON file (``name`` and ``expectations``).

    Returns
    -------
    great_expectations.ExpectationSuite

    Raises
    ------
    InputError
        If the file is missing or not JSON, lacks ``name`` or ``expectations``, contains an
        unknown or invalid expectation, or loses an expectation while loading.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            _("Suite file {path} not found; pass an existing ExpectationSuite JSON file.").format(
                path=path
            )
        )
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(
            _("Suite file {path} is not valid JSON ({error}); fix the file.").format(
                path=path, error=error
            )
        ) from None
    if (
        not isinstance(payload, dict)
        or not payload.get("name")
        or not isinstance(payload.get("expectations"), list)
    ):
        raise InputError(
            _(
                "Suite file {path} needs a 'name' and an 'expectations' list; write it with GX 1.x."
            ).format(path=path)
        )

    for index, entry in enumerate(payload["expectations"]):
        problem = _expectation_error(entry)
        if problem:
            raise InputError(
                _("Suite file {path}: expectation {index} is {problem}; fix or remove it.").format(
                    path=path, index=index, problem=problem
                )
            )

    payload.pop("id", None)
    suite = gx.ExpectationSuite(**payload)
    if len(suite.expectations) != len(payload["expectations"]):
        raise InputError(
            _(
                "Suite file {path} has {expected} expectations but GX loaded {loaded}; fix the file."
            ).format(
                path=path, expected=len(payload["expectations"]), loaded=len(suite.expectations)
            )
        )
    logger.info(
        "loaded suite %s with %d expectations from %s", suite.name, len(suite.expectations), path
    )
    return suite
