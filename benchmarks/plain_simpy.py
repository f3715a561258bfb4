"""The benchmark-day port as a plain SimPy model: a process per vehicle, booths as
``simpy.Resource``. The yardstick bordersim's speed is quoted against, in the same run.

    python benchmarks/plain_simpy.py        # prints seconds, vehicles and µs a vehicle

It sees the very same vehicles as bordersim (arrival times, classes, service times and
referral draws from bordersim's own arrival streams, so drawing them is not timed) and
does what bordersim does with them, each concept a few lines of idiomatic SimPy:

* lane groups: one Resource each, as many servers as booths; a vehicle joins the group
  that serves its class with the fewest vehicles waiting or inspected per booth;
* primary inspection: hold the booth for the service time;
* secondary: a referred vehicle holds its booth until a bay is free (a Resource of
  bays), then waits for an officer (a Resource of officers) for its secondary time;
* transit times: one list, summarised at the end.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import simpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bordersim.model.arrivals import PlazaArrivals  # noqa: E402
from bordersim.scenario import compile_scenario, load_scenario  # noqa: E402


def vehicles(path: Path = ROOT / "scenarios" / "benchmark-day.yaml") -> tuple[list, dict]:
    """bordersim's own draws for the day: (time, class, service, referral draw, secondary)."""
    view = compile_scenario(load_scenario(path))
    plaza = view.plazas[0]
    out = []
    for chunk in PlazaArrivals(view, plaza, 0).chunks():
        out += [row[:5] for row in chunk.rows(0, chunk.size)]  # Python numbers, as bordersim
    return out, {"view": view, "plaza": plaza}


def simulate(arrivals: list, view, plaza) -> list[float]:
    env = simpy.Environment()
    spec = plaza.spec
    names = list(view.classes)
    groups = [
        (simpy.Resource(env, g.booths), {names.index(c) for c in g.serves})
        for g in spec.lane_groups.values()
    ]
    referral = [
        spec.secondary.referral.get(c, view.classes[c].referral) if spec.secondary else 0.0
        for c in names
    ]
    bays = simpy.Resource(env, spec.secondary.bays)
    officers = simpy.Resource(env, spec.secondary.officers)
    transit: list[float] = []

    def vehicle(arrival, cls, service, referral_u, secondary):
        booths = min(
            (r for r, serves in groups if cls in serves),
            key=lambda r: (len(r.queue) + r.count) / r.capacity,
        )
        with booths.request() as booth:
            yield booth
            yield env.timeout(service)
            if referral_u < referral[cls]:
                bay = bays.request()
                yield bay  # holding the booth until a bay is free
        if referral_u < referral[cls]:
            with officers.request() as officer:
                yield officer
                yield env.timeout(secondary)
            bays.release(bay)
        transit.append(env.now - arrival)

    def arrive():
        for a in arrivals:
            yield env.timeout(a[0] - env.now)
            env.process(vehicle(*a))

    env.process(arrive())
    env.run(until=view.horizon)
    return transit


def timed(name: str, model) -> None:
    """Run ``model(arrivals, view, plaza)`` (it returns the transit times) on bordersim's
    vehicles of the day, best of 3, and print its time a vehicle: the line
    run_benchmarks.py reads."""
    arrivals, where = vehicles()
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        transit = model(arrivals, where["view"], where["plaza"])
        best = min(best, time.perf_counter() - t0)
    n = len(arrivals)
    mean = sum(transit) / len(transit) / 60
    print(
        f"{name}, benchmark-day: {n:,} vehicles in {best:.3f} s, {best / n * 1e6:.2f} µs a "
        f"vehicle; mean transit {mean:.2f} min"
    )


if __name__ == "__main__":
    timed("plain SimPy", simulate)
