"""The JSON-ready summary of a validation run: totals, checks, regions, cleaning and gate."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from regionkit.validators.cleaning import count_by_region

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_SCHEMA_VERSION = 1
#: Rows per region whose dominant script is profiled for the report.
SCRIPT_PROFILE_SAMPLE = 2000


def script_profile(
    text: pd.Series, regions: pd.Series, *, seed: int = 0
) -> dict[str, dict[str, int]]:
    """Count the dominant script of a sample of each region's texts."""
    from regionkit.validators.text import dominant_script

    profile: dict[str, dict[str, int]] = {}
    frame = text.to_frame("text").assign(region=regions.to_numpy())
    for region, rows in frame.groupby("region"):
        sample = (
            rows
            if len(rows) <= SCRIPT_PROFILE_SAMPLE
            else rows.sample(SCRIPT_PROFILE_SAMPLE, random_state=seed)
        )
        counts = dominant_script(sample["text"]).fillna("(too short)").value_counts()
        profile[str(region)] = {str(name): int(count) for name, count in counts.items()}
    return profile


def build_summary(
    *,
    frame,
    text_column,
    region_key,
    regions,
    outcomes,
    flags,
    quarantined,
    cleaning_counts,
    input_defects,
    script_profile,
    failures,
    suites,
    snapshot,
    manifest,
    settings,
) -> dict:
    """Return the JSON-ready summary: totals, per-check and per-region counts, cleaning and gate."""
    region_values = region_key.to_numpy()
    names = list(dict.fromkeys([*regions, *sorted(set(region_values))]))
    per_region: dict[str, dict] = {}
    for name in names:
        rows = region_values == name
        per_region[name] = {
            "rows": int(rows.sum()),
            "clean": int((rows & ~quarantined).sum()),
            "quarantined": int((rows & quarantined).sum()),
            "flagged": {
                check: int((mask & rows).sum())
                for check, mask in flags.items()
                if (mask & rows).any()
            },
            "cleaning": {
                step: counts.get(name, 0)
                for step, counts in cleaning_counts.items()
                if counts.get(name)
            },
            "input_defects": {
                kind: counts.get(name, 0)
                for kind, counts in input_defects.items()
                if counts.get(name)
            },
            "splits": {
                str(k): int(v)
                for k, v in frame.loc[rows & ~quarantined, "split"].value_counts().items()
            },
            "scripts": script_profile.get(name, {}),
        }

    check_entries = []
    for outcome in outcomes:
        entry = outcome.to_dict()
        if outcome.row_level and outcome.unexpected_rows is not None:
            entry["by_region"] = count_by_region(_mask_of(outcome, len(frame)), region_key)
        check_entries.append(entry)

    reason_counts = {
        name: int((mask & quarantined).sum())
        for name, mask in flags.items()
        if (mask & quarantined).any()
    }
    return {
        "schema_version": SUMMARY_SCHEMA_VERSION,
        "created_at": datetime.now(timezone.utc).isoformat(),
        "snapshot": {"path": str(snapshot), "content_hash": manifest.get("content_hash")},
        "suites": [suite.name for suite in suites],
        "text_column": text_column,
        "rows": {
            "in": len(frame),
            "clean": int((~quarantined).sum()),
            "quarantined": int(quarantined.sum()),
        },
        "gate": {
            "passed": not failures,
            "failures": sorted({failure["check"] for failure in failures}),
        },
        "checks": check_entries,
        "regions": per_region,
        "cleaning": cleaning_counts,
        "input_defects": input_defects,
        "quarantine_reasons": reason_counts,
        "settings": settings,
    }


def _mask_of(outcome, n_rows: int):
    import numpy as np

    mask = np.zeros(n_rows, dtype=bool)
    mask[outcome.unexpected_rows] = True
    return mask
