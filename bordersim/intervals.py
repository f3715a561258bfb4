"""Means and 95% confidence intervals across replications, and paired differences.

Intervals use Student's t with n - 1 degrees of freedom: replications are independent
and each figure is a mean or a total over a long run, so near-normal. A figure that
some replications cannot give for want of vehicles is averaged over the replications
that do, and the others are counted as ``missing``.

A duration that may run past the end of the run (time to recover, time to clear) is
**censored**: a replication that has not recovered by the horizon says only that the
time exceeds a bound. Averaging the replications that did recover would flatter a plan
(the lucky ones), so these get the **median** with not-recovered counted as beyond the
bound, a distribution-free interval from order statistics, and paired differences that
are bounds (``at least``, ``at most``) when one side did not recover.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .t_table import T_975


def stdtrit(df: float, p: float) -> float:
    """Student's t quantile, bit for bit what scipy.stats.t.ppf gives (checked in
    tests/test_intervals.py): for a 95% interval with up to 200 degrees of freedom, from
    bordersim's table of them (:mod:`bordersim.t_table`); otherwise from the special
    function scipy.stats.t.ppf calls. scipy.stats takes a third of a second to load, and
    even scipy.special a sixth: loaded only then."""
    if p == 0.975 and 1 <= df <= len(T_975) and float(df).is_integer():
        return T_975[int(df) - 1]
    from scipy.special import stdtrit as quantile

    return float(quantile(df, p))


LEVEL = 0.95


def mean_ci(values: list[float | None] | np.ndarray) -> dict[str, Any]:
    """``{"mean", "ci95": [low, high] or None, "n", "missing"}`` of the values given
    (None, or NaN in an array, for a replication that could not give it)."""
    x = _known(values)
    missing = len(values) - x.size
    if x.size == 0:
        return {"mean": None, "ci95": None, "n": 0, "missing": missing}
    mean = float(x.mean())
    if x.size < 2:
        return {"mean": mean, "ci95": None, "n": int(x.size), "missing": missing}
    half = float(stdtrit(x.size - 1, 0.5 + LEVEL / 2) * x.std(ddof=1) / math.sqrt(x.size))
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


def _known(values: list[float | None] | np.ndarray) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values[~np.isnan(values)].astype(float)
    return np.array([v for v in values if v is not None], dtype=float)


def median_censored(values: list[float | None] | np.ndarray, bound: float) -> dict[str, Any]:
    """The median of durations where None means "beyond ``bound``" (not within the horizon).

    ``{"median", "ci95", "range", "n", "missing"}``: ``median`` is None when it falls
    beyond the bound (half or more of the replications not within the horizon; with an
    even count, when either middle value does). ``ci95`` is the distribution-free
    interval of order statistics with at least 95% coverage, or None with fewer than six
    replications (no such interval exists); its upper end is None when beyond the bound.
    ``range`` is the lowest and highest replication (None for beyond).
    """
    known = sorted(_known(values).tolist())
    n_all = len(values)
    missing = n_all - len(known)
    x = known + [math.inf] * missing
    out: dict[str, Any] = {"n": len(known), "missing": missing, "bound": bound}
    if not x:
        return {**out, "median": None, "ci95": None, "range": None}
    mid = n_all // 2
    median = x[mid] if n_all % 2 else (x[mid - 1] + x[mid]) / 2
    k = _order_statistic_rank(n_all)
    ci = None if k == 0 else [_finite(x[k - 1]), _finite(x[n_all - k])]
    return {**out, "median": _finite(median), "ci95": ci, "range": [_finite(x[0]), _finite(x[-1])]}


def _order_statistic_rank(n: int) -> int:
    """The largest k with [x(k), x(n-k+1)] covering the median at least 95% (0: none)."""
    k, below = 0, 0.0  # below: P(Binomial(n, 1/2) <= k - 1)
    while k < n // 2:
        nxt = below + math.comb(n, k) / 2**n
        if 2 * nxt > 1 - LEVEL:
            break
        below, k = nxt, k + 1
    return k


def _finite(x: float) -> float | None:
    return None if math.isinf(x) else x


AT_LEAST, AT_MOST = "at least", "at most"


def paired_difference_censored(
    a: list[float | None], b: list[float | None], bound: float
) -> dict[str, Any]:
    """Paired difference b - a of censored durations (None: beyond ``bound``).

    Where only b is beyond the bound, b - a is at least bound - a; where only a is, at
    most b - bound. So the mean of the differences with every censored value set to the
    bound is a lower bound of the true mean (``"bound": "at least"``) or an upper one
    (``"at most"``), and a one-sided conclusion from it is sound: ``clear`` only when its
    interval lies wholly on the side the bound allows. Where both are beyond the bound in
    some replication, or the bounds point both ways, nothing can be said:
    ``"comparable": False``.
    """
    lower = upper = both = False
    d = []
    for x, y in zip(a, b, strict=True):
        lower |= y is None and x is not None
        upper |= x is None and y is not None
        both |= x is None and y is None
        d.append((bound if y is None else y) - (bound if x is None else x))
    out = mean_ci(d)
    out["missing"] = 0
    out["bound"] = AT_LEAST if lower and not upper else AT_MOST if upper and not lower else None
    out["comparable"] = not both and not (lower and upper)
    ci = out["ci95"]
    if not out["comparable"] or ci is None:
        out["clear"] = False
    elif out["bound"] == AT_LEAST:
        out["clear"] = ci[0] > 0
    elif out["bound"] == AT_MOST:
        out["clear"] = ci[1] < 0
    else:
        out["clear"] = bool(ci[0] > 0 or ci[1] < 0)
    return out


def unpaired_half_width(a: list[float], b: list[float]) -> float:
    """Half-width of the Welch interval for mean(b) - mean(a), as if runs were independent."""
    x, y = np.asarray(a, float), np.asarray(b, float)
    va, vb = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    df = (va + vb) ** 2 / (va**2 / (x.size - 1) + vb**2 / (y.size - 1))
    return float(stdtrit(df, 0.5 + LEVEL / 2) * math.sqrt(va + vb))
