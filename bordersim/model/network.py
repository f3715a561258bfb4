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

from typing import Any

import numpy as np
import simpy
from simpy.events import Timeout

from ..scenario import Divert, Information, Scenario
from .distributions import service_times
from .plaza import (
    V_CLASS,
    V_FROM,
    V_HERE,
    V_ID,
    V_SECONDARY,
    V_SERVICE,
    V_U_DIVERT,
    V_U_SECONDARY,
    V_U_SERVICE,
    V_WAITING,
    Plaza,
)


class Router:
    """Diversions between the plazas of one run."""

    def __init__(
        self, env: simpy.Environment, scenario: Scenario, plan: str, plazas: list[Plaza]
    ) -> None:
        self.env = env
        self.network = scenario.network
        self.by_key = {p.key: p for p in plazas}
        self.class_names = plazas[0].class_names
        actions = scenario.plans.get(plan, [])
        self.actions: dict[str, list[Divert]] = {}
        for a in actions:
            if isinstance(a, Divert):
                end = scenario.horizon if a.end is None else a.end
                self.actions.setdefault(a.from_, []).append(a.model_copy(update={"end": end}))
        infos = [a for a in actions if isinstance(a, Information)]
        self.update_every = infos[-1].update_every if infos else self.network.update_every
        self.on_road: dict[int, tuple[list[Any], Plaza]] = {}
        for key in self.actions:
            self.by_key[key].router = self
        env.process(self._post())

    def _post(self):
        while True:
            for p in self.by_key.values():
                p.post_waits()
            yield self.env.timeout(self.update_every)

    def diverts(self, origin: Plaza, v: list[Any], now: float) -> bool:
        """Decide on arrival; if the vehicle goes, send it on its way and say so."""
        c = v[V_CLASS]
        name = self.class_names[c]
        for a in self.actions[origin.key]:
            if not (a.start <= now < a.end) or (a.classes is not None and name not in a.classes):
                continue
            if v[V_U_DIVERT] >= a.share(name):
                return False  # this driver does not act on the message
            best, best_cost, best_detour = None, np.inf, 0.0
            for key in a.to:
                target = self.by_key[key]
                detour = self.network.detour(origin.crossing, target.crossing, name) or 0.0
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

    def _send(self, v: list[Any], origin: Plaza, target: Plaza, detour: float) -> None:
        v[V_FROM] = origin.key
        v[V_WAITING] = None
        self.on_road[v[V_ID]] = (v, target)
        Timeout(self.env, detour, (v, origin, target)).callbacks.append(self._arrive)

    def _arrive(self, event: Timeout) -> None:
        v, origin, target = event._value
        del self.on_road[v[V_ID]]
        c = v[V_CLASS]
        if target.service_dist[c] != origin.service_dist[c]:
            v[V_SERVICE] = float(
                service_times(target.service_dist[c], np.array([v[V_U_SERVICE]]))[0]
            )
        if target.secondary_dist is not None and target.secondary_dist != origin.secondary_dist:
            u = np.array([v[V_U_SECONDARY]])
            v[V_SECONDARY] = float(service_times(target.secondary_dist, u)[0])
        v[V_HERE] = self.env.now
        target.arrive(v)
