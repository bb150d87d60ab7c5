"""Split validated rows into clean and quarantined ones, with every reason per quarantined row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regionkit.validators.cleaning import REMOVAL_STEPS, count_by_region
from regionkit.validators.settings import CHECK_NAMES, CheckSettings, CleaningSettings

if TYPE_CHECKING:
    import pandas as pd

#: English descriptions of quarantine reasons, stored in ``reason_text`` (not translated).
REASON_TEXT = {
    "duplicate_task_id": "task id repeats an earlier row",
    "missing_text": "text is missing",
    "blank_text": "text is empty or whitespace",
    "text_length": "text length is outside the configured bounds",
    "missing_label": "no consensus label",
    "unknown_label": "label is not in the labeling config",
    "missing_region": "region is missing",
    "unknown_region": "region is not in the configured set",
    "script_mismatch": "text is not in a script its region expects",
    "literal_escapes": "text contains literal \\uXXXX escapes",
    "mojibake": "text contains mojibake (UTF-8 read as Windows-1252)",
    "html_entities": "text contains HTML entities",
    "duplicate_in_region": "text repeats an earlier row of the same region and split",
    "duplicate_across_regions": "text also appears in another region",
    "conflicting_labels": "the same text carries different labels",
    "train_test_leakage": "text also appears in a later split (val or test)",
    "no_consensus": "annotators tie, no consensus",
}


def _row_flags(outcomes: list, n_rows: int) -> tuple[dict[str, Any], Any]:
    """Return ``{check: mask of flagged rows}`` and the mask of rows that a critical check flagged."""
    import numpy as np

    flags: dict[str, np.ndarray] = {}
    critical = np.zeros(n_rows, dtype=bool)
    for outcome in outcomes:
        if not outcome.row_level or outcome.unexpected_rows is None:
            continue
        mask = flags.setdefault(outcome.check, np.zeros(n_rows, dtype=bool))
        mask[outcome.unexpected_rows] = True
        if outcome.severity == "critical":
            critical[outcome.unexpected_rows] = True
    return flags, critical


def _removal_mask(
    check: str, frame: pd.DataFrame, text_column: str, flags: dict, checks: CheckSettings
):
    """Return the rows a removal step drops: the check's flagged rows, computed here if the check is off."""
    from regionkit.validators import text

    if check in flags:
        return flags[check]
    key = text.match_key(frame[text_column], mode=checks.text_match)
    if check == "duplicate_in_region":
        return text.later_copies(key, by=[frame["region"], frame["split"]]).to_numpy()
    region = frame["region"] if checks.leakage_scope == "region" else None
    return text.leaked_rows(key, frame["split"], region=region).to_numpy()


def _reasons(flags: dict[str, Any], rows: Any) -> list[list[str]]:
    import numpy as np

    order = [name for name in CHECK_NAMES if name in flags] + sorted(set(flags) - set(CHECK_NAMES))
    if not order:
        return [[] for _ in range(int(rows.sum()))]
    matrix = np.column_stack([flags[name][rows] for name in order])
    return [[order[j] for j in np.flatnonzero(line)] for line in matrix]


def split_quarantine(
    frame: pd.DataFrame,
    outcomes: list,
    *,
    text_column: str,
    region_key: pd.Series,
    checks: CheckSettings,
    cleaning: CleaningSettings,
    cleaning_counts: dict[str, dict[str, int]],
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], Any]:
    """Return the clean rows, the quarantined rows, the flags per check and the quarantine mask.

    Rows flagged by a critical row-level check, rows dropped by ``drop_duplicates`` or
    ``drop_leakage``, and rows without a label are quarantined. ``cleaning_counts`` gains
    the per-region counts of the drop steps.

    Raises
    ------
    RuntimeError
        If clean and quarantined rows do not add up to the input rows (a bug).
    """
    import numpy as np

    n_rows = len(frame)
    flags, quarantined = _row_flags(outcomes, n_rows)
    for step, check in REMOVAL_STEPS.items():
        if getattr(cleaning, step):
            removed = np.asarray(
                _removal_mask(check, frame, text_column, flags, checks), dtype=bool
            )
            if step == "drop_duplicates" and not cleaning.dedupe_test:
                removed &= (frame["split"] != "test").to_numpy(dtype=bool, na_value=True)
            flags[check] = removed
            cleaning_counts[step] = count_by_region(removed, region_key)
            quarantined |= removed
    # The validated-data contract keeps only labelled rows in clean.parquet, whatever the severity.
    unlabelled = frame["label"].isna().to_numpy()
    flags["missing_label"] = flags.get("missing_label", np.zeros(n_rows, dtype=bool)) | unlabelled
    quarantined |= unlabelled

    clean = frame.loc[~quarantined].reset_index(drop=True)
    quarantine = frame.loc[quarantined].reset_index(drop=True)
    reasons = _reasons(flags, quarantined)
    quarantine["reasons"] = reasons
    quarantine["reason_text"] = [
        "; ".join(f"{name}: {REASON_TEXT.get(name, name)}" for name in names) for names in reasons
    ]
    if len(clean) + len(quarantine) != n_rows:
        raise RuntimeError(
            f"row count mismatch: {len(clean)} clean + {len(quarantine)} quarantined != {n_rows} input rows"
        )

    return clean, quarantine, flags, quarantined
