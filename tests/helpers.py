"""Shared helpers: small scenarios written as text, so each test shows what it sets up."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bordersim.scenario import Scenario, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


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
