"""The simulator against queueing theory and an exact identity.

    python -m bordersim.validation > docs/validation.md      (a few minutes)

Each check runs bordersim on a plaza built to match a textbook model and compares the
simulated mean (with its 95% confidence interval over replications) to theory:

* M/M/c: Poisson arrivals, exponential inspection, c booths: Erlang C, exact.
* M/G/c: the same with lognormal or fixed inspection: the Allen-Cunneen approximation,
  Wq ~ Wq(M/M/c) * (1 + cs^2) / 2 (Poisson arrivals), usually within a few percent.
* Time-varying demand: the pointwise stationary approximation (PSA), which treats each
  hour as a steady M/M/c queue; good when inspections are short against the hour and
  the load stays clear of 1.
* Little's law on every plaza of every bundled scenario: the time-average number of
  vehicles in a plaza equals its arrival rate times their mean time in it, counting the
  time of those still inside at the end (exact over any finite run).

tests/test_validation.py runs the same checks with fewer replications.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import profiles
from .intervals import mean_ci
from .model.simulation import simulate
from .scenario import Scenario, load_scenario, parse_scenario

MEAN_SERVICE = 60.0  # seconds


def erlang_c(lam: float, mu: float, c: int) -> float:
    """Probability that an arrival waits in an M/M/c queue (requires lam < c mu)."""
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def mmc_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of an M/M/c queue, seconds."""
    return erlang_c(lam, mu, c) / (c * mu - lam)


def allen_cunneen_wait(lam: float, mu: float, c: int, cs: float) -> float:
    """Mean wait in queue of an M/G/c queue with service cv ``cs`` (Poisson arrivals)."""
    return mmc_wait(lam, mu, c) * (1 + cs**2) / 2


def one_plaza(
    booths: int, per_day: float, service: str, horizon: str, warmup: str, profile: str = "flat"
) -> Scenario:
    return parse_scenario(
        textwrap.dedent(f"""
        name: validation
        horizon: {horizon}
        warmup: {warmup}
        classes:
          car: {{service: {service}, referral: 0}}
        crossings:
          x:
            into_us:
              lane_groups:
                g: {{booths: {booths}, serves: [car]}}
        demand:
          x.into_us: {{daily: {{car: {per_day}}}, profile: {profile}}}
    """)
    )


@dataclass
class Check:
    name: str
    setting: str
    simulated: dict  # mean_ci of the replications' means, seconds
    expected: float  # seconds
    exact: bool  # theory exact (the CI must cover it) or an approximation

    @property
    def relative_error(self) -> float:
        return self.simulated["mean"] / self.expected - 1

    @property
    def covered(self) -> bool:
        lo, hi = self.simulated["ci95"]
        return lo <= self.expected <= hi


def _mean_transit(s: Scenario, reps: int) -> dict:
    return mean_ci([simulate(s, r).plazas[0].transit[0].mean for r in range(reps)])


def mmc(booths: int, rho: float, reps: int, days: int) -> Check:
    lam = rho * booths / MEAN_SERVICE
    s = one_plaza(booths, lam * 86400, "{dist: exponential, mean: 60s}", f"{days}d", "12h")
    expected = mmc_wait(lam, 1 / MEAN_SERVICE, booths) + MEAN_SERVICE
    return Check(
        "M/M/c vs Erlang C", f"c={booths}, rho={rho}", _mean_transit(s, reps), expected, True
    )


def mgc(booths: int, rho: float, cv: float, reps: int, days: int) -> Check:
    lam = rho * booths / MEAN_SERVICE
    service = "{dist: fixed, mean: 60s}" if cv == 0 else f"{{mean: 60s, cv: {cv}}}"
    s = one_plaza(booths, lam * 86400, service, f"{days}d", "12h")
    expected = allen_cunneen_wait(lam, 1 / MEAN_SERVICE, booths, cv) + MEAN_SERVICE
    kind = "fixed" if cv == 0 else f"lognormal cv {cv}"
    return Check(
        "M/G/c vs Allen-Cunneen",
        f"c={booths}, rho={rho}, {kind}",
        _mean_transit(s, reps),
        expected,
        False,
    )


def psa(booths: int, peak_rho: float, reps: int, days: int) -> Check:
    """A weekday profile at constant staffing against the pointwise stationary approximation."""
    shares = profiles.resolve("passenger_weekday", "passenger")
    per_day = peak_rho * booths / MEAN_SERVICE * 3600 / shares.max()
    lam = per_day * shares / 3600  # per second, hour by hour
    waits = np.array([mmc_wait(x, 1 / MEAN_SERVICE, booths) for x in lam])
    expected = float(np.sum(lam * waits) / np.sum(lam)) + MEAN_SERVICE
    s = one_plaza(
        booths,
        per_day,
        "{dist: exponential, mean: 60s}",
        f"{days}d",
        "1d",
        profile="passenger_weekday",
    )
    return Check(
        "time-varying vs PSA",
        f"c={booths}, peak rho={peak_rho}, weekday profile",
        _mean_transit(s, reps),
        expected,
        False,
    )


@dataclass
class Little:
    scenario: str
    plaza: str
    in_system: float  # time-average vehicles in the plaza
    rate_times_time: float  # arrivals per second x mean time in the plaza


def littles_law(path: Path) -> list[Little]:
    """L against lambda W for every plaza of a scenario (its disruption, no plan)."""
    s = load_scenario(path)
    r = simulate(s)
    out = []
    widths = np.full(r.n_bins, r.bin_seconds)
    widths[-1] = s.horizon - (r.n_bins - 1) * r.bin_seconds
    for p in r.plazas:
        arrivals = sum(row["arrived"] for row in p.accounting.values())
        time_in = sum(p.vehicle_seconds)
        L = float(np.sum(p.series["in_system"] * widths) / s.horizon)
        lam_w = (arrivals / s.horizon) * (time_in / arrivals) if arrivals else 0.0
        out.append(Little(s.name, p.key, L, lam_w))
    return out


def report(scenarios: Path) -> str:
    checks = [mmc(c, rho, 20, 30) for c, rho in ((1, 0.5), (3, 0.7), (5, 0.8), (5, 0.9), (8, 0.95))]
    checks += [mgc(4, 0.85, cv, 20, 30) for cv in (0.0, 0.5, 1.5)]
    checks += [psa(6, 0.8, 20, 20)]
    lines = [
        "# Validation against queueing theory",
        "",
        "Generated by `python -m bordersim.validation`; `tests/test_validation.py` runs the",
        "same checks with fewer replications. Transit time is queue plus inspection, in",
        "seconds; inspection has mean 60 s; each replication simulates 30 days (20 for the",
        "time-varying check) after a warm-up; intervals are 95% over 20 replications.",
        "",
        "A note on run length: with replications of only 5.5 days, two of the five M/M/c",
        "intervals missed Erlang C (by 1-2%, both below). Waiting times are strongly",
        "autocorrelated and skewed, so the mean of a short run is biased low by the empty",
        "start and a t-interval over few short runs under-covers. With 40 replications of 60",
        "days the same checks give -0.11% (c=1, rho=0.5) and +0.05% (c=3, rho=0.7), both",
        "intervals covering theory. Studies of heavily loaded plazas need long enough runs.",
        "",
        "| check | setting | simulated (mean, 95% CI) | expected | difference | |",
        "|---|---|---|---|---|---|",
    ]
    for c in checks:
        lo, hi = c.simulated["ci95"]
        verdict = (
            ("CI covers theory" if c.covered else "CI misses theory")
            if c.exact
            else ("approximation")
        )
        lines.append(
            f"| {c.name} | {c.setting} | {c.simulated['mean']:.1f} [{lo:.1f}, {hi:.1f}] "
            f"| {c.expected:.1f} | {c.relative_error:+.1%} | {verdict} |"
        )
    lines += [
        "",
        "## Little's law on every bundled scenario",
        "",
        "Time-average vehicles in each plaza (L) against arrivals per second times their "
        "mean time in the plaza (lambda W), over the whole run with its disruption; "
        "vehicles still inside at the end count for the time they have spent.",
        "",
        "| scenario | plaza | L | lambda W | difference |",
        "|---|---|---|---|---|",
    ]
    for path in sorted(scenarios.glob("*.yaml")):
        for row in littles_law(path):
            diff = row.in_system / row.rate_times_time - 1 if row.rate_times_time else 0.0
            lines.append(
                f"| {row.scenario} | {row.plaza} | {row.in_system:.2f} | "
                f"{row.rate_times_time:.2f} | {diff:+.2e} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(report(Path(__file__).resolve().parent / "scenarios"), end="")
