"""``validate_snapshot``: clean a snapshot's text, run the expectation suites, quarantine rows.

Nothing is lost: every input row ends in ``clean.parquet`` or in ``quarantine.parquet``
(with its reasons), and the counts are checked before anything is written.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from regionkit.atomic import unwritable_parent
from regionkit.errors import GateFailed, InputError
from regionkit.i18n import _
from regionkit.validators.cleaning import clean_text, count_by_region, region_keys
from regionkit.validators.outputs import write_outputs
from regionkit.validators.quarantine import split_quarantine
from regionkit.validators.settings import CheckSettings, CleaningSettings, SplitSettings
from regionkit.validators.summary import build_summary, script_profile

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ValidationResult:
    """Output directory, row counts and gate outcome of one ``validate_snapshot`` run."""

    out: Path
    passed: bool
    rows_in: int
    rows_clean: int
    rows_quarantined: int
    failures: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict, repr=False)

    def raise_for_gate(self) -> None:
        """Raise :class:`~regionkit.errors.GateFailed` when a critical check failed."""
        if self.passed:
            return
        names = ", ".join(sorted({failure["check"] for failure in self.failures}))
        raise GateFailed(
            _("Validation failed critical checks: {checks}; see {report}.").format(
                checks=names, report=self.out / "validation.html"
            )
        )


def _check_out(out: Path, snapshot: Path) -> None:
    """Reject an output directory whose replacement would delete data that is not ours."""
    if out.resolve() == snapshot.resolve():
        raise InputError(
            _("--out {path} is the snapshot directory; choose another output directory.").format(
                path=out
            )
        )
    if out.is_file():
        raise InputError(_("--out {path} is a file; choose a directory.").format(path=out))
    # The output directory is replaced as a whole, so only a previous validation may be there.
    if out.is_dir() and any(out.iterdir()) and not (out / "summary.json").is_file():
        raise InputError(
            _(
                "--out {path} exists and is not a validation output; choose a new or empty directory."
            ).format(path=out)
        )
    parent = unwritable_parent(out)
    if parent is not None:
        raise InputError(
            _("--out {path} cannot be written: {parent} is read-only; choose another directory.").format(
                path=out, parent=parent
            )
        )


def _regions_of(manifest: dict, tasks: pd.DataFrame, checks: CheckSettings) -> list[str]:
    if checks.regions:
        return list(dict.fromkeys(checks.regions))
    names = [
        str(project["region"])
        for project in manifest.get("projects") or []
        if project.get("region")
    ]
    names += [str(name) for name in ((manifest.get("counts") or {}).get("by_region") or {})]
    if not names:
        names = sorted(str(name) for name in tasks["region"].dropna().unique())
    return list(dict.fromkeys(names))


def _check_inputs(
    tasks: pd.DataFrame, manifest: dict, snapshot: Path
) -> tuple[str, list[str], bool]:
    labels = manifest.get("labels")
    if not labels or not isinstance(labels, list):
        raise InputError(
            _(
                "Snapshot manifest {path} has no 'labels' list; run 'regionkit sync' with a labeling config that has Choices."
            ).format(path=snapshot / "manifest.json")
        )
    input_field = manifest.get("input_field") or "text"
    text_column = f"data.{input_field}"
    missing = [
        name for name in ("task_id", "region", "label", text_column) if name not in tasks.columns
    ]
    if missing:
        raise InputError(
            _(
                "Snapshot {path} lacks column(s) {columns}; run 'regionkit sync' again to rebuild tasks.parquet."
            ).format(path=snapshot, columns=", ".join(missing))
        )
    is_text = (manifest.get("input_type") or "Text") == "Text"
    return text_column, [str(label) for label in labels], is_text


def validate_snapshot(
    *,
    snapshot: str | Path,
    out: str | Path,
    suite_paths: Sequence[str | Path] = (),
    checks: CheckSettings | None = None,
    cleaning: CleaningSettings | None = None,
    splits: SplitSettings | None = None,
    builtin_suite: bool = True,
) -> ValidationResult:
    """Clean and validate a snapshot; write clean rows, quarantined rows and reports to ``out``.

    Parameters
    ----------
    snapshot : str or Path
        Snapshot directory written by ``regionkit sync`` (``tasks.parquet``, ``manifest.json``).
    out : str or Path
        Output directory, replaced atomically: ``clean.parquet``, ``quarantine.parquet``,
        ``summary.json``, ``validation_result.json``, ``validation.html``, ``manifest.json``
        and ``suites/regionkit_builtin.json``.
    suite_paths : sequence of str or Path, default=()
        GX 1.x expectation suite JSON files, run after the built-in suite.
    checks : CheckSettings, optional
        Check thresholds and severities; defaults to ``CheckSettings()``.
    cleaning : CleaningSettings, optional
        Cleaning steps; defaults to ``CleaningSettings()``.
    splits : SplitSettings, optional
        How the ``split`` column is assigned; defaults to ``SplitSettings()``.
    builtin_suite : bool, default=True
        Whether to run the suite generated from the labeling config and regions.

    Returns
    -------
    ValidationResult
        Counts, gate outcome and the summary; call ``raise_for_gate()`` to turn a failed
        gate into :class:`~regionkit.errors.GateFailed` (exit code 1).

    Raises
    ------
    InputError
        If the snapshot, a suite file or a setting is invalid, or ``out`` is the snapshot,
        a file, or a directory that holds files other than a previous validation output.
    """
    from regionkit.console import stderr

    checks = checks if checks is not None else CheckSettings()
    cleaning = cleaning if cleaning is not None else CleaningSettings()
    splits = splits if splits is not None else SplitSettings()
    for name, value, kind in (
        ("checks", checks, CheckSettings),
        ("cleaning", cleaning, CleaningSettings),
        ("splits", splits, SplitSettings),
    ):
        if not isinstance(value, kind):
            raise InputError(
                _("{parameter} must be a {kind}, not {value!r}.").format(
                    parameter=name, kind=kind.__name__, value=type(value).__name__
                )
            )
    snapshot, out = Path(snapshot), Path(out)
    _check_out(out, snapshot)

    from regionkit.validators.snapshot_input import read_snapshot

    tasks, manifest = read_snapshot(snapshot)
    text_column, labels, is_text = _check_inputs(tasks, manifest, snapshot)
    regions = _regions_of(manifest, tasks, checks)

    with stderr.status(_("Loading Great Expectations and suites...")):
        from regionkit.validators.gx_runner import run_suites
        from regionkit.validators.suites import SuiteContext, build_builtin_suite, load_suite

        user_suites = [load_suite(path) for path in suite_paths]

    frame = tasks.reset_index(drop=True)
    n_rows = len(frame)
    frame["original_input"] = frame[text_column]
    region_key = region_keys(frame["region"])

    with stderr.status(_("Cleaning {rows} rows...").format(rows=n_rows)):
        input_defects: dict[str, dict[str, int]] = {}
        cleaning_counts: dict[str, dict[str, int]] = {}
        if is_text:
            from regionkit.validators import text

            raw = frame[text_column].astype("string")
            input_defects = {
                "literal_escapes": count_by_region(text.literal_escape_mask(raw), region_key),
                "html_entities": count_by_region(text.html_entity_mask(raw), region_key),
                "mojibake": count_by_region(text.mojibake_mask(raw), region_key),
            }
            frame[text_column], cleaning_counts = clean_text(raw, region_key, cleaning)
        frame["split"] = _assign_split(frame, splits)

    suites = []
    if builtin_suite:
        context = SuiteContext(
            text_column=text_column,
            labels=labels,
            regions=regions,
            columns=list(frame.columns),
            is_text=is_text,
        )
        suites.append(build_builtin_suite(context, checks))
    suites += user_suites
    with stderr.status(
        _("Running {count} expectation suite(s) on {rows} rows...").format(
            count=len(suites), rows=n_rows
        )
    ):
        # NOTE: dataset-level checks (min_examples, label_distribution, low_agreement) see every
        # row, including rows that end in quarantine, so they can pass on slightly more rows
        # than clean.parquet holds.
        outcomes, raw_results = run_suites(frame, suites)

    clean, quarantine, flags, quarantined = split_quarantine(
        frame,
        outcomes,
        text_column=text_column,
        region_key=region_key,
        checks=checks,
        cleaning=cleaning,
        cleaning_counts=cleaning_counts,
    )

    failures = [
        outcome.to_dict()
        for outcome in outcomes
        if not outcome.success and outcome.severity == "critical"
    ]
    summary = build_summary(
        frame=frame,
        text_column=text_column,
        region_key=region_key,
        regions=regions,
        outcomes=outcomes,
        flags=flags,
        quarantined=quarantined,
        cleaning_counts=cleaning_counts,
        input_defects=input_defects,
        script_profile=script_profile(frame[text_column], region_key) if is_text else {},
        failures=failures,
        suites=suites,
        snapshot=snapshot,
        manifest=manifest,
        settings={
            "checks": checks.model_dump(),
            "cleaning": cleaning.model_dump(),
            "splits": splits.model_dump(),
        },
    )
    with stderr.status(_("Writing {path}...").format(path=out)):
        write_outputs(
            out=out,
            clean=clean,
            quarantine=quarantine,
            summary=summary,
            raw_results=raw_results,
            suites=suites,
            manifest=manifest,
            regions=regions,
            labels=labels,
        )
    logger.info("validated %d rows: %d clean, %d quarantined", n_rows, len(clean), len(quarantine))
    return ValidationResult(
        out=out,
        passed=not failures,
        rows_in=n_rows,
        rows_clean=len(clean),
        rows_quarantined=len(quarantine),
        failures=failures,
        summary=summary,
    )


def _assign_split(frame: pd.DataFrame, splits: SplitSettings) -> pd.Series:
    from regionkit.splits import assign_splits

    split_column = splits.field if splits.field and splits.field in frame.columns else None
    return assign_splits(
        frame,
        split_column=split_column,
        group_column=splits.group_field,
        val_size=splits.val_size,
        test_size=splits.test_size,
        seed=splits.seed,
    )
