"""Split a labeling budget across regions from what an evaluation report measured.

Each region's share has two parts:

* **measurement**: a region whose confidence interval is too wide to judge a gap of
  ``target_gap`` gets the tasks it still needs. The minimum detectable gap shrinks
  with ``1/sqrt(n)``, so judging ``target_gap`` needs ``n * (min_detectable_gap /
  target_gap) ** 2`` evaluated tasks. At most ``measurement_share`` of the budget goes
  to this part.
* **improvement**: the rest is split in proportion to how far a region lags the whole
  (``-gap_to_overall`` in the primary metric), with gaps that are not significant
  counted at ``insignificant_weight``. When no region lags, it is split by the width
  of each region's confidence interval.

Costs are per task: 1 for a budget in tasks, the region's median annotation
``lead_time`` in hours for a budget in hours.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from regionkit.errors import InputError
from regionkit.i18n import _

#: z-value of a two-sided 95 % interval, used to turn a CI half-width into a detectable gap.
Z_95 = 1.959964
#: z-value for 80 % power; a gap is detectable at about (z_alpha/2 + z_beta) standard errors.
Z_POWER_80 = 0.841621


@dataclass
class RegionNeed:
    """One region's measured gap, CI and detectable gap, and the budget demand they imply."""

    region: str
    n: int
    metric: float | None
    metric_ci_width: float | None
    gap: float | None
    gap_ci: tuple[float, float] | None
    p_value: float | None
    significant: bool
    min_detectable_gap: float | None
    n_to_judge: int | None
    candidates: int
    cost: float
    improvement_weight: float = 0.0

    @property
    def extra_to_judge(self) -> int:
        """Evaluated tasks still missing to judge a gap of the target size."""
        if self.n_to_judge is None:
            return 0
        return max(0, self.n_to_judge - self.n)


@dataclass
class RegionAllocation:
    """One region's share of the budget and the reason for it."""

    need: RegionNeed
    tasks: int = 0
    measurement_tasks: float = 0.0
    improvement_tasks: float = 0.0
    capped: bool = False
    #: The reason in the current language, for the terminal and plan.md.
    reason: str = ""
    #: The same reason in English, for plan.json, which is identical in every language.
    reason_en: str = ""

    @property
    def region(self) -> str:
        """The region's name."""
        return self.need.region

    @property
    def hours(self) -> float:
        """Annotator hours the region's tasks take at its cost per task."""
        return self.tasks * self.need.cost


def region_needs(
    *,
    report: Mapping[str, Any],
    model: str,
    candidates: Mapping[str, int],
    costs: Mapping[str, float],
    target_gap: float,
    insignificant_weight: float,
) -> list[RegionNeed]:
    """Read each region's gap, CI and detectable gap for ``model`` from ``report``."""
    metric_name = report.get("primary_metric", "macro_f1")
    regions = report["models"][model].get("regions", {})
    needs = []
    for region in sorted(set(regions) | set(candidates)):
        entry = regions.get(region)
        cost = float(costs.get(region, 1.0))
        if entry is None:
            needs.append(
                RegionNeed(
                    region=region,
                    n=0,
                    metric=None,
                    metric_ci_width=None,
                    gap=None,
                    gap_ci=None,
                    p_value=None,
                    significant=False,
                    min_detectable_gap=None,
                    n_to_judge=None,
                    candidates=int(candidates.get(region, 0)),
                    cost=cost,
                )
            )
            continue
        n = int(entry.get("n") or 0)
        metric_ci = _interval(entry.get(f"{metric_name}_ci"))
        gap_ci = _interval(entry.get("gap_ci"))
        gap = _number(entry.get("gap_to_overall"))
        p_value = _number(entry.get("p_value_holm", entry.get("p_value")))
        detectable = _number(entry.get("min_detectable_gap"))
        if detectable is None and gap_ci is not None:
            # NOTE: estimate when the report has no min_detectable_gap: a gap is
            # detectable at 80 % power at about (1.96 + 0.84) / 1.96 CI half-widths.
            detectable = (gap_ci[1] - gap_ci[0]) / 2 * (Z_95 + Z_POWER_80) / Z_95
        n_to_judge = None
        if detectable is not None and n > 0:
            n_to_judge = int(math.ceil(n * (detectable / target_gap) ** 2))
        significant = bool(entry.get("significant", False))
        shortfall = max(0.0, -gap) if gap is not None else 0.0
        need = RegionNeed(
            region=region,
            n=n,
            metric=_number(entry.get(metric_name)),
            metric_ci_width=(metric_ci[1] - metric_ci[0]) if metric_ci else None,
            gap=gap,
            gap_ci=gap_ci,
            p_value=p_value,
            significant=significant,
            min_detectable_gap=detectable,
            n_to_judge=n_to_judge,
            candidates=int(candidates.get(region, 0)),
            cost=cost,
            improvement_weight=shortfall * (1.0 if significant else insignificant_weight),
        )
        needs.append(need)
    return needs


def allocate_budget(
    needs: list[RegionNeed], *, budget: float, measurement_share: float, whole_tasks: bool
) -> list[RegionAllocation]:
    """Split ``budget`` (in cost units) across ``needs``, at most a region's candidates each.

    With ``whole_tasks`` (a budget in tasks) the shares are rounded by largest
    remainder, so they sum to the budget when there are enough candidates.
    """
    allocations = {need.region: RegionAllocation(need=need) for need in needs}
    eligible = [need for need in needs if need.candidates > 0 and need.n > 0]

    measurement_demand = {need.region: need.extra_to_judge * need.cost for need in eligible}
    measurement_total = sum(measurement_demand.values())
    measurement_cap = budget * measurement_share
    scale = min(1.0, measurement_cap / measurement_total) if measurement_total > 0 else 0.0
    spent = {
        need.region: min(measurement_demand[need.region] * scale, need.candidates * need.cost)
        for need in eligible
    }
    for region, value in spent.items():
        allocations[region].measurement_tasks = value / allocations[region].need.cost

    weights = {need.region: need.improvement_weight for need in eligible}
    if sum(weights.values()) <= 0:
        weights = {need.region: need.metric_ci_width or 0.0 for need in eligible}
    if sum(weights.values()) <= 0:
        weights = {need.region: 1.0 for need in eligible}

    remaining = budget - sum(spent.values())
    improvement = _fill_by_weight(
        remaining,
        weights=weights,
        capacity={
            need.region: need.candidates * need.cost - spent[need.region] for need in eligible
        },
    )
    for region, value in improvement.items():
        allocations[region].improvement_tasks = value / allocations[region].need.cost

    exact = {
        region: allocation.measurement_tasks + allocation.improvement_tasks
        for region, allocation in allocations.items()
    }
    counts = _round_counts(
        exact,
        capacity={n.region: n.candidates for n in needs},
        whole_tasks=whole_tasks,
        budget=budget,
    )
    for region, count in counts.items():
        allocation = allocations[region]
        allocation.tasks = count
        allocation.capped = count >= allocation.need.candidates and allocation.need.candidates > 0
    return [allocations[need.region] for need in needs]


def _fill_by_weight(
    amount: float, *, weights: dict[str, float], capacity: dict[str, float]
) -> dict[str, float]:
    """Split ``amount`` by ``weights``; what a full region cannot take goes to the others."""
    allocated = {region: 0.0 for region in weights}
    open_regions = {
        region for region, weight in weights.items() if weight > 0 and capacity[region] > 0
    }
    while amount > 1e-9 and open_regions:
        total_weight = sum(weights[region] for region in open_regions)
        overflow = 0.0
        for region in sorted(open_regions):
            share = amount * weights[region] / total_weight
            room = capacity[region] - allocated[region]
            take = min(share, room)
            allocated[region] += take
            overflow += share - take
        open_regions = {
            region for region in open_regions if capacity[region] - allocated[region] > 1e-9
        }
        amount = overflow
    if amount > 1e-9:
        # Regions with weight 0 take what the weighted ones cannot, in proportion to their room.
        rest = {region for region in weights if capacity[region] - allocated[region] > 1e-9}
        room_total = sum(capacity[region] - allocated[region] for region in rest)
        for region in rest:
            allocated[region] += min(
                capacity[region] - allocated[region],
                amount * (capacity[region] - allocated[region]) / room_total,
            )
    return allocated


def _round_counts(
    exact: dict[str, float], *, capacity: dict[str, int], whole_tasks: bool, budget: float
) -> dict[str, int]:
    counts = {
        region: min(capacity[region], int(math.floor(value + 1e-9)))
        for region, value in exact.items()
    }
    if not whole_tasks:
        return counts
    missing = int(round(budget)) - sum(counts.values())
    order = sorted(
        exact, key=lambda region: (-(exact[region] - math.floor(exact[region] + 1e-9)), region)
    )
    while missing > 0:
        progressed = False
        for region in order:
            if missing == 0:
                break
            if counts[region] < capacity[region] and exact[region] > 0:
                counts[region] += 1
                missing -= 1
                progressed = True
        if not progressed:
            break
    return counts


def describe(
    allocation: RegionAllocation,
    *,
    total_tasks: int,
    metric: str,
    target_gap: float,
    with_hours: bool = False,
) -> str:
    """Explain one region's share in one line."""
    need = allocation.need
    share = allocation.tasks / total_tasks if total_tasks else 0.0
    head = _("{region}: {tasks} tasks ({share:.0%})").format(
        region=need.region, tasks=allocation.tasks, share=share
    )
    if with_hours:
        head += " " + _("in {hours:.1f} h at {seconds:.0f} s per task").format(
            hours=allocation.hours, seconds=need.cost * 3600
        )

    if need.n == 0:
        if need.candidates == 0:
            return head + " - " + _("no unlabeled tasks and not in the evaluation report.")
        return (
            head
            + " - "
            + _("not in the evaluation report; evaluate this region before planning for it.")
        )

    parts = []
    if need.gap is not None and need.gap < 0:
        significance = (
            _("significant, p={p:.2g}").format(p=need.p_value)
            if need.significant and need.p_value is not None
            else _("significant")
            if need.significant
            else _("not significant")
        )
        parts.append(
            _("lags the whole by {points:.1f} points of {metric} ({significance})").format(
                points=-need.gap * 100, metric=metric, significance=significance
            )
        )
    elif need.gap is not None:
        parts.append(
            _("does not lag ({points:+.1f} points of {metric})").format(
                points=need.gap * 100, metric=metric
            )
        )
    if need.metric_ci_width is not None:
        parts.append(
            _("CI +/-{half:.1f} points at n={n}").format(half=need.metric_ci_width * 50, n=need.n)
        )
    if need.n_to_judge is not None:
        if need.extra_to_judge > 0:
            parts.append(
                _(
                    "judging a {target:.0f}-point gap needs n={needed} evaluated tasks ({extra} "
                    "more)"
                ).format(target=target_gap * 100, needed=need.n_to_judge, extra=need.extra_to_judge)
            )
        else:
            parts.append(
                _("n is enough to judge a {target:.0f}-point gap").format(target=target_gap * 100)
            )

    if need.candidates == 0:
        parts.append(_("no unlabeled tasks left"))
    elif allocation.capped:
        parts.append(
            _("all {candidates} unlabeled tasks chosen").format(candidates=need.candidates)
        )
    return head + " - " + "; ".join(parts) + "."


def validate_report(report: Any, *, model: str | None) -> str:
    """Check the report's shape and return the model to plan for.

    Raises
    ------
    InputError
        If the report is not a schema-1 evaluation report or lacks the model.
    """
    if (
        not isinstance(report, Mapping)
        or not isinstance(report.get("models"), Mapping)
        or not report["models"]
    ):
        raise InputError(
            _(
                "The evaluation report has no 'models' section; pass the report.json that "
                "evaluate wrote."
            )
        )
    version = report.get("schema_version")
    if version != 1:
        raise InputError(
            _(
                "The evaluation report has schema_version {version}; this regionkit reads version "
                "1."
            ).format(version=version)
        )
    models = list(report["models"])
    if model is None:
        model = "fine_tuned" if "fine_tuned" in models else models[0]
    if model not in report["models"]:
        raise InputError(
            _("Model {model!r} is not in the evaluation report; use one of {models}.").format(
                model=model, models=", ".join(models)
            )
        )
    if not isinstance(report["models"][model].get("regions"), Mapping):
        raise InputError(
            _("The report has no per-region results for model {model!r}.").format(model=model)
        )
    return model


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _interval(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return None
    low, high = _number(value[0]), _number(value[1])
    if low is None or high is None:
        return None
    return (low, high)
