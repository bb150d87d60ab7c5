"""Evaluation settings and the gate's metric thresholds, checked once at the boundary."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from regionkit.errors import InputError
from regionkit.i18n import _

#: Metrics that can be the primary metric, gated with ``min_metric`` and bootstrapped.
METRICS = ("macro_f1", "accuracy")
#: Default minimum number of test tasks for a region to be judged; see docs/report-schema.md.
DEFAULT_MIN_REGION_SIZE = 100


@dataclass(frozen=True)
class MetricThreshold:
    """A gate rule: ``metric`` must be at least ``threshold`` (in one ``region``, or everywhere)."""

    metric: str
    threshold: float
    region: str | None = None

    def __str__(self) -> str:
        prefix = f"{self.region}:" if self.region else ""
        return f"{prefix}{self.metric}={self.threshold:g}"


def parse_min_metric(values: Sequence[str | MetricThreshold]) -> tuple[MetricThreshold, ...]:
    """Parse ``METRIC=VALUE`` or ``REGION:METRIC=VALUE`` strings into thresholds.

    Parameters
    ----------
    values : sequence of str or MetricThreshold
        For example ``["macro_f1=0.5", "hi:macro_f1=0.4"]``.

    Returns
    -------
    tuple of MetricThreshold

    Raises
    ------
    InputError
        If an entry is malformed, names an unknown metric, or its value is not in [0, 1].
    """
    if isinstance(values, str):
        values = [values]
    thresholds = []
    for value in values:
        if isinstance(value, MetricThreshold):
            thresholds.append(_check_threshold(value, text=str(value)))
            continue
        text = str(value).strip()
        rule, separator, number = text.partition("=")
        region, colon, metric = rule.rpartition(":")
        if not separator or not metric.strip() or (colon and not region.strip()):
            raise InputError(
                _(
                    "--min-metric {value!r} is invalid; write METRIC=VALUE or "
                    "REGION:METRIC=VALUE, for example macro_f1=0.5 or hi:macro_f1=0.4."
                ).format(value=text)
            )
        try:
            threshold = float(number)
        except ValueError:
            raise InputError(
                _("--min-metric {value!r} has a non-numeric value; use a number in [0, 1].").format(
                    value=text
                )
            ) from None
        candidate = MetricThreshold(
            metric=metric.strip(), threshold=threshold, region=region.strip() or None
        )
        thresholds.append(_check_threshold(candidate, text=text))
    return tuple(thresholds)


def _check_threshold(threshold: MetricThreshold, *, text: str) -> MetricThreshold:
    if threshold.metric not in METRICS:
        raise InputError(
            _(
                "--min-metric {value!r} names the unknown metric {metric!r}; use one of {metrics}."
            ).format(value=text, metric=threshold.metric, metrics=", ".join(METRICS))
        )
    if not (0.0 <= threshold.threshold <= 1.0):
        raise InputError(
            _("--min-metric {value!r} is outside [0, 1]; metrics are fractions, e.g. 0.5.").format(
                value=text
            )
        )
    return threshold


@dataclass(frozen=True)
class EvaluationSettings:
    """Everything that shapes an evaluation besides its data.

    Parameters
    ----------
    primary_metric : {"macro_f1", "accuracy"}, default="macro_f1"
        The metric that gaps, significance, lift and ``max_gap`` use.
    n_boot : int, default=1000
        Bootstrap replicates for confidence intervals (at least 100).
    confidence_level : float, default=0.95
        Coverage of the confidence intervals; ``1 - confidence_level`` is the
        significance level of the tests.
    seed : int, default=0
        Seed of the bootstrap and the permutation tests.
    n_permutations : int or None, default=None
        Permutations per significance test (at least 100). None uses the larger of
        ``n_boot`` and ``10 * n_regions / alpha``, so that the smallest possible
        p-value stays well below alpha after Holm correction.
    min_region_size : int, default=100
        Regions with fewer test tasks are marked too few to judge.
    max_ci_width : float or None, default=None
        Also mark a region too few to judge when its primary-metric confidence
        interval is wider than this.
    power : float, default=0.8
        Power used for the minimum detectable gap.
    max_gap : float or None, default=None
        Gate: the largest allowed lag of a region behind the overall value.
    min_metric : sequence of str or MetricThreshold, default=()
        Gate: minimum metric values, see :func:`parse_min_metric`.
    gate_model : str or None, default=None
        Model the gate checks; None means ``fine_tuned`` when present, else the first model.
    lift : tuple of (str, str), default=("fine_tuned", "base")
        The lift is the first model minus the second, when both are present.
    models : sequence of str or None, default=None
        Models to evaluate; None evaluates every model in the predictions.
    """

    primary_metric: str = "macro_f1"
    n_boot: int = 1000
    confidence_level: float = 0.95
    seed: int = 0
    n_permutations: int | None = None
    min_region_size: int = DEFAULT_MIN_REGION_SIZE
    max_ci_width: float | None = None
    power: float = 0.8
    max_gap: float | None = None
    min_metric: tuple[MetricThreshold, ...] = field(default=())
    gate_model: str | None = None
    lift: tuple[str, str] = ("fine_tuned", "base")
    models: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_metric", parse_min_metric(self.min_metric))
        if self.models is not None:
            if isinstance(self.models, str):
                _reject("models", self.models, _("a list of model names, e.g. ['fine_tuned']"))
            object.__setattr__(self, "models", tuple(self.models))
        object.__setattr__(self, "lift", tuple(self.lift))
        self._check()

    def options(self) -> dict[str, Any]:
        """Return the fields as keyword arguments of :func:`evaluate_predictions`."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @property
    def alpha(self) -> float:
        """Significance level of the tests, ``1 - confidence_level``."""
        return 1.0 - self.confidence_level

    @property
    def permutations(self) -> int:
        """Permutations per significance test (``n_boot`` until resolved for a region count)."""
        if self.n_permutations is not None:
            return self.n_permutations
        return self.n_boot

    def _check(self) -> None:
        if self.primary_metric not in METRICS:
            _reject(
                "primary_metric",
                self.primary_metric,
                _("one of {metrics}").format(metrics=", ".join(METRICS)),
            )
        if not _is_int(self.n_boot) or self.n_boot < 100:
            _reject("n_boot", self.n_boot, _("an integer of at least 100"))
        if not isinstance(self.confidence_level, (int, float)) or not (
            0.5 <= self.confidence_level < 1.0
        ):
            _reject("confidence_level", self.confidence_level, _("a number in [0.5, 1), e.g. 0.95"))
        if not _is_int(self.seed) or self.seed < 0:
            _reject("seed", self.seed, _("a non-negative integer"))
        if self.n_permutations is not None and (
            not _is_int(self.n_permutations) or self.n_permutations < 100
        ):
            _reject("n_permutations", self.n_permutations, _("an integer of at least 100"))
        if not _is_int(self.min_region_size) or self.min_region_size < 1:
            _reject("min_region_size", self.min_region_size, _("a positive integer"))
        if self.max_ci_width is not None and not _is_fraction(self.max_ci_width, open_low=True):
            _reject("max_ci_width", self.max_ci_width, _("a number in (0, 1]"))
        if not isinstance(self.power, (int, float)) or not (0.5 <= self.power < 1.0):
            _reject("power", self.power, _("a number in [0.5, 1), e.g. 0.8"))
        if self.max_gap is not None and not _is_fraction(self.max_gap, open_low=False):
            _reject("max_gap", self.max_gap, _("a number in [0, 1], e.g. 0.05"))
        if len(self.lift) != 2 or self.lift[0] == self.lift[1]:
            _reject("lift", self.lift, _("two different model names, e.g. ('fine_tuned', 'base')"))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_fraction(value: object, *, open_low: bool) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or math.isnan(value):
        return False
    return (0.0 < value if open_low else 0.0 <= value) and value <= 1.0


def _reject(name: str, value: object, allowed: str) -> None:
    raise InputError(
        _("{name}={value!r} is invalid; use {allowed}.").format(
            name=name, value=value, allowed=allowed
        )
    )
