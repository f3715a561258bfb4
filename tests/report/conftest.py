"""One small study shared by the report tests: a closure, two plans, three replications."""

from __future__ import annotations

import pytest

from bordersim.compare import compare
from bordersim.runner import run_study
from tests.helpers import scenario

CLOSURE = """
name: small
start: 2025-03-04 06:00
horizon: 16h
warmup: 1h
crossings:
  amb:
    into_us:
      lane_groups:
        cars: {booths: 4, serves: [car]}
        trucks: {booths: 5, open: 3, serves: [truck]}
      approach: {lanes: 2, storage: 1km}
demand:
  amb.into_us: {daily: {car: 3000, truck: 1500}}
events:
  - {type: closure, where: amb, start: 4h, end: 7h}
plans:
  nothing: []
  more_booths:
    - {type: open_booths, where: amb.into_us.trucks, add: 2, start: 7h}
"""


@pytest.fixture(scope="session")
def small_study():
    s = scenario(CLOSURE)
    study = run_study(s, list(s.plans), reps=3, jobs=1)
    return study, compare(study)
