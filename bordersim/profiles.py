"""Built-in hourly demand profiles.

No public table of hourly border volumes exists (see ``docs/sources.md``), so
every profile here is an assumption, shaped on what is known: passenger traffic has
commuter and weekend peaks; trucks run mostly in daytime, peak Tuesday to Thursday
and almost vanish on Sundays (MTRI truck border crossing study, 2014). Replace them
with a site's own counts by writing 24 or 168 numbers in the scenario file.

A profile is a list of relative weights: 24 (one day, repeated) or 168 (a week from
Monday 00:00, repeated). Weights are normalised, so only their shape matters.
"""

from __future__ import annotations

import numpy as np

# Shares by hour of day, 00:00 first. Assumptions.
_PASSENGER_WEEKDAY = [
    1.0,
    0.6,
    0.4,
    0.3,
    0.5,
    1.5,
    3.5,
    6.0,
    6.5,
    5.0,
    4.5,
    4.7,
    5.0,
    5.2,
    5.6,
    6.5,
    7.0,
    6.8,
    5.5,
    4.5,
    3.8,
    3.0,
    2.2,
    1.5,
]
_PASSENGER_WEEKEND = [
    1.5,
    1.0,
    0.6,
    0.4,
    0.4,
    0.7,
    1.5,
    2.8,
    4.5,
    5.8,
    6.6,
    7.0,
    7.0,
    6.8,
    6.6,
    6.4,
    6.2,
    5.8,
    5.2,
    4.6,
    3.9,
    3.2,
    2.5,
    1.9,
]
_COMMERCIAL_WEEKDAY = [
    1.5,
    1.2,
    1.0,
    1.0,
    1.5,
    2.5,
    4.5,
    6.0,
    6.5,
    6.8,
    6.8,
    6.7,
    6.5,
    6.5,
    6.3,
    6.0,
    5.5,
    4.8,
    4.0,
    3.2,
    2.7,
    2.3,
    2.0,
    1.7,
]
_COMMERCIAL_WEEKEND = [
    2.0,
    1.8,
    1.6,
    1.6,
    2.0,
    2.8,
    3.6,
    4.4,
    5.0,
    5.4,
    5.6,
    5.6,
    5.5,
    5.4,
    5.2,
    5.0,
    4.7,
    4.3,
    3.9,
    3.5,
    3.1,
    2.8,
    2.5,
    2.2,
]
# Day weights Monday..Sunday. Assumptions (trucks: MTRI 2014, peak Tue-Thu, little on Sunday).
_PASSENGER_DAYS = [0.95, 0.95, 0.95, 1.0, 1.15, 1.1, 0.9]
_COMMERCIAL_DAYS = [1.0, 1.15, 1.15, 1.15, 1.05, 0.45, 0.3]


def _week(weekday: list[float], weekend: list[float], days: list[float]) -> list[float]:
    out: list[float] = []
    for d, w in enumerate(days):
        shape = np.asarray(weekday if d < 5 else weekend, dtype=float)
        out.extend((w * shape / shape.sum()).tolist())
    return out


BUILTIN: dict[str, list[float]] = {
    "flat": [1.0] * 24,
    "passenger_weekday": _PASSENGER_WEEKDAY,
    "passenger_weekend": _PASSENGER_WEEKEND,
    "passenger_week": _week(_PASSENGER_WEEKDAY, _PASSENGER_WEEKEND, _PASSENGER_DAYS),
    "commercial_weekday": _COMMERCIAL_WEEKDAY,
    "commercial_weekend": _COMMERCIAL_WEEKEND,
    "commercial_week": _week(_COMMERCIAL_WEEKDAY, _COMMERCIAL_WEEKEND, _COMMERCIAL_DAYS),
}
# Names that pick the passenger or commercial variant from the vehicle class's mode.
BY_MODE = ("weekday", "weekend", "week")

NAMES = sorted([*BUILTIN, *BY_MODE])


def resolve(profile: str | list[float], mode: str) -> np.ndarray:
    """Normalised weights (sum 1) of a profile name or list, for a class of ``mode``."""
    if isinstance(profile, str):
        name = f"{mode}_{profile}" if profile in BY_MODE else profile
        weights = np.asarray(BUILTIN[name], dtype=float)
    else:
        weights = np.asarray(profile, dtype=float)
    return weights / weights.sum()
