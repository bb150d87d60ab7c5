"""Custom Great Expectations (GX 1.x) expectations for localized text, pandas engine only.

Importing this module imports GX and registers the expectations, so that suite JSON files
can name them by ``type`` (for example ``expect_column_values_to_have_no_literal_escapes``).
Row-level expectations are map expectations: their ``unexpected_index_list`` names the
rows to quarantine. Dataset-level expectations are batch expectations over table metrics.

Only import this module from inside functions: GX takes seconds to import.
"""

from __future__ import annotations

import os

# Set before GX is imported, so that GX sends no usage statistics from this process.
os.environ["GX_ANALYTICS_ENABLED"] = "false"

from typing import Any, ClassVar, Literal  # noqa: E402

from great_expectations.core.metric_domain_types import MetricDomainTypes  # noqa: E402
from great_expectations.execution_engine import PandasExecutionEngine  # noqa: E402
from great_expectations.expectations.expectation import (  # noqa: E402
    BatchExpectation,
    ColumnMapExpectation,
    MulticolumnMapExpectation,
)
from great_expectations.expectations.metrics import (  # noqa: E402
    ColumnMapMetricProvider,
    column_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider import (  # noqa: E402
    MulticolumnMapMetricProvider,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (  # noqa: E402
    multicolumn_condition_partial,
)
from great_expectations.expectations.metrics.metric_provider import metric_value  # noqa: E402
from great_expectations.expectations.metrics.table_metric_provider import (  # noqa: E402
    TableMetricProvider,
)

from regionkit.validators import text  # noqa: E402

_MULTICOLUMN_DOMAIN_KEYS = (
    "batch_id",
    "table",
    "column_list",
    "row_condition",
    "condition_parser",
    "ignore_row_if",
)


# Row-level metrics: True marks an expected (good) row.


class ColumnValuesNoLiteralEscapes(ColumnMapMetricProvider):
    condition_metric_name = "column_values.regionkit_no_literal_escapes"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return ~text.literal_escape_mask(column)


class ColumnValuesNoMojibake(ColumnMapMetricProvider):
    condition_metric_name = "column_values.regionkit_no_mojibake"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return ~text.mojibake_mask(column)


class ColumnValuesNoHtmlEntities(ColumnMapMetricProvider):
    condition_metric_name = "column_values.regionkit_no_html_entities"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return ~text.html_entity_mask(column)


class ColumnValuesFirstOccurrence(ColumnMapMetricProvider):
    condition_metric_name = "column_values.regionkit_first_occurrence"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        return ~column.duplicated(keep="first")


class MulticolumnScriptMatchesRegion(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.regionkit_script_matches_region"
    condition_domain_keys = _MULTICOLUMN_DOMAIN_KEYS
    condition_value_keys = ("region_scripts", "min_letters", "min_share")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, region_scripts, min_letters, min_share, **kwargs):
        region, values = column_list.iloc[:, 0], column_list.iloc[:, 1]
        return ~text.script_mismatch_mask(
            region,
            values,
            allowed=dict(region_scripts),
            min_letters=min_letters,
            min_share=min_share,
        )


class MulticolumnTextFirstInGroup(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.regionkit_text_first_in_group"
    condition_domain_keys = _MULTICOLUMN_DOMAIN_KEYS
    condition_value_keys = ("text_match",)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, text_match, **kwargs):
        key = text.match_key(column_list.iloc[:, -1], mode=text_match)
        groups = [column_list.iloc[:, i] for i in range(column_list.shape[1] - 1)]
        return ~text.later_copies(key, by=groups)


class MulticolumnTextNotSharedAcrossGroups(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.regionkit_text_not_shared_across_groups"
    condition_domain_keys = _MULTICOLUMN_DOMAIN_KEYS
    condition_value_keys = ("text_match",)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, text_match, **kwargs):
        key = text.match_key(column_list.iloc[:, -1], mode=text_match)
        return ~text.shared_across(key, column_list.iloc[:, 0])


class MulticolumnTextNotLeaked(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.regionkit_text_not_leaked"
    condition_domain_keys = _MULTICOLUMN_DOMAIN_KEYS
    condition_value_keys = ("text_match",)

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, text_match, **kwargs):
        key = text.match_key(column_list.iloc[:, -1], mode=text_match)
        region = column_list.iloc[:, 1] if column_list.shape[1] == 3 else None
        return ~text.leaked_rows(key, column_list.iloc[:, 0], region=region)


# Row-level expectations.


class ExpectColumnValuesToHaveNoLiteralEscapes(ColumnMapExpectation):
    """Expect no literal ``\\uXXXX`` escape sequences in the column's text."""

    map_metric = "column_values.regionkit_no_literal_escapes"


class ExpectColumnValuesToHaveNoMojibake(ColumnMapExpectation):
    """Expect no UTF-8-read-as-Windows-1252 sequences (``Ã©``, ``â€™``) nor U+FFFD in the text."""

    map_metric = "column_values.regionkit_no_mojibake"


class ExpectColumnValuesToHaveNoHtmlEntities(ColumnMapExpectation):
    """Expect no HTML entities such as ``&amp;`` or ``&#39;`` in the text."""

    map_metric = "column_values.regionkit_no_html_entities"


class ExpectColumnValuesToBeFirstOccurrence(ColumnMapExpectation):
    """Expect each value to appear once; unlike GX's uniqueness check, the first copy passes."""

    map_metric = "column_values.regionkit_first_occurrence"


class ExpectTextScriptToMatchRegion(MulticolumnMapExpectation):
    """Expect at least ``min_share`` of each text's letters in the scripts its region allows.

    ``column_list`` is ``[region column, text column]``. ``region_scripts`` maps a region to
    Unicode script names (see ``regionkit.validators.settings.SCRIPTS``); rows of other
    regions and texts with fewer than ``min_letters`` foreign letters pass.
    """

    map_metric = "multicolumn_values.regionkit_script_matches_region"
    region_scripts: dict[str, list[str]]
    min_letters: int = 3
    min_share: float = 0.5
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = (
        "any_value_is_missing"
    )
    success_keys: ClassVar[tuple[str, ...]] = (
        "mostly",
        "region_scripts",
        "min_letters",
        "min_share",
    )


class ExpectTextToBeUniqueWithinGroups(MulticolumnMapExpectation):
    """Expect no text to repeat within a group; the first copy passes, later copies fail.

    ``column_list`` is the group columns followed by the text column, for example
    ``["region", "split", "data.text"]``. ``text_match`` is ``exact`` or ``normalized``.
    """

    map_metric = "multicolumn_values.regionkit_text_first_in_group"
    text_match: Literal["exact", "normalized"] = "normalized"
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "never"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", "text_match")


class ExpectTextToBeUniqueAcrossRegions(MulticolumnMapExpectation):
    """Expect no text to appear in more than one region; every copy fails.

    ``column_list`` is ``[region column, text column]``.
    """

    map_metric = "multicolumn_values.regionkit_text_not_shared_across_groups"
    text_match: Literal["exact", "normalized"] = "normalized"
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "never"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", "text_match")


class ExpectSameTextToHaveSameLabel(MulticolumnMapExpectation):
    """Expect every copy of a text to carry the same label; all copies of a conflict fail.

    ``column_list`` is ``[label column, text column]``. Rows without a label are ignored.
    """

    # A text whose copies carry several labels is a text shared across label groups.
    map_metric = "multicolumn_values.regionkit_text_not_shared_across_groups"
    text_match: Literal["exact", "normalized"] = "normalized"
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "never"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", "text_match")


class ExpectNoSplitLeakage(MulticolumnMapExpectation):
    """Expect no train text in val or test and no val text in test; the earlier split's row fails.

    ``column_list`` is ``[split column, text column]``, or ``[split column, region column,
    text column]`` to compare rows within a region only.
    """

    map_metric = "multicolumn_values.regionkit_text_not_leaked"
    text_match: Literal["exact", "normalized"] = "normalized"
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "never"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", "text_match")


# Dataset-level metrics and expectations.


class TableRegionLabelCounts(TableMetricProvider):
    metric_name = "table.regionkit_region_label_counts"
    value_keys = ("region_column", "label_column")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        execution_engine,
        metric_domain_kwargs,
        metric_value_kwargs,
        metrics,
        runtime_configuration,
    ):
        frame, _, _ = execution_engine.get_compute_domain(
            metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE
        )
        pairs = frame[
            [metric_value_kwargs["region_column"], metric_value_kwargs["label_column"]]
        ].dropna()
        counts = pairs.groupby(list(pairs.columns), observed=True).size()
        result: dict[str, dict[str, int]] = {}
        for (region, label), count in counts.items():
            result.setdefault(str(region), {})[str(label)] = int(count)
        return result


class TableRegionAgreement(TableMetricProvider):
    metric_name = "table.regionkit_region_agreement"
    value_keys = ("region_column", "agreement_column", "annotations_column")

    @metric_value(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        execution_engine,
        metric_domain_kwargs,
        metric_value_kwargs,
        metrics,
        runtime_configuration,
    ):
        import pandas as pd

        frame, _, _ = execution_engine.get_compute_domain(
            metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE
        )
        region = frame[metric_value_kwargs["region_column"]]
        agreement = pd.to_numeric(frame[metric_value_kwargs["agreement_column"]], errors="coerce")
        annotations = pd.to_numeric(
            frame[metric_value_kwargs["annotations_column"]], errors="coerce"
        )
        # A task with one annotation agrees with itself, so only tasks with two or more count.
        rows = (annotations >= 2) & agreement.notna() & region.notna()
        grouped = agreement[rows].groupby(region[rows].astype(str))
        return {
            str(name): {"mean": float(values.mean()), "tasks": int(values.size)}
            for name, values in grouped
        }


class ExpectMinExamplesPerRegionLabel(BatchExpectation):
    """Expect at least ``min_count`` labelled rows for every (region, label) pair.

    ``regions`` and ``labels`` list the pairs that must be present, so a region or label
    with no rows at all fails too.
    """

    region_column: str = "region"
    label_column: str = "label"
    regions: list[str]
    labels: list[str]
    min_count: int = 10

    metric_dependencies: ClassVar[tuple[str, ...]] = ("table.regionkit_region_label_counts",)
    domain_keys: ClassVar[tuple[str, ...]] = ("batch_id",)
    success_keys: ClassVar[tuple[str, ...]] = (
        "region_column",
        "label_column",
        "regions",
        "labels",
        "min_count",
    )

    def _validate(
        self, metrics: dict, runtime_configuration: dict | None = None, execution_engine: Any = None
    ):
        counts = metrics["table.regionkit_region_label_counts"]
        below = [
            {"region": region, "label": label, "count": counts.get(region, {}).get(label, 0)}
            for region in self.regions
            for label in self.labels
            if counts.get(region, {}).get(label, 0) < self.min_count
        ]
        return {
            "success": not below,
            "result": {"observed_value": {"below": below, "counts": counts}},
        }


class ExpectLabelSharePerRegion(BatchExpectation):
    """Expect every label to make up at least ``min_share`` of each region's labelled rows.

    Regions without labelled rows are left to ``ExpectMinExamplesPerRegionLabel``.
    """

    region_column: str = "region"
    label_column: str = "label"
    labels: list[str]
    min_share: float = 0.02

    metric_dependencies: ClassVar[tuple[str, ...]] = ("table.regionkit_region_label_counts",)
    domain_keys: ClassVar[tuple[str, ...]] = ("batch_id",)
    success_keys: ClassVar[tuple[str, ...]] = (
        "region_column",
        "label_column",
        "labels",
        "min_share",
    )

    def _validate(
        self, metrics: dict, runtime_configuration: dict | None = None, execution_engine: Any = None
    ):
        counts = metrics["table.regionkit_region_label_counts"]
        shares: dict[str, dict[str, float]] = {}
        below = []
        for region, by_label in counts.items():
            total = sum(by_label.values())
            shares[region] = {label: by_label.get(label, 0) / total for label in self.labels}
            below += [
                {"region": region, "label": label, "share": round(share, 4)}
                for label, share in shares[region].items()
                if share < self.min_share
            ]
        return {
            "success": not below,
            "result": {"observed_value": {"below": below, "shares": shares}},
        }


class ExpectRegionAgreementToBeAbove(BatchExpectation):
    """Expect the mean annotator agreement of each region to be at least ``min_agreement``.

    Only tasks with two or more annotations count; a region without such tasks passes.
    """

    region_column: str = "region"
    agreement_column: str = "agreement"
    annotations_column: str = "n_annotations"
    min_agreement: float = 0.6

    metric_dependencies: ClassVar[tuple[str, ...]] = ("table.regionkit_region_agreement",)
    domain_keys: ClassVar[tuple[str, ...]] = ("batch_id",)
    success_keys: ClassVar[tuple[str, ...]] = (
        "region_column",
        "agreement_column",
        "annotations_column",
        "min_agreement",
    )

    def _validate(
        self, metrics: dict, runtime_configuration: dict | None = None, execution_engine: Any = None
    ):
        agreement = metrics["table.regionkit_region_agreement"]
        below = [
            {"region": region, "mean": round(values["mean"], 4), "tasks": values["tasks"]}
            for region, values in agreement.items()
            if values["mean"] < self.min_agreement
        ]
        return {
            "success": not below,
            "result": {"observed_value": {"below": below, "regions": agreement}},
        }
