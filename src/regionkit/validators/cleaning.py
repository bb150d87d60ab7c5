"""Text cleaning steps, each counted per region: what changed, and in how many rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from regionkit.validators import text
from regionkit.validators.settings import CleaningSettings

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: Steps that rewrite the text, in the order they run.
TEXT_STEPS = ("unicode_normalization", "html_unescape", "decode_escapes", "collapse_whitespace")
#: Steps that move rows to quarantine, and the check whose flagged rows they move.
REMOVAL_STEPS = {"drop_duplicates": "duplicate_in_region", "drop_leakage": "train_test_leakage"}

NO_REGION = "(none)"


def region_keys(region: pd.Series) -> pd.Series:
    """Return the region as text, with ``(none)`` for rows without a region (for counting)."""
    return region.astype("string").fillna(NO_REGION)


def count_by_region(mask: pd.Series | np.ndarray, regions: pd.Series) -> dict[str, int]:
    """Return the number of True rows of ``mask`` per region, leaving out zero counts."""
    import numpy as np
    import pandas as pd

    counts = pd.Series(np.asarray(mask, dtype=bool)).groupby(regions.to_numpy()).sum()
    return {str(name): int(count) for name, count in counts.items() if count}


def clean_text(
    values: pd.Series, regions: pd.Series, settings: CleaningSettings
) -> tuple[pd.Series, dict[str, dict[str, int]]]:
    """Apply the enabled text steps and count the rows each one changed, per region.

    Parameters
    ----------
    values : pandas.Series
        Raw text, one row per task.
    regions : pandas.Series
        Region of each row, as returned by :func:`region_keys`.
    settings : CleaningSettings
        Which steps run.

    Returns
    -------
    cleaned : pandas.Series
        The text after every enabled step; nulls stay null.
    counts : dict
        ``{step: {region: rows changed}}`` for every enabled step.
    """
    steps = []
    if settings.unicode_normalization:
        form = settings.unicode_normalization
        steps.append(
            ("unicode_normalization", lambda series: text.normalize_unicode(series, form=form))
        )
    if settings.html_unescape:
        steps.append(("html_unescape", text.unescape_html))
    if settings.decode_escapes:
        steps.append(("decode_escapes", text.decode_literal_escapes))
    if settings.collapse_whitespace:
        steps.append(("collapse_whitespace", text.collapse_whitespace))

    current = values.astype("string")
    counts: dict[str, dict[str, int]] = {}
    for name, step in steps:
        updated = step(current)
        changed = (updated != current).fillna(False)
        counts[name] = count_by_region(changed, regions)
        current = updated
    return current, counts
