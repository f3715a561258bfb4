"""The benchmark-day port as the leanest SimPy model we know how to write: the second
yardstick for bordersim's speed (``plain_simpy.py`` is the idiomatic one).

    python benchmarks/fast_simpy.py        # prints seconds, vehicles and µs a vehicle

No process per vehicle: every step is a ``Timeout`` with a callback (an arrival, the end
of a primary or secondary inspection), booths, bays and officers are plain counters with
queues, and nothing is measured but each vehicle's transit time. It sees the very same
vehicles as bordersim (``plain_simpy.vehicles``: drawing them is not timed) and follows
the same rules as ``plain_simpy.py``: a vehicle joins the lane group that serves its
class with the fewest vehicles waiting or inspected per booth; a referred vehicle holds
its booth until a bay is free, then waits in the bay for an officer.

bordersim does more per vehicle than this (time-weighted queues in 5-minute bins,
accounting, patience, controls); the ratio of the two is printed by ``run_benchmarks.py``.
"""

from __future__ import annotations

import sys
from collections import deque
from pathlib import Path

import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plain_simpy import timed  # noqa: E402


class Group:
    """A lane group: booths as a count, and the vehicles waiting for one."""

    def __init__(self, booths: int, serves: set[int]) -> None:
        self.booths, self.serves = booths, serves
        self.busy = 0  # booths inspecting or holding a vehicle that waits for a bay
        self.waiting: deque = deque()

    def load(self) -> float:
        return (len(self.waiting) + self.busy) / self.booths


def simulate(arrivals: list, view, plaza) -> list[float]:
    env = simpy.Environment()
    spec = plaza.spec
    names = list(view.classes)
    groups = [
        Group(g.booths, {names.index(c) for c in g.serves}) for g in spec.lane_groups.values()
    ]
    eligible = [[g for g in groups if c in g.serves] for c in range(len(names))]
    referral = [spec.secondary.referral.get(c, view.classes[c].referral) for c in names]
    bays, officers = spec.secondary.bays, spec.secondary.officers
    blocked: deque = deque()  # (group, vehicle) holding a booth, waiting for a bay
    in_bays: deque = deque()  # vehicles in a bay, waiting for an officer
    free = {"bays": bays, "officers": officers}
    transit: list[float] = []

    def after(delay: float, callback, value) -> None:
        timeout = env.timeout(delay, value)
        timeout.callbacks.append(callback)

    def arrive(event) -> None:
        i = event.value
        v = arrivals[i]
        g = min(eligible[v[1]], key=Group.load)
        if g.busy < g.booths:
            g.busy += 1
            after(v[2], primary_done, (g, v))
        else:
            g.waiting.append(v)
        if i + 1 < len(arrivals):
            after(arrivals[i + 1][0] - env.now, arrive, i + 1)

    def free_booth(g: Group) -> None:
        if g.waiting:
            v = g.waiting.popleft()
            after(v[2], primary_done, (g, v))
        else:
            g.busy -= 1

    def primary_done(event) -> None:
        g, v = event.value
        if v[3] >= referral[v[1]]:
            transit.append(env.now - v[0])
            free_booth(g)
        elif free["bays"]:
            free["bays"] -= 1
            free_booth(g)
            to_officer(v)
        else:
            blocked.append((g, v))

    def to_officer(v) -> None:
        if free["officers"]:
            free["officers"] -= 1
            after(v[4], secondary_done, v)
        else:
            in_bays.append(v)

    def secondary_done(event) -> None:
        transit.append(env.now - event.value[0])
        if in_bays:  # the officer takes the next vehicle waiting in a bay
            w = in_bays.popleft()
            after(w[4], secondary_done, w)
        else:
            free["officers"] += 1
        if blocked:
            g, v = blocked.popleft()
            free_booth(g)
            to_officer(v)
        else:
            free["bays"] += 1

    after(arrivals[0][0], arrive, 0)
    env.run(until=view.horizon)
    return transit


if __name__ == "__main__":
    timed("fast SimPy", simulate)
