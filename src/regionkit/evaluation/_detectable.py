"""Small regions: the minimum detectable gap and the "too few to judge" rule.

The minimum detectable gap at a region's size is the smallest true difference
(region minus rest, in the primary metric) that a two-sided test at level alpha
detects with the given power, under a normal approximation:

    MDG = (z[1 - alpha / 2] + z[power]) * SE

SE is the bootstrap standard error of the region-minus-rest difference, but at
least the binomial standard error ``sqrt(v * (1 - v) * (1 / n_region + 1 / n_rest))``
with v the overall metric value. The floor keeps a tiny region whose few tasks are
all right (bootstrap SE 0) from claiming that it could detect any gap.
"""

from __future__ import annotations

import math
from statistics import NormalDist


def min_detectable_gap(
    *,
    bootstrap_se: float,
    n_region: int,
    n_rest: int,
    reference_value: float,
    alpha: float,
    power: float,
) -> float | None:
    """Return the minimum detectable gap, or None when there is no rest to compare with."""
    if n_rest <= 0 or n_region <= 0:
        return None
    variance = reference_value * (1.0 - reference_value)
    binomial_se = math.sqrt(variance * (1.0 / n_region + 1.0 / n_rest))
    normal = NormalDist()
    multiplier = normal.inv_cdf(1.0 - alpha / 2.0) + normal.inv_cdf(power)
    return multiplier * max(bootstrap_se, binomial_se)


def is_too_few_to_judge(
    *, n: int, ci_width: float, min_region_size: int, max_ci_width: float | None
) -> bool:
    """Return whether a region is too small (or its interval too wide) to judge."""
    if n < min_region_size:
        return True
    return max_ci_width is not None and ci_width > max_ci_width
