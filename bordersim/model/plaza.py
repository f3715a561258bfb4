"""An inspection plaza: lane groups of primary booths, and secondary inspection.

Booths are plain counters, not processes: an inspection is one SimPy ``Timeout`` whose
callback frees the booth and pulls the next vehicle. A :class:`Vehicle` is made when it
arrives and dropped when it is released, so memory follows the number of vehicles in
the plaza, not the length of the run.

Rules (in the planner's terms, see docs/model.md):

* An arriving vehicle joins the eligible lane group where it expects the shortest wait:
  vehicles ahead of it beyond the free booths, per open booth (zero while a booth is
  free). Ties go to the most specialised group, so a NEXUS car takes the NEXUS lane
  unless the general lanes are clearly shorter. If no eligible group is open, it waits
  at the least crowded one.
* A booth takes the vehicle that has waited longest among the classes it may serve.
* A booth that closes (schedule or staffing event) finishes its vehicle first. When a
  lane group can no longer serve a class, its waiting vehicles of that class move to
  another group that can, keeping their arrival times.
* After primary, a vehicle is referred to secondary when its referral draw is under the
  rate in force. If every secondary bay is taken it stays at its booth, blocking it,
  until a bay frees (first blocked, first in).
* Under triage (a ``priority`` action) a booth takes the lowest tier waiting first, and
  within a tier the one that has waited longest.
* A staging area holds its classes off the highway while it operates and lets them on
  to the plaza at its metered rate or in batches, but only while the plaza can inspect
  them (not during a closure); when it stops, all go at once.
* A driver with a patience gives up when still waiting (in a queue or a staging area)
  that long after arriving. Drivers in inspection never leave.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from collections.abc import Callable
from heapq import heappush
from typing import Any, NamedTuple

import numpy as np
import simpy
from simpy.events import NORMAL

from ..scenario import PlazaView, VehicleClass
from ..stats import FLUSH_AT, TransitStats
from .controls import GroupState
from .vehicle import Vehicle

FOLD_AT = 4096  # releases logged before they are folded into the counters (see fold)
_LOGGED = 4  # numbers logged per release (see Plaza.done)
_FOLD_LEN = FOLD_AT * _LOGGED


class VehicleRecord(NamedTuple):
    """One row of vehicles.csv (kept only when per-vehicle records are asked for)."""

    vehicle: int
    crossing: str
    direction: str
    cls: str
    lane_group: str
    arrival_s: float
    plaza_arrival_s: float | None
    primary_start_s: float | None
    referred: bool
    release_s: float | None
    transit_s: float | None
    outcome: str  # released, queued, staged, at_primary, at_secondary, gave_up, diverted,
    #               on_detour
    diverted_from: str  # the plaza it left for this one, or ""


TIER_WEIGHT = 1e9  # seconds: under triage, tier outranks any waiting time (horizons < 30 years)


class LaneGroup:
    """Booths of one lane group, their queues (one per class served) and their state."""

    __slots__ = (
        "name",
        "index",
        "booths",
        "serves",
        "queues",
        "n_queued",
        "open",
        "busy",
        "blocked",
        "closed",
        "service_factor",
        "referral_rate",
        "priority",
    )

    def __init__(self, name: str, index: int, booths: int, serves: list[int], n_classes: int):
        self.name = name
        self.index = index
        self.booths = booths
        self.serves = serves
        self.queues: dict[int, deque[Vehicle]] = {c: deque() for c in serves}
        self.n_queued = 0
        self.open = 0  # booths staffed now
        self.busy = 0  # booths inspecting
        self.blocked = 0  # booths holding a vehicle that waits for a secondary bay
        self.closed: frozenset[int] = frozenset()
        self.service_factor = [1.0] * n_classes
        self.referral_rate = [0.0] * n_classes
        self.priority = False

    def can_serve(self, c: int) -> bool:
        return self.open > 0 and c not in self.closed


class Secondary:
    """Secondary inspection: ``bays`` hold referred vehicles, ``officers`` inspect them."""

    def __init__(self, plaza: Plaza, officers: int, bays: int):
        self.plaza = plaza
        self.officers = officers
        self.bays = bays
        self.in_bays = 0
        self.inspecting: dict[int, Vehicle] = {}
        self.waiting: deque[Vehicle] = deque()  # in a bay, waiting for an officer
        self.blocked: deque[Vehicle] = deque()  # at a primary booth, waiting for a bay

    def enter(self, v: Vehicle) -> None:
        self.in_bays += 1
        if len(self.inspecting) < self.officers:
            self._inspect(v)
        else:
            self.waiting.append(v)

    def _inspect(self, v: Vehicle) -> None:
        self.inspecting[v.id] = v
        self.plaza.env.call_after(v.secondary, self._done, v)

    def _done(self, v: Vehicle, now: float) -> None:
        plaza = self.plaza
        del self.inspecting[v.id]
        self.in_bays -= 1
        plaza.release(v, now)
        if self.waiting:
            self._inspect(self.waiting.popleft())
        if self.blocked:
            w = self.blocked.popleft()
            group = w.lane_group
            group.blocked -= 1
            del plaza.at_booths[w.id]
            self.enter(w)
            plaza.pull(group)


class StagingArea:
    """Vehicles held off the highway and let on to the plaza at a metered rate."""

    def __init__(self, plaza: Plaza, start: float, end: float, interval: float, batch: int):
        self.plaza = plaza
        self.start, self.end = start, end
        self.interval, self.batch = interval, batch
        self.held: deque[Vehicle] = deque()
        self.count = 0  # vehicles held now (the deque may also hold some who gave up)
        plaza.env.process(self._meter())

    def hold(self, v: Vehicle) -> None:
        self.held.append(v)
        self.count += 1
        v.waiting_in = self
        if v.patience < math.inf:
            self.plaza.start_patience(v)

    def _meter(self):
        env = self.plaza.env
        k = 1
        while self.start + k * self.interval < self.end:
            yield env.timeout(self.start + k * self.interval - env.now)
            self._let_on(self.batch, only_if_open=True)
            k += 1
        if self.end > env.now:
            yield env.timeout(self.end - env.now)
        self._let_on(len(self.held), only_if_open=False)  # staging stops: everyone drives on

    def _let_on(self, n: int, only_if_open: bool) -> None:
        """Let up to n vehicles on, in arrival order; while the plaza cannot take a
        vehicle's class (a closure), it stays held and its release slot goes unused."""
        plaza = self.plaza
        now = plaza.env.now
        kept: list[Vehicle] = []
        while n > 0 and self.held:
            v = self.held.popleft()
            if v.gave_up:
                continue
            if only_if_open and not plaza.open_to(v.cls):
                kept.append(v)
                continue
            self.count -= 1
            v.waiting_in = None
            plaza.join(v, now)
            n -= 1
        self.held.extendleft(reversed(kept))


class Plaza:
    """One direction's inspection plaza at a crossing."""

    def __init__(
        self,
        env: simpy.Environment,
        view: PlazaView,
        classes: dict[str, VehicleClass],
        *,
        bin_width: float,
        n_bins: int,
        warmup: float,
        potential: list[set[int]],
        record_vehicles: bool = False,
    ) -> None:
        crossing, direction, spec = view.crossing, view.direction, view.spec
        self.env = env
        # Bound once: a callback per vehicle would otherwise make a new bound method.
        self.on_primary_done = self._primary_done
        self.calls, self.sequence = env.call_queue()  # for _start, per vehicle
        self.crossing, self.direction = crossing, direction
        self.class_names = list(classes)
        n = len(self.class_names)
        index = {c: i for i, c in enumerate(self.class_names)}
        self.lengths = [classes[c].length for c in self.class_names]
        self.lanes = spec.approach.lanes
        self.storage = spec.approach.storage
        sec = spec.secondary
        self.base_referral = [
            (sec.referral.get(c, classes[c].referral) if sec else 0.0) for c in self.class_names
        ]
        self.groups = [
            LaneGroup(name, gi, g.booths, [index[c] for c in g.serves], n)
            for gi, (name, g) in enumerate(spec.lane_groups.items())
        ]
        self.tiers = [classes[c].tier * TIER_WEIGHT for c in self.class_names]
        # Classes a group may serve under a reallocation get a queue there too.
        for g, extra in zip(self.groups, potential, strict=True):
            for c in extra:
                g.queues.setdefault(c, deque())
        # Preference: the most specialised group first, then the order in the file.
        self.eligible: list[list[LaneGroup]] = [
            sorted((g for g in self.groups if c in g.queues), key=lambda g: len(g.serves))
            for c in range(n)
        ]
        # A class only one lane group may serve (most of them) goes there (see arrive).
        self.only_group = [e[0] if len(e) == 1 else None for e in self.eligible]
        # Where to wait when nothing is open: a group that serves the class by default.
        self.home = [
            [g for g in self.eligible[c] if c in g.serves] or self.eligible[c] for c in range(n)
        ]
        self.staging: list[list[StagingArea]] = [[] for _ in range(n)]
        self.staging_areas: list[StagingArea] = []
        self.secondary = Secondary(self, sec.officers, sec.bays) if sec else None
        self.at_booths: dict[int, Vehicle] = {}  # vehicles inspected or blocked at primary

        # Counters for the accounting identity.
        self.arrived = [0] * n  # including vehicles that diverted here
        # Counts the vehicles its feed handed over since it last did (count_arrivals).
        self.count_fed: Callable[[], None] | None = None
        self.released = [0] * n
        self.gave_up = [0] * n
        self.gave_up_seconds = [0.0] * n  # their waits, in all
        self.diverted = [0] * n  # diverted away on arrival
        self.diverted_in = [0] * n
        self.router: Any = None  # set when a plan diverts traffic (model.network.Router)
        self.key = f"{crossing}.{direction}"
        self.service_dist = {index[c]: spec.service_for(c, classes[c]) for c in classes}
        self.secondary_dist = sec.service if sec else None
        self.posted = [0.0] * n  # posted wait by class, seconds (inf: closed to the class)
        self.mean_service = [self.service_dist[i].mean_seconds for i in range(n)]
        # Streaming statistics.
        self.warmup = warmup
        self.transit = [TransitStats() for _ in range(n)]
        self.vehicle_seconds = [0.0] * n  # released vehicles' transit times, all of the run
        # Vehicles released or gone, logged per vehicle and folded into the counters above
        # in numpy batches (FOLD_AT), in order, so that every sum is the one adding them one
        # by one would give, to the last bit: class, time, first arrival, arrival here (-1
        # for a driver who gave up), four numbers a vehicle in one flat list (which numpy
        # reads twice as fast as a list of tuples).
        self.done: list[float] = []
        self.records: list[VehicleRecord] | None = [] if record_vehicles else None
        # Time-weighted state: vehicles queued (and their length), in the plaza, booths
        # open. Each is averaged over 5-minute bins by flush() from its value when the bin
        # began and, for each change since, the change times its time (a few operations
        # per change, instead of adding up every quantity at every event).
        self.n_queued = 0
        self.queued_m = 0.0
        self.n_system = 0
        self.n_open = 0
        self.at_bin_start = (0, 0.0, 0, 0)  # n_queued, queued_m, n_system, n_open
        self.changes_queued = self.changes_m = self.changes_system = self.changes_open = 0.0
        self.inv_bin = 1.0 / bin_width
        self.bin_width = bin_width
        size = n_bins + 1
        # Counts and sums by bin, 8 bytes a bin, so long horizons stay small: numpy arrays
        # where they are added to in batches, arrays of the array module where a vehicle
        # adds to them one at a time (quicker from Python).
        self.bin_arrivals = np.zeros((n, size), dtype=np.int64)  # by class and bin
        self.bin_transit_sum = np.zeros((n, size))  # by class and arrival bin
        self.bin_transit_n = np.zeros((n, size), dtype=np.int64)
        self.bin_gave_up = [array("q", bytes(8 * size)) for _ in range(n)]  # by arrival bin
        self.bin_released = np.zeros(size, dtype=np.int64)
        self.bin_diverted = array("q", bytes(8 * size))
        self.series: dict[str, array[float]] = {
            k: array("d")
            for k in ("queued", "queue_km", "in_system", "booths_open", "queued_at_end", "staged")
        }

    # ------------------------------------------------------------------ time-weighted state
    def flush(self, now: float, width: float) -> None:
        """Close a time bin of ``width`` seconds ending at ``now``: the time averages of
        the state over it, and the state at its end."""
        q0, m0, n0, o0 = self.at_bin_start
        s = self.series
        s["queued"].append(_average(q0, self.n_queued, self.changes_queued, now, width))
        queue_m = _average(m0, self.queued_m, self.changes_m, now, width)
        s["queue_km"].append(queue_m / self.lanes / 1000.0)
        s["in_system"].append(_average(n0, self.n_system, self.changes_system, now, width))
        s["booths_open"].append(_average(o0, self.n_open, self.changes_open, now, width))
        s["queued_at_end"].append(float(self.n_queued))
        s["staged"].append(float(sum(a.count for a in self.staging_areas)))
        self.at_bin_start = (self.n_queued, self.queued_m, self.n_system, self.n_open)
        self.changes_queued = self.changes_m = self.changes_system = self.changes_open = 0.0

    # ------------------------------------------------------------------ vehicles
    def add_staging(self, area: StagingArea, classes: list[int]) -> None:
        self.staging_areas.append(area)
        for c in classes:
            self.staging[c].append(area)

    def arrive(self, v: Vehicle) -> None:
        now = v.plaza_arrival
        c = v.cls
        # A vehicle from the feed is counted with its slice (see count_arrivals).
        if v.diverted_from is not None:
            self.arrived[c] += 1
            self.diverted_in[c] += 1
            self.bin_arrivals[c, int(now * self.inv_bin)] += 1
        elif self.router is not None and self.router.diverts(self, v, now):
            self.diverted[c] += 1
            self.bin_diverted[int(now * self.inv_bin)] += 1
            self.bin_arrivals[c, int(now * self.inv_bin)] -= 1  # arrived, not here
            if self.records is not None:
                self.records.append(self._record(v, "diverted", None))
            return
        self.n_system += 1
        self.changes_system += now
        for area in self.staging[c]:
            if area.start <= now < area.end:
                area.hold(v)
                return
        g = self.only_group[c]
        if g is None:  # several lane groups may take it: join compares them
            self.join(v, now)
            return
        # join, and _start, inline for a class one lane group serves: this runs per vehicle
        v.joined = now
        if g.busy + g.blocked < g.open and c not in g.closed:
            g.busy += 1
            v.lane_group = g
            v.primary_start = now
            self.at_booths[v.id] = v
            done = self.env._now + v.service * g.service_factor[c]
            heappush(self.calls, (done, NORMAL, next(self.sequence), (self.on_primary_done, v)))
        else:
            self._enqueue(g, v, now)

    def count_arrivals(self, classes: np.ndarray, times: np.ndarray) -> None:
        """Count vehicles the feed handed over (arrival times, seconds, and classes), in
        a batch: arrived by class and by class and 5-minute bin."""
        np.add.at(self.bin_arrivals, (classes, (times * self.inv_bin).astype(np.intp)), 1)
        for c, n in enumerate(np.bincount(classes, minlength=len(self.arrived)).tolist()):
            self.arrived[c] += n

    def post_waits(self) -> None:
        """Publish a wait estimate per class (:meth:`expected_wait`), read by drivers until
        the next post."""
        for c in range(len(self.posted)):
            self.posted[c] = self.expected_wait(c)

    def expected_wait(self, c: int) -> float:
        """The wait of a class-c vehicle joining now, in seconds (inf: nothing open to it):
        vehicles ahead beyond the free booths, per open booth, times the class's mean
        inspection time, in the best lane group."""
        best = math.inf
        for g in self.eligible[c]:
            if g.open > 0 and c not in g.closed:
                best = min(best, _load(g) * self.mean_service[c] * g.service_factor[c])
        return best

    def open_to(self, c: int) -> bool:
        """Whether some lane group can inspect class c now."""
        return any(g.can_serve(c) for g in self.eligible[c])

    def join(self, v: Vehicle, now: float) -> None:
        """The vehicle reaches the plaza: it picks a lane group and waits or is served."""
        c = v.cls
        v.joined = now
        best = None
        best_load = math.inf
        for g in self.eligible[c]:
            if g.open > 0 and c not in g.closed:
                # Expected wait in service times, as _load, inline: this runs per vehicle.
                load = (g.n_queued + g.busy + g.blocked + 1 - g.open) / g.open
                if load < 0.0:
                    load = 0.0
                if load < best_load:
                    best, best_load = g, load
        if best is None:
            best = min(self.home[c], key=_queued)
        elif best.busy + best.blocked < best.open:
            self._start(best, v, now)
            return
        self._enqueue(best, v, now)

    def _enqueue(self, g: LaneGroup, v: Vehicle, now: float) -> None:
        c = v.cls
        g.queues[c].append(v)
        g.n_queued += 1
        v.waiting_in = g
        self.n_queued += 1
        self.changes_queued += now
        length = self.lengths[c]
        self.queued_m += length
        self.changes_m += length * now
        if v.patience < math.inf:
            self.start_patience(v)

    def start_patience(self, v: Vehicle) -> None:
        """A driver who starts waiting gives up at arrival here + patience, unless served.

        Only drivers who wait need the timer, and each needs it once (patience is then
        marked as used: staged drivers keep the timer they got in the staging area).
        """
        delay = max(0.0, v.plaza_arrival + v.patience - self.env.now)
        v.patience = math.inf
        self.env.call_after(delay, self._give_up, v)

    def _give_up(self, v: Vehicle, now: float) -> None:
        where = v.waiting_in
        if where is None:  # in inspection or already released: drivers do not leave then
            return
        c = v.cls
        if isinstance(where, LaneGroup):
            where.n_queued -= 1
            self.n_queued -= 1
            self.changes_queued -= now
            self.queued_m -= self.lengths[c]
            self.changes_m -= self.lengths[c] * now
        else:
            where.count -= 1
        v.gave_up = True
        v.waiting_in = None
        self.gave_up[c] += 1
        self.gave_up_seconds[c] += now - v.plaza_arrival
        self.bin_gave_up[c][int(v.plaza_arrival * self.inv_bin)] += 1
        self.n_system -= 1
        self.changes_system -= now
        self.done.extend((c, now, v.arrival, -1.0))  # its time counts in the delay
        if self.records is not None:
            self.records.append(self._record(v, "gave_up", None))

    def _start(self, g: LaneGroup, v: Vehicle, now: float) -> None:
        g.busy += 1
        v.lane_group = g
        v.primary_start = now
        self.at_booths[v.id] = v
        # the clock's own time (a diverted vehicle's arrival time may differ in its last bit)
        done = self.env._now + v.service * g.service_factor[v.cls]
        heappush(self.calls, (done, NORMAL, next(self.sequence), (self.on_primary_done, v)))

    def pull(self, g: LaneGroup) -> None:
        """Fill the group's free booths with the longest-waiting vehicles it may serve."""
        now = self.env._now
        while g.n_queued and g.busy + g.blocked < g.open:
            best_q = None
            best_t = math.inf
            for c, q in g.queues.items():
                if c in g.closed:
                    continue
                while q and q[0].gave_up:
                    q.popleft()
                if q:
                    t = q[0].arrival + self.tiers[c] if g.priority else q[0].arrival
                    if t < best_t:
                        best_q, best_t = q, t
            if best_q is None:
                return
            v = best_q.popleft()
            v.waiting_in = None  # (a vehicle that joins at a free booth never waited)
            g.n_queued -= 1
            self.n_queued -= 1
            self.changes_queued -= now
            length = self.lengths[v.cls]
            self.queued_m -= length
            self.changes_m -= length * now
            self._start(g, v, now)

    def _primary_done(self, v: Vehicle, now: float) -> None:
        g = v.lane_group
        g.busy -= 1
        sec = self.secondary
        if sec is not None and v.referral_draw < g.referral_rate[v.cls]:
            v.referred = True
            if sec.in_bays < sec.bays:
                del self.at_booths[v.id]
                sec.enter(v)
            else:
                g.blocked += 1
                sec.blocked.append(v)
        else:
            del self.at_booths[v.id]
            # release, inline: this runs per vehicle
            self.n_system -= 1
            self.changes_system -= now
            done = self.done
            done.extend((v.cls, now, v.arrival, v.plaza_arrival))
            if len(done) >= _FOLD_LEN:
                self.fold()
            if self.records is not None:
                self.records.append(self._record(v, "released", now))
        if g.n_queued:  # (pull would find nothing to do: spare the call, per vehicle)
            self.pull(g)

    def release(self, v: Vehicle, now: float) -> None:
        self.n_system -= 1
        self.changes_system -= now
        done = self.done
        done.extend((v.cls, now, v.arrival, v.plaza_arrival))  # folded in batches: see fold
        if len(done) >= _FOLD_LEN:
            self.fold()
        if self.records is not None:
            self.records.append(self._record(v, "released", now))

    def fold(self) -> None:
        """Fold the logged releases and departures into the counters, in the order they
        happened: counts, time in the plaza by class, released by bin, transit by class
        and arrival bin, and transit statistics (after the warm-up); and the arrivals the
        feed handed over since it last counted them."""
        if self.count_fed is not None:
            self.count_fed()
        if not self.done:
            return
        log = np.array(self.done, dtype=float).reshape(-1, _LOGGED)
        self.done.clear()
        cls = log[:, 0].astype(np.intp)
        now, first, here = log[:, 1], log[:, 2], log[:, 3]
        transit = now - first  # transit counts from the first arrival (before a detour)
        released = here >= 0.0
        for c in np.unique(cls):
            mine = cls == c
            # sequential, as += one at a time would add them (accumulate does not pair)
            seconds = np.concatenate(([self.vehicle_seconds[c]], transit[mine]))
            self.vehicle_seconds[c] = float(np.add.accumulate(seconds)[-1])
            mine &= released
            self.released[c] += int(np.count_nonzero(mine))
            counted = transit[mine & (first >= self.warmup)]
            stats = self.transit[c]
            i = 0
            while i < counted.size:  # the batches TransitStats.add would have flushed
                room = FLUSH_AT - len(stats.buffer)
                stats.buffer.extend(counted[i : i + room].tolist())
                i += room
                if len(stats.buffer) >= FLUSH_AT:
                    stats.flush()
        cls, now, here, transit = cls[released], now[released], here[released], transit[released]
        np.add.at(self.bin_released, (now * self.inv_bin).astype(np.intp), 1)
        by_arrival = (here * self.inv_bin).astype(np.intp)  # by arrival here
        np.add.at(self.bin_transit_sum, (cls, by_arrival), transit)  # in order, unbuffered
        np.add.at(self.bin_transit_n, (cls, by_arrival), 1)

    def _record(self, v: Vehicle, outcome: str, released: float | None) -> VehicleRecord:
        g = v.lane_group
        return VehicleRecord(
            v.id,
            self.crossing,
            self.direction,
            self.class_names[v.cls],
            g.name if g is not None else "",
            v.arrival,
            v.joined,
            v.primary_start if g is not None else None,
            bool(v.referred),
            released,
            (released - v.arrival) if released is not None else None,
            outcome,
            v.diverted_from or "",
        )

    # ------------------------------------------------------------------ controls
    def apply(self, states: list[GroupState], now: float) -> None:
        """Put a new control state in force (schedule change or event start or end)."""
        for g, st in zip(self.groups, states, strict=True):
            g.open = min(st.open, g.booths)
            g.closed = st.closed
            g.service_factor = list(st.service_factor)
            g.priority = st.priority
            g.referral_rate = [
                min(1.0, r * f) for r, f in zip(self.base_referral, st.referral_factor, strict=True)
            ]
        # Booths open to traffic: staffed, in a group not closed to every class it serves.
        n_open = sum(g.open for g in self.groups if any(c not in g.closed for c in g.serves))
        self.changes_open += (n_open - self.n_open) * now
        self.n_open = n_open
        self._reroute()
        for g in self.groups:
            self.pull(g)

    def _reroute(self) -> None:
        """Move waiting vehicles out of groups that can no longer serve them."""
        for g in self.groups:
            for c, q in g.queues.items():
                if not q or g.can_serve(c):
                    continue
                options = [h for h in self.eligible[c] if h is not g and h.can_serve(c)]
                if not options:
                    continue
                target = min(options, key=_load)
                waiting = [v for v in q if not v.gave_up]
                moved = len(waiting)
                for v in waiting:
                    v.waiting_in = target
                live = [v for v in target.queues[c] if not v.gave_up]
                target.queues[c] = deque(sorted(live + waiting, key=_arrival))
                q.clear()
                g.n_queued -= moved
                target.n_queued += moved

    # ------------------------------------------------------------------ the end
    def where_are_they(self) -> dict[str, list[int]]:
        """Vehicles by class, counted from the queues, booths and bays themselves."""
        n = len(self.class_names)
        queued, staged, at_primary, at_secondary = [0] * n, [0] * n, [0] * n, [0] * n
        for g in self.groups:
            for c, q in g.queues.items():
                queued[c] += sum(not v.gave_up for v in q)
        for area in self.staging_areas:
            for v in area.held:
                staged[v.cls] += not v.gave_up
        for v in self.at_booths.values():
            at_primary[v.cls] += 1
        if self.secondary is not None:
            for v in (*self.secondary.inspecting.values(), *self.secondary.waiting):
                at_secondary[v.cls] += 1
        return {
            "queued": queued,
            "staged": staged,
            "at_primary": at_primary,
            "at_secondary": at_secondary,
        }

    def unreleased(self) -> list[tuple[Vehicle, str]]:
        out: list[tuple[Vehicle, str]] = []
        for g in self.groups:
            for q in g.queues.values():
                out.extend((v, "queued") for v in q if not v.gave_up)
        for area in self.staging_areas:
            out.extend((v, "staged") for v in area.held if not v.gave_up)
        out.extend((v, "at_primary") for v in self.at_booths.values())
        if self.secondary is not None:
            out.extend((v, "at_secondary") for v in self.secondary.inspecting.values())
            out.extend((v, "at_secondary") for v in self.secondary.waiting)
        return out

    def on_the_road(self, v: Vehicle, now: float) -> None:
        """A vehicle diverted here and still driving at the end: its time so far counts
        here (its delay includes the detour)."""
        self.fold()
        self.vehicle_seconds[v.cls] += now - v.arrival
        if self.records is not None:
            self.records.append(self._record(v, "on_detour", None))

    def finish(self, now: float) -> None:
        """Count vehicles still inside as in the system up to ``now``; record them if asked."""
        self.fold()
        for v, where in self.unreleased():
            self.vehicle_seconds[v.cls] += now - v.arrival
            if self.records is not None:
                self.records.append(self._record(v, where, None))
        for t in self.transit:
            t.flush()


def _average(at_start: float, at_end: float, changes: float, end: float, width: float) -> float:
    """The time average over the bin of ``width`` seconds ending at ``end`` of a quantity
    that was ``at_start`` when it began, is ``at_end`` now and changed by d_i at times
    t_i in between (``changes`` = sum of d_i * t_i): its integral is the value at the
    start for the whole bin plus each change for the rest of it. Never below zero: the
    quantities are counts and lengths, and rounding must not make an empty queue
    negative."""
    area = at_start * width + (at_end - at_start) * end - changes
    return max(0.0, area / width)


def _load(g: LaneGroup) -> float:
    """Expected wait in service times: vehicles ahead beyond the free booths, per booth."""
    return max(0.0, (g.n_queued + g.busy + g.blocked + 1 - g.open) / g.open)


def _queued(g: LaneGroup) -> int:
    return g.n_queued


def _arrival(v: Vehicle) -> float:
    return v.arrival
