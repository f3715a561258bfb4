"""Means and 95% confidence intervals across replications, and paired differences.

Intervals use Student's t with n - 1 degrees of freedom: replications are independent
and each figure is a mean or a total over a long run, so near-normal. A figure that
some replications cannot give (a plaza that never recovered within the horizon) is
averaged over the replications that do, and the others are counted as ``missing``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

LEVEL = 0.95


def mean_ci(values: list[float | None]) -> dict[str, Any]:
    """``{"mean", "ci95": [low, high] or None, "n", "missing"}`` of the values given."""
    x = np.array([v for v in values if v is not None], dtype=float)
    missing = len(values) - x.size
    if x.size == 0:
        return {"mean": None, "ci95": None, "n": 0, "missing": missing}
    mean = float(x.mean())
    if x.size < 2:
        return {"mean": mean, "ci95": None, "n": int(x.size), "missing": missing}
    half = float(stats.t.ppf(0.5 + LEVEL / 2, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))
    return {"mean": mean, "ci95": [mean - half, mean + half], "n": int(x.size), "missing": missing}


def paired_difference(a: list[float | None], b: list[float | None]) -> dict[str, Any]:
    """Mean of b - a over replications where both exist, with its CI and whether the CI
    excludes zero (``clear``). Common random numbers make these pairs correlated, which
    is what makes the paired interval narrow."""
    d = [y - x for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    out = mean_ci(d)
    out["missing"] = len(a) - len(d)
    ci = out["ci95"]
    out["clear"] = bool(ci is not None and (ci[0] > 0 or ci[1] < 0))
    return out


def unpaired_half_width(a: list[float], b: list[float]) -> float:
    """Half-width of the Welch interval for mean(b) - mean(a), as if runs were independent."""
    x, y = np.asarray(a, float), np.asarray(b, float)
    va, vb = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    df = (va + vb) ** 2 / (va**2 / (x.size - 1) + vb**2 / (y.size - 1))
    return float(stats.t.ppf(0.5 + LEVEL / 2, df) * math.sqrt(va + vb))
