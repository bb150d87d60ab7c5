"""Settings of ``regionkit validate``: check severities and thresholds, cleaning steps, splits.

The workflow file and the CLI build these models. Every field has a documented default
that suits a first run on tweet-sized text such as the UMSAB sample.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from regionkit.i18n import _

Severity = Literal["critical", "warning", "off"]

#: Row-level checks: each one flags single rows, and a critical one quarantines them.
ROW_CHECKS = (
    "duplicate_task_id",
    "missing_text",
    "blank_text",
    "text_length",
    "missing_label",
    "unknown_label",
    "missing_region",
    "unknown_region",
    "script_mismatch",
    "literal_escapes",
    "mojibake",
    "html_entities",
    "duplicate_in_region",
    "duplicate_across_regions",
    "conflicting_labels",
    "train_test_leakage",
    "no_consensus",
)
#: Dataset-level checks: each one judges the whole table or one region, never a single row.
DATASET_CHECKS = ("missing_columns", "min_examples", "label_distribution", "low_agreement")
CHECK_NAMES = DATASET_CHECKS[:1] + ROW_CHECKS + DATASET_CHECKS[1:]

#: Default severity of every built-in check. Duplicates and leakage only warn because the
#: cleaning steps ``drop_duplicates`` and ``drop_leakage`` already move the copies to quarantine.
DEFAULT_SEVERITY: dict[str, Severity] = {
    "missing_columns": "critical",
    "duplicate_task_id": "critical",
    "missing_text": "critical",
    "blank_text": "critical",
    "text_length": "critical",
    "missing_label": "critical",
    "unknown_label": "critical",
    "missing_region": "critical",
    "unknown_region": "critical",
    "script_mismatch": "warning",
    "literal_escapes": "critical",
    "mojibake": "warning",
    "html_entities": "critical",
    "duplicate_in_region": "warning",
    "duplicate_across_regions": "warning",
    "conflicting_labels": "warning",
    "train_test_leakage": "warning",
    "no_consensus": "warning",
    "min_examples": "critical",
    "label_distribution": "warning",
    "low_agreement": "warning",
}

#: Unicode scripts that ``script_mismatch`` can recognize.
SCRIPTS = (
    "Latin",
    "Arabic",
    "Devanagari",
    "Bengali",
    "Tamil",
    "Cyrillic",
    "Greek",
    "Hebrew",
    "Han",
    "Hiragana",
    "Katakana",
    "Hangul",
    "Thai",
)

#: Scripts a region's text may be written in, by language subtag (``hi`` also matches ``hi-IN``).
#: Hindi allows Latin because social-media Hindi is mostly romanized: UMSAB's Hindi tweets are
#: Latin script in all but 1 of 3,033 lines.
DEFAULT_REGION_SCRIPTS: dict[str, list[str]] = {
    "ar": ["Arabic"],
    "fa": ["Arabic"],
    "ur": ["Arabic"],
    "hi": ["Latin", "Devanagari"],
    "mr": ["Devanagari", "Latin"],
    "bn": ["Bengali", "Latin"],
    "ta": ["Tamil", "Latin"],
    "zh": ["Han"],
    "ja": ["Han", "Hiragana", "Katakana"],
    "ko": ["Hangul", "Han"],
    "ru": ["Cyrillic"],
    "uk": ["Cyrillic"],
    "bg": ["Cyrillic"],
    "el": ["Greek"],
    "he": ["Hebrew"],
    "th": ["Thai"],
    "en": ["Latin"],
    "fr": ["Latin"],
    "de": ["Latin"],
    "es": ["Latin"],
    "it": ["Latin"],
    "pt": ["Latin"],
    "nl": ["Latin"],
    "pl": ["Latin"],
    "tr": ["Latin"],
    "vi": ["Latin"],
    "id": ["Latin"],
}


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckSettings(_Settings):
    """Thresholds and severities of the built-in checks.

    Parameters
    ----------
    severity : dict of str to {"critical", "warning", "off"}
        Overrides of :data:`DEFAULT_SEVERITY` by check name. A critical row-level check
        quarantines the rows it flags. A critical check that fails its expectation fails the
        gate: a row-level check fails when it flags more rows than ``row_tolerance`` allows.
        ``off`` skips the check.
    regions : list of str, optional
        The allowed regions. Default: the regions of the snapshot manifest's projects and
        counts.
    region_scripts : dict of str to list of str, optional
        Allowed scripts per region or language subtag, merged over
        :data:`DEFAULT_REGION_SCRIPTS`. Regions without an entry are not checked.
    min_script_letters : int, default=3
        Texts with fewer letters (after URLs and @mentions are removed) have no script to judge.
    min_length, max_length : int, default=1, 5000
        Bounds of the text length in characters, after cleaning.
    text_match : {"normalized", "exact"}, default="normalized"
        How duplicate and leakage checks compare texts. ``normalized`` compares lower-cased
        NFKC text without URLs, @mentions, a leading ``RT``, punctuation and whitespace
        (emoji stay, because they carry sentiment).
    leakage_scope : {"global", "region"}, default="global"
        Whether a text in one region's test split leaks into every region's training rows
        (right for a joint model) or only into its own region's.
    min_examples : int, default=10
        Minimum labelled rows per (region, label) pair.
    min_label_share : float, default=0.02
        Minimum share of each label within a region.
    min_agreement : float, default=0.6
        Minimum mean annotator agreement per region over tasks with two or more annotations.
    row_tolerance : float, default=0.05
        Share of rows a critical row-level check may flag (and quarantine) before it fails
        the gate; passed to Great Expectations as ``mostly = 1 - row_tolerance``.
    """

    severity: dict[str, Severity] = Field(default_factory=dict)
    regions: list[str] | None = None
    region_scripts: dict[str, list[str]] = Field(default_factory=dict)
    min_script_letters: int = Field(default=3, ge=1)
    min_length: int = Field(default=1, ge=0)
    max_length: int = Field(default=5000, ge=1)
    text_match: Literal["normalized", "exact"] = "normalized"
    leakage_scope: Literal["global", "region"] = "global"
    min_examples: int = Field(default=10, ge=0)
    min_label_share: float = Field(default=0.02, ge=0, le=1)
    min_agreement: float = Field(default=0.6, ge=0, le=1)
    row_tolerance: float = Field(default=0.05, ge=0, le=1)

    @field_validator("severity")
    @classmethod
    def _known_checks(cls, value: dict[str, Severity]) -> dict[str, Severity]:
        unknown = sorted(set(value) - set(CHECK_NAMES))
        if unknown:
            raise ValueError(
                _("unknown check name(s) {names}; use one of: {allowed}").format(
                    names=", ".join(unknown), allowed=", ".join(CHECK_NAMES)
                )
            )
        return value

    @field_validator("region_scripts")
    @classmethod
    def _known_scripts(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for region, scripts in value.items():
            unknown = sorted(set(scripts) - set(SCRIPTS))
            if unknown or not scripts:
                raise ValueError(
                    _(
                        "region {region!r} has unknown or no script(s) {scripts}; use one or more of: {allowed}"
                    ).format(region=region, scripts=", ".join(unknown), allowed=", ".join(SCRIPTS))
                )
        return value

    @model_validator(mode="after")
    def _length_order(self) -> CheckSettings:
        if self.min_length > self.max_length:
            raise ValueError(
                _("min_length={minimum} is above max_length={maximum}").format(
                    minimum=self.min_length, maximum=self.max_length
                )
            )
        return self

    def severity_of(self, check: str) -> Severity:
        """Return the configured severity of ``check``."""
        return self.severity.get(check, DEFAULT_SEVERITY[check])

    def scripts_for(self, region: str) -> list[str] | None:
        """Return the allowed scripts of ``region`` (exact name first, then its language subtag)."""
        merged = {**DEFAULT_REGION_SCRIPTS, **self.region_scripts}
        if region in merged:
            return merged[region]
        language = region.replace("_", "-").split("-")[0].lower()
        return merged.get(language)


class CleaningSettings(_Settings):
    """Cleaning steps, applied in this order; each one is counted per region.

    Parameters
    ----------
    unicode_normalization : {"NFC", "NFKC", "NFD", "NFKD", None}, default="NFC"
        Unicode normal form of the text; None skips the step.
    html_unescape : bool, default=True
        Replace HTML entities such as ``&amp;`` by the characters they stand for.
    decode_escapes : bool, default=True
        Replace literal ``\\uXXXX`` escape sequences (and surrogate pairs of them) by the
        characters they encode.
    collapse_whitespace : bool, default=True
        Collapse runs of whitespace to one space and strip both ends.
    drop_duplicates : bool, default=True
        Move the later copies flagged by ``duplicate_in_region`` to quarantine (keep first).
    dedupe_test : bool, default=False
        Let ``drop_duplicates`` drop copies inside the test split too. Off by default, so the
        test split stays whole and scores stay comparable with published results on it.
    drop_leakage : bool, default=True
        Move the train and val rows flagged by ``train_test_leakage`` to quarantine; test rows
        are never dropped by this step.
    """

    unicode_normalization: Literal["NFC", "NFKC", "NFD", "NFKD"] | None = "NFC"
    html_unescape: bool = True
    decode_escapes: bool = True
    collapse_whitespace: bool = True
    drop_duplicates: bool = True
    dedupe_test: bool = False
    drop_leakage: bool = True


class SplitSettings(_Settings):
    """Split assignment for the ``split`` column (see :func:`regionkit.splits.assign_splits`).

    Parameters
    ----------
    field : str or None, default="data.split"
        Column with a split per task; ignored when the snapshot has no such column.
    group_field : str, optional
        Column whose equal values must land in the same split.
    val_size, test_size : float, default=0.1, 0.2
        Shares of the random split for rows without a split value.
    seed : int, default=0
        Seed of the random split.
    """

    field: str | None = "data.split"
    group_field: str | None = None
    val_size: float = Field(default=0.1, ge=0, lt=1)
    test_size: float = Field(default=0.2, ge=0, lt=1)
    seed: int = 0
