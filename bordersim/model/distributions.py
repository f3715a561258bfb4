"""Service times from uniform random numbers.

Each vehicle carries its own uniform draws (made in numpy batches), and its service
time is the distribution's inverse CDF at that uniform. So the same vehicle gets the
same (quantile of) service time in every plan and in the baseline: common random
numbers, even when a plan changes which distribution applies.
"""

from __future__ import annotations

import numpy as np

from ..scenario import ServiceTime


def service_times(dist: ServiceTime, u: np.ndarray) -> np.ndarray:
    """Seconds for each uniform in ``u`` (0 <= u < 1), by inverse transform."""
    kind = dist.kind
    if kind == "exponential":
        return -dist.mean_seconds * np.log1p(-u)
    if kind == "lognormal":
        # scipy.special takes a tenth of a second to load: only when a scenario needs it.
        from scipy.special import ndtri

        assert dist.cv is not None
        sigma2 = np.log1p(dist.cv**2)
        mu = np.log(dist.mean_seconds) - sigma2 / 2
        # Clip so that u == 0 (possible, if rarely, from numpy) stays finite.
        return np.exp(mu + np.sqrt(sigma2) * ndtri(np.clip(u, 1e-12, 1 - 1e-12)))
    if kind == "fixed":
        return np.full(u.shape, dist.mean_seconds)
    assert dist.values is not None
    values = np.asarray(dist.values, dtype=float)
    return values[np.minimum((u * len(values)).astype(np.int64), len(values) - 1)]
