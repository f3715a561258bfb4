"""Shared helpers: small scenarios written as text, so each test shows what it sets up."""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

from bordersim.metrics import context, figures
from bordersim.model.simulation import SimResult, simulate
from bordersim.results import Measure, Place, Results
from bordersim.runner import plan_label
from bordersim.scenario import Scenario, parse_scenario

ROOT = Path(__file__).resolve().parent.parent

# The machine's own Chromium (Debian's package; nothing is downloaded) for browser tests,
# and the flags a sandboxed, offline machine needs (no background calls to the network).
CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCENARIOS = ROOT / "scenarios"

# A small scenario file as a planner would write it, and the same with plans.
VALID = """\
name: small
horizon: 1d
warmup: 1h
crossings:
  amb:
    into_us:
      lane_groups:
        cars: {booths: 4, serves: [car]}
        trucks: {booths: 3, serves: [truck]}
      secondary: {officers: 2, bays: 4}
demand:
  amb.into_us: {daily: {car: 3000, truck: 1500}}
events:
  - {type: closure, where: amb.into_us, start: 10:00, end: 12:00}
"""

PLANS = (
    VALID.replace("trucks: {booths: 3,", "trucks: {booths: 4, open: 3,")  # room to add one
    + """\
plans:
  nothing: []
  more_trucks:
    - {type: open_booths, where: amb.into_us.trucks, add: 1, start: 12:00}
  triage:
    - {type: priority, where: amb.into_us, start: 12:00}
"""
)


# A small exercise: two crossings with a detour between them, a closure, an inject that
# brings a staffing cut, decision points and a plan on paper.
EXERCISE = """\
name: drill
start: 2025-06-10 00:00
horizon: 1d
warmup: 1h
seed: 7
crossings:
  amb:
    name: Ambassador
    into_us:
      lane_groups:
        cars: {booths: 4, serves: [car], open: 3}
        trucks: {booths: 4, serves: [truck], open: 3}
      secondary: {officers: 2, bays: 4}
    into_canada:
      lane_groups:
        cars: {booths: 4, serves: [car], open: 3}
        trucks: {booths: 3, serves: [truck]}
  blue:
    name: Blue Water
    into_us:
      lane_groups:
        cars: {booths: 3, serves: [car], open: 2}
        trucks: {booths: 3, serves: [truck], open: 2}
    into_canada:
      lane_groups:
        cars: {booths: 3, serves: [car]}
        trucks: {booths: 3, serves: [truck]}
demand:
  amb.into_us: {daily: {car: 3000, truck: 1500}}
  amb.into_canada: {daily: {car: 2500, truck: 1200}}
  blue.into_us: {daily: {car: 1500, truck: 800}}
  blue.into_canada: {daily: {car: 1400, truck: 700}}
network:
  detours:
    - {between: [amb, blue], time: 1h}
events:
  - {type: closure, where: amb.into_us, start: Tue 10:00, end: Tue 13:00, note: bridge closed}
plans:
  divert_early:
    - {type: divert, from: amb.into_us, to: [blue.into_us], mode: voluntary,
       start: Tue 10:00, end: Tue 13:00}
    - {type: open_booths, where: blue.into_us.trucks, open: 3, start: Tue 10:00}
exercise:
  title: Drill
  decision_points: [Tue 09:00, Tue 10:30, Tue 13:00]
  injects:
    - {at: Tue 09:50, from: Bridge company, text: The bridge closes at 10:00.}
    - {at: Tue 10:15, from: CBP, text: Two officers ill at Blue Water.,
       event: {type: staffing, where: blue.into_us.cars, fraction: 0.5, start: Tue 10:15,
               end: Tue 12:00}}
"""


def scenario(text: str) -> Scenario:
    return parse_scenario(textwrap.dedent(text), file="test.yaml")


def one_plaza(
    *,
    booths: int = 3,
    service: str = "{dist: exponential, mean: 60s}",
    daily: float = 3456.0,
    horizon: str = "2d",
    warmup: str = "2h",
    secondary: str = "",
    events: str = "[]",
    referral: float = 0.0,
    seed: int = 1,
    extra_groups: str = "",
) -> Scenario:
    """One plaza, one class of cars, flat demand: an M/M/c queue unless told otherwise."""
    return scenario(
        f"""
        name: t
        horizon: {horizon}
        warmup: {warmup}
        seed: {seed}
        classes:
          car: {{service: {service}, referral: {referral}}}
        crossings:
          x:
            into_us:
              lane_groups:
                cars: {{booths: {booths}, serves: [car]}}
                {extra_groups}
              {secondary}
        demand:
          x.into_us: {{daily: {{car: {daily}}}, profile: flat}}
        events: {events}
        """
    )


# --------------------------------------------------------------------------- figures
@dataclass
class Outcome:
    """One replication of a scenario and its baseline, and its typed figures."""

    scenario: Scenario
    run: SimResult
    baseline: SimResult
    results: Results

    def figure(
        self,
        measure: Measure,
        cls: str | None = None,
        baseline: bool = False,
        place: Place | None = None,
    ) -> float | None:
        """A figure's value, at the first plaza unless a place is given."""
        at = place if place is not None else self.results.context.plazas[0].place
        f = self.results.get(measure, at, cls, baseline)
        assert f is not None, f"no figure {measure.name} at {at.key} for {cls}"
        return f.value


def run_once(
    s: Scenario, plan: str | None = None, record_vehicles: bool = False, seed: int | None = None
) -> Outcome:
    """Simulate the scenario (with a plan) and its baseline, as a run's first replication."""
    if seed is not None:
        s = s.model_copy(update={"seed": seed})
    run = simulate(s, plan=plan, record_vehicles=record_vehicles)
    disrupted = bool(s.events) or plan is not None
    base = simulate(s, apply_events=False, record_vehicles=record_vehicles) if disrupted else run
    results = Results.of(context(s), plan_label(plan), [figures(s, run, base)], 0)
    return Outcome(s, run, base, results)


def json_figure(
    data: dict,
    measure: str,
    crossing: str | None = None,
    direction: str | None = None,
    cls: str | None = None,
    baseline: bool = False,
) -> dict:
    """A figure of summary.json (schema 2) by what it is."""
    for f in data["figures"]:
        if (f["measure"], f["crossing"], f["direction"], f["class"], f["baseline"]) == (
            measure,
            crossing,
            direction,
            cls,
            baseline,
        ):
            return f
    raise KeyError((measure, crossing, direction, cls, baseline))
