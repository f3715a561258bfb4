"""How figures look, shared by the PNG figures and the report's chart, without matplotlib:
the plans' palette and line styles, the shades, how many plazas a figure draws, and the
smoothing of transit curves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

# Okabe and Ito's palette (colour-blind safe), without its yellow (unreadable on white);
# each plan also has a line style, so that two plans with the same results stay visible.
PLAN_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
PLAN_STYLES = ["-", "--", "-.", ":", (0, (6, 2)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1))]
PLAN_DASHES = [None, [8, 4], [8, 3, 2, 3], [2, 3], [12, 4], [6, 2, 2, 2, 2, 2], [2, 2]]  # the web's
BASELINE = {"color": "#999999", "lw": 1.2, "ls": (0, (2, 2)), "label": "baseline (no disruption)"}
EVENT_SHADE = "#d0d0d0"
WARMUP_SHADE = "#f0f0f0"
HOURS_AFTER_MIN = 180  # waits beyond three hours are read in hours


# A figure a planner can read; every plaza is in the CSV files.
MAX_PLAZAS_DRAWN = 6
MAX_CROSSINGS_DRAWN = 16


def plan_style(i: int) -> dict:
    return {"color": PLAN_COLOURS[i % len(PLAN_COLOURS)], "ls": PLAN_STYLES[i % len(PLAN_STYLES)]}


SMOOTH_BINS = 7  # transit curves are drawn as a 35-minute average around each 5-minute bin


def window_mean(y: np.ndarray, weight: np.ndarray, k: int = SMOOTH_BINS) -> np.ndarray:
    """Each known value as the mean of the known values within k bins around it, weighted
    by arrivals: a bin that one fast vehicle crossed alone no longer reads as the queue
    gone. Unknown bins (nobody crossed, or censored) stay unknown."""
    y = np.asarray(y, dtype=float)
    w = np.nan_to_num(np.asarray(weight, dtype=float), nan=0.0)
    ok = np.isfinite(y) & (w > 0)
    kernel = np.ones(k)
    num = np.convolve(np.where(ok, y * w, 0.0), kernel, "same")
    den = np.convolve(np.where(ok, w, 0.0), kernel, "same")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / den, np.nan)
    out[~np.isfinite(y)] = np.nan
    return out


# ---------------------------------------------------------------------------- the sketch
@dataclass(frozen=True)
class Band:
    """An event as figures shade it: its type, when, and the plazas it touches."""

    type: str
    start: float  # seconds from the start
    end: float  # within the horizon
    plazas: frozenset[str]  # crossing.direction keys


@dataclass(frozen=True)
class Bar:
    """A row of the timeline: what, when, in which colour."""

    label: str
    start: float
    end: float
    colour: str


@dataclass(frozen=True)
class Sketch:
    """What figures need of a scenario, as plain data: it crosses to the drawing process
    (report.drawing) without pydantic, which that process then never loads."""

    name: str
    start: datetime | None
    warmup: float
    horizon: float
    bands: tuple[Band, ...]
    names: dict[str, str]  # crossing or crossing.direction -> words
    storage_m: dict[str, float | None]  # crossing.direction -> approach storage, metres
    bars: tuple[Bar, ...]  # the timeline: events, then each plan's actions
    plans_acting: bool  # whether the timeline shows plans

    def bands_at(self, crossing: str, direction: str | None) -> list[Band]:
        """The events touching a plaza (or, without a direction, a crossing)."""
        if direction is not None:
            key = f"{crossing}.{direction}"
            return [b for b in self.bands if key in b.plazas]
        return [b for b in self.bands if any(k.split(".")[0] == crossing for k in b.plazas)]


@dataclass
class Lines:
    """A plaza's curves under one plan (or its baseline), as figures draw them: medians
    across replications, with the 10-90% band when there are several; transit times are
    the 35-minute average by arrival (window_mean), censored bins unknown."""

    transit: np.ndarray  # minutes, by arrival time
    queue_km: np.ndarray
    queued: np.ndarray  # vehicles
    transit_lo: np.ndarray | None = None
    transit_hi: np.ndarray | None = None
    queue_lo: np.ndarray | None = None
    queue_hi: np.ndarray | None = None
