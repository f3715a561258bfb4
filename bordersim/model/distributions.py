"""Service times from uniform random numbers.

Each vehicle carries its own uniform draws (made in numpy batches), and its service
time is the distribution's inverse CDF at that uniform. So the same vehicle gets the
same (quantile of) service time in every plan and in the baseline: common random
numbers, even when a plan changes which distribution applies.
"""

from __future__ import annotations

import math

import numpy as np

from ..scenario import ServiceTime


def service_times(dist: ServiceTime, u: np.ndarray) -> np.ndarray:
    """Seconds for each uniform in ``u`` (0 <= u < 1), by inverse transform."""
    kind = dist.kind
    if kind == "exponential":
        return -dist.mean_seconds * np.log1p(-u)
    if kind == "lognormal":
        assert dist.cv is not None
        sigma2 = np.log1p(dist.cv**2)
        mu = np.log(dist.mean_seconds) - sigma2 / 2
        # Clip so that u == 0 (possible, if rarely, from numpy) stays finite.
        return np.exp(mu + np.sqrt(sigma2) * normal_quantile(np.clip(u, 1e-12, 1 - 1e-12)))
    if kind == "fixed":
        return np.full(u.shape, dist.mean_seconds)
    assert dist.values is not None
    values = np.asarray(dist.values, dtype=float)
    return values[np.minimum((u * len(values)).astype(np.int64), len(values) - 1)]


# The standard normal quantile by Cephes' rational approximations (S. L. Moshier, Cephes
# Math Library, ndtri): the ones scipy.special.ndtri evaluates. Here in numpy, operation
# for operation in the same order, so the same numbers come out to the last bit (checked
# against scipy in tests/model/test_distributions.py): scipy.special takes 0.15 s to
# load, more than a one-day run of a plaza takes to simulate.
_EXP_MINUS_2 = 0.13533528323661269189
_SQRT_2PI = 2.50662827463100050242
# |u - 0.5| <= 0.5 - exp(-2): x = w + w^3 P0(w^2) / Q0(w^2), w = u - 0.5, times sqrt(2 pi)
_P0 = (
    -5.99633501014107895267e1,
    9.80010754185999661536e1,
    -5.66762857469070293439e1,
    1.39312609387279679503e1,
    -1.23916583867381258016e0,
)
_Q0 = (
    1.95448858338141759834e0,
    4.67627912898881538453e0,
    8.63602421390890590575e1,
    -2.25462687854119370527e2,
    2.00260212380060660359e2,
    -8.20372256168333339912e1,
    1.59056225126211695515e1,
    -1.18331621121330003142e0,
)
# tails, z = sqrt(-2 log u) from 2 to 8 (u down to exp(-32)), then beyond 8
_P1 = (
    4.05544892305962419923e0,
    3.15251094599893866154e1,
    5.71628192246421288162e1,
    4.40805073893200834700e1,
    1.46849561928858024014e1,
    2.18663306850790267539e0,
    -1.40256079171354495875e-1,
    -3.50424626827848203418e-2,
    -8.57456785154685413611e-4,
)
_Q1 = (
    1.57799883256466749731e1,
    4.53907635128879210584e1,
    4.13172038254672030440e1,
    1.50425385692907503408e1,
    2.50464946208309415979e0,
    -1.42182922854787788574e-1,
    -3.80806407691578277194e-2,
    -9.33259480895457427372e-4,
)
_P2 = (
    3.23774891776946035970e0,
    6.91522889068984211695e0,
    3.93881025292474443415e0,
    1.33303460815807542389e0,
    2.01485389549179081538e-1,
    1.23716634817820021358e-2,
    3.01581553508235416007e-4,
    2.65806974686737550832e-6,
    6.23974539184983293730e-9,
)
_Q2 = (
    6.02427039364742014255e0,
    3.67983563856160859403e0,
    1.37702099489081330271e0,
    2.16236993594496635890e-1,
    1.34204006088543189037e-2,
    3.28014464682127739104e-4,
    2.89247864745380683936e-6,
    6.79019408009981274425e-9,
)


def _polynomial(x, coefficients: tuple[float, ...], monic: bool = False):
    """Horner's rule, highest power first, for a number or an array; ``monic``: a
    leading coefficient 1, not listed."""
    out = x + coefficients[0] if monic else coefficients[0]
    for c in coefficients[1:]:
        out = out * x + c
    return out


def normal_quantile(u: np.ndarray) -> np.ndarray:
    """The standard normal quantile of each u, 0 < u < 1 (as scipy.special.ndtri; u
    must be inside that range: the tails take its logarithm). A few values (a diverted
    vehicle's redraw) are done one by one, without numpy's cost per call."""
    u = np.asarray(u, dtype=float)
    if u.size <= 8:
        return np.array([_quantile(v) for v in u.ravel().tolist()]).reshape(u.shape)
    out = np.empty_like(u)
    upper = u > 1.0 - _EXP_MINUS_2
    y = np.where(upper, 1.0 - u, u)  # the tail's own probability
    middle = y > _EXP_MINUS_2
    w = y[middle] - 0.5
    w2 = w * w
    ratio = w2 * _polynomial(w2, _P0) / _polynomial(w2, _Q0, monic=True)
    out[middle] = (w + w * ratio) * _SQRT_2PI
    tail = ~middle
    if tail.any():
        # the C library's log, as scipy's (numpy's own may differ in the last bit)
        log = math.log
        x = np.sqrt(-2.0 * np.array([log(v) for v in y[tail].tolist()]))
        x0 = x - np.array([log(v) for v in x.tolist()]) / x
        z = 1.0 / x
        near = x < 8.0
        x1 = np.where(
            near,
            z * _polynomial(z, _P1) / _polynomial(z, _Q1, monic=True),
            z * _polynomial(z, _P2) / _polynomial(z, _Q2, monic=True),
        )
        out[tail] = np.where(upper[tail], x0 - x1, -(x0 - x1))
    return out


def _quantile(u: float) -> float:
    """normal_quantile of one number, the same operations on Python floats."""
    upper = u > 1.0 - _EXP_MINUS_2
    y = 1.0 - u if upper else u
    if y > _EXP_MINUS_2:
        w = y - 0.5
        w2 = w * w
        return (w + w * (w2 * _polynomial(w2, _P0) / _polynomial(w2, _Q0, True))) * _SQRT_2PI
    x = math.sqrt(-2.0 * math.log(y))
    x0 = x - math.log(x) / x
    z = 1.0 / x
    if x < 8.0:
        x1 = z * _polynomial(z, _P1) / _polynomial(z, _Q1, True)
    else:
        x1 = z * _polynomial(z, _P2) / _polynomial(z, _Q2, True)
    return x0 - x1 if upper else -(x0 - x1)
