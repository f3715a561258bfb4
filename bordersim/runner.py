"""Running a scenario: the disrupted run, its baseline, and the figures from both.

The baseline is the same scenario without its events, run with the same seed, so it
sees the same vehicles with the same service draws (common random numbers).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .metrics import figures
from .model.simulation import SimResult, simulate
from .scenario import Scenario

# (phase, simulated seconds done in this phase, share of all the work done)
Progress = Callable[[str, float, float], None]


@dataclass
class RunOutcome:
    scenario: Scenario
    run: SimResult
    baseline: SimResult
    summary: dict[str, Any]
    seconds: float  # wall-clock time of the simulation


def run_scenario(
    scenario: Scenario,
    seed: int | None = None,
    record_vehicles: bool = False,
    progress: Progress | None = None,
) -> RunOutcome:
    """Simulate the scenario and its baseline, and compute the figures."""
    if seed is not None:
        scenario = scenario.model_copy(update={"seed": seed})
    has_events = bool(scenario.events)
    phases = 2 if has_events else 1

    def phase(name: str, index: int) -> Callable[[float], None] | None:
        if progress is None:
            return None
        return lambda t: progress(name, t, (index + t / scenario.horizon) / phases)

    started = time.perf_counter()
    run = simulate(scenario, record_vehicles=record_vehicles, progress=phase("scenario", 0))
    baseline = (
        simulate(scenario, apply_events=False, progress=phase("baseline", 1))
        if has_events
        else run  # no events: the run is its own baseline
    )
    seconds = time.perf_counter() - started
    return RunOutcome(scenario, run, baseline, figures(scenario, run, baseline), seconds)
