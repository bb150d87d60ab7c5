"""Wording and number formats shared by the terminal, Markdown and HTML evaluation reports."""

from __future__ import annotations

from collections.abc import Sequence

from regionkit.evaluation import EvaluationReport, RegionResult
from regionkit.i18n import _


def metric_name(metric: str) -> str:
    """Return the display name of a metric key."""
    names = {"macro_f1": _("macro-F1"), "accuracy": _("accuracy")}
    return names.get(metric, metric)


def model_name(model: str) -> str:
    """Return the display name of a model key."""
    names = {"fine_tuned": _("fine-tuned"), "base": _("base"), "baseline": _("baseline")}
    return names.get(model, model)


def number(value: float | None, digits: int = 3) -> str:
    """Format a metric value, or a dash when it is missing."""
    return "-" if value is None else f"{value:.{digits}f}"


def signed(value: float | None, digits: int = 3) -> str:
    """Format a difference with its sign."""
    return "-" if value is None else f"{value:+.{digits}f}"


def interval(values: Sequence[float] | None, digits: int = 3, *, sign: bool = False) -> str:
    """Format a confidence interval as ``[low, high]``."""
    if values is None:
        return "-"
    fmt = signed if sign else number
    return f"[{fmt(values[0], digits)}, {fmt(values[1], digits)}]"


def with_interval(
    value: float | None, values: Sequence[float] | None, *, sign: bool = False
) -> str:
    """Format ``value [low, high]``."""
    fmt = signed if sign else number
    return f"{fmt(value)} {interval(values, sign=sign)}"


def p_value(value: float | None) -> str:
    """Format a p-value; small values as ``<0.001``."""
    if value is None:
        return "-"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def ci_label(report: EvaluationReport) -> str:
    """Return the column suffix for intervals, e.g. ``95% CI``."""
    return _("{level}% CI").format(level=f"{report.confidence_level * 100:g}")


def verdict(region: RegionResult) -> str:
    """Return a short judgement of a region's gap: too few, lags, ahead or no clear gap."""
    if region.too_few_to_judge:
        return _("too few to judge (detectable gap {gap})").format(
            gap=number(region.min_detectable_gap, 2)
        )
    if region.significant and (region.gap_to_rest or 0.0) < 0:
        return _("lags (significant)")
    if region.significant:
        return _("ahead (significant)")
    return _("no clear gap")


def gate_summary(report: EvaluationReport) -> str:
    """Return one sentence about the gate outcome."""
    gate = report.gate
    if gate.max_gap is None and not gate.min_metric:
        return _("No gate rules were set.")
    if gate.passed:
        return _("Gate passed for model {model}.").format(model=model_name(gate.model or ""))
    return _("Gate failed for model {model}: {regions}.").format(
        model=model_name(gate.model or ""), regions=", ".join(gate.failing_regions)
    )


def failure_text(failure) -> str:
    """Describe one gate failure in a sentence."""
    where = failure.region or _("overall")
    if failure.rule == "max_gap":
        return _("{region}: gap {value} to the overall {metric} is below {threshold}.").format(
            region=where,
            value=signed(failure.value),
            metric=metric_name(failure.metric),
            threshold=signed(failure.threshold),
        )
    return _("{region}: {metric} {value} is below the minimum {threshold}.").format(
        region=where,
        metric=metric_name(failure.metric),
        value=number(failure.value),
        threshold=number(failure.threshold),
    )
