"""The situation now: what a live model shows at its clock, plaza by plaza.

An exercise advances a model (:meth:`RegionModel.advance`) and reads it here between
steps: the queue, the wait a driver arriving now can expect, the wait posted to drivers
(as stale as the last post), booths open, secondary inspection's load, and diversions.
Nothing here changes the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .simulation import RegionModel


@dataclass
class PlazaNow:
    key: str  # crossing.direction
    queued: int  # vehicles waiting for primary (staged vehicles apart)
    staged: int
    queue_km: float
    wait_now: dict[str, float | None]  # by class with demand: expected wait, s (None: closed)
    posted: dict[str, float | None] | None  # the last posted wait (None: waits not posted)
    booths_open: int  # staffed, in lane groups open to traffic (a closure: 0)
    booths: int
    secondary_busy: int  # officers inspecting
    secondary_officers: int
    bays_used: int
    bays: int
    arrived: int
    released: int
    gave_up: int
    diverted_away: int
    diverted_in: int
    heading_here: int  # diverted vehicles on a detour towards this plaza


def situation(model: RegionModel, classes_with_demand: dict[str, list[str]]) -> list[PlazaNow]:
    """Every plaza's situation at the model's clock."""
    router = model.router
    heading: dict[str, int] = {}
    if router is not None:
        for _, target in router.on_road.values():
            heading[target.key] = heading.get(target.key, 0) + 1
    out = []
    for p in model.plazas:
        p.fold()  # releases are counted in batches (order-preserving: see Plaza.fold)
        where = p.where_are_they()
        names = classes_with_demand.get(p.key) or p.class_names
        index = {n: i for i, n in enumerate(p.class_names)}
        posted = None
        if router is not None:
            posted = {n: _finite(p.posted[index[n]]) for n in names}
        sec = p.secondary
        out.append(
            PlazaNow(
                key=p.key,
                queued=sum(where["queued"]),
                staged=sum(where["staged"]),
                queue_km=p.queued_m / p.lanes / 1000.0,
                wait_now={n: _finite(p.expected_wait(index[n])) for n in names},
                posted=posted,
                booths_open=p.n_open,  # staffed and open to some class (0 when closed)
                booths=sum(g.booths for g in p.groups),
                secondary_busy=len(sec.inspecting) if sec else 0,
                secondary_officers=sec.officers if sec else 0,
                bays_used=sec.in_bays if sec else 0,
                bays=sec.bays if sec else 0,
                arrived=sum(p.arrived),
                released=sum(p.released),
                gave_up=sum(p.gave_up),
                diverted_away=sum(p.diverted),
                diverted_in=sum(p.diverted_in),
                heading_here=heading.get(p.key, 0),
            )
        )
    return out


def _finite(seconds: float) -> float | None:
    """A wait in seconds, None when nothing is open to the class."""
    return None if seconds == math.inf else seconds


def curves_so_far(model: RegionModel) -> dict[str, dict[str, list[float]]]:
    """Each plaza's 5-minute curves up to the last whole bin: queue (km), vehicles
    waiting, and mean transit time (minutes) of the vehicles that arrived in each bin
    and have crossed (None where none has)."""
    out = {}
    n = len(model.plazas[0].series["queue_km"]) if model.plazas else 0
    for p in model.plazas:
        p.fold()
        total = p.bin_transit_sum[:, :n].sum(axis=0)
        count = p.bin_transit_n[:, :n].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            transit = np.where(count > 0, total / np.maximum(count, 1) / 60.0, np.nan)
        out[p.key] = {
            "queue_km": [round(x, 3) for x in p.series["queue_km"][:n]],
            "queued": [round(x, 1) for x in p.series["queued"][:n]],
            "transit_min": [None if x != x else round(float(x), 1) for x in transit],
        }
    return out
