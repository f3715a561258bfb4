"""Regions: drivers who divert from one crossing to another.

Every ``update_every`` each plaza posts a wait estimate per class (see
:meth:`Plaza.post_waits`); drivers decide on the last post, so information is stale
between posts. A driver arriving at a plaza that a ``divert`` action covers compares
the posted wait there with, for each alternative, its posted wait plus the detour:

* ``mandatory``: directed to the best alternative whatever the waits;
* ``voluntary`` or ``information``: goes only when an alternative is posted as faster.

In every mode only a ``compliance`` share acts: those whose own diversion draw is below
it (a draw per vehicle, the same in every plan). A vehicle diverts at most once. It
leaves the first plaza (counted there as diverted), drives the detour (counted as on the
road), and arrives at the other plaza, counted there as an arrival diverted in. Its
inspection times are redrawn from its own uniforms with that plaza's distributions.
"""

from __future__ import annotations

import numpy as np
import simpy

from ..scenario import ScenarioView
from .distributions import service_times
from .plaza import Plaza
from .vehicle import Vehicle


class Router:
    """Diversions between the plazas of one run."""

    def __init__(self, env: simpy.Environment, view: ScenarioView, plazas: list[Plaza]) -> None:
        self.env = env
        self.view = view
        self.by_key = {p.key: p for p in plazas}
        self.class_names = plazas[0].class_names
        self.actions: dict[str, list] = {}  # plaza key -> divert actions from it
        for a in view.diversions:
            self.actions.setdefault(a.from_, []).append(a)
        self.update_every = view.update_every
        self.on_road: dict[int, tuple[Vehicle, Plaza]] = {}
        for key in self.actions:
            self.by_key[key].router = self
        env.process(self._post())

    def _post(self):
        while True:
            for p in self.by_key.values():
                p.post_waits()
            yield self.env.timeout(self.update_every)

    def diverts(self, origin: Plaza, v: Vehicle, now: float) -> bool:
        """Decide on arrival; if the vehicle goes, send it on its way and say so."""
        c = v.cls
        name = self.class_names[c]
        for a in self.actions[origin.key]:
            if not (a.start <= now < a.end) or (a.classes is not None and name not in a.classes):
                continue
            if v.divert_draw >= a.share(name):
                return False  # this driver does not act on the message
            best, best_cost, best_detour = None, np.inf, 0.0
            for key in a.to:
                target = self.by_key[key]
                detour = self.view.detour(origin.crossing, target.crossing, name) or 0.0
                cost = target.posted[c] + detour
                if cost < best_cost:
                    best, best_cost, best_detour = target, cost, detour
            if best is None or best.posted[c] == np.inf:
                return False  # nowhere open to go
            if a.mode == "mandatory" or best_cost < origin.posted[c]:
                self._send(v, origin, best, best_detour)
                return True
            return False
        return False

    def _send(self, v: Vehicle, origin: Plaza, target: Plaza, detour: float) -> None:
        v.diverted_from = origin.key
        v.waiting_in = None
        self.on_road[v.id] = (v, target)
        self.env.call_after(detour, self._arrive, (v, origin, target))

    def _arrive(self, trip: tuple[Vehicle, Plaza, Plaza], now: float) -> None:
        v, origin, target = trip
        del self.on_road[v.id]
        c = v.cls
        if target.service_dist[c] != origin.service_dist[c]:
            v.service = float(service_times(target.service_dist[c], np.array([v.service_draw]))[0])
        if target.secondary_dist is not None and target.secondary_dist != origin.secondary_dist:
            u = np.array([v.secondary_draw])
            v.secondary = float(service_times(target.secondary_dist, u)[0])
        v.plaza_arrival = self.env.now
        target.arrive(v)

    def finish(self, now: float) -> list[int]:
        """Vehicles still on a detour at the end, by class; each is booked at the plaza
        it was heading for."""
        on_road = [0] * len(self.class_names)
        for v, target in self.on_road.values():
            on_road[v.cls] += 1
            target.on_the_road(v, now)
        return on_road
