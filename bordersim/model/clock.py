"""The simulation's clock: SimPy's environment, with arrivals merged in and light calls.

Arrivals are known in advance, sorted by time, a day at a time (see
:mod:`bordersim.model.arrivals`). Scheduling a SimPy event for each would cost an event
object, a push and a pop on the event queue and a callback per vehicle. Instead each
plaza's arrivals are a *feed* and the clock merges the feeds with SimPy's event queue:
at each step it takes whichever comes first, the next arrival or the next event. An
arrival is processed at its own time, exactly as an event's callback would be. Arrival
times are continuous draws, so an arrival never falls on the very instant of an event;
were it to, the event goes first.

The model's own timed steps (an inspection ending, a driver's patience running out, a
detour driven) are *calls*: a ``(function, argument)`` pair put on SimPy's event queue
exactly where a ``Timeout`` with that callback would go (same time, priority and
sequence number, so the same order among all events), without the event object and its
callback list; it is called as ``function(argument, now)``. Controls, bins and staging
remain SimPy processes (SimPy's events are never tuples).

The clock is run with :meth:`Clock.run_until`; ``step`` also makes calls. (It reads and
sets SimPy's ``_queue``, ``_eid`` and ``_now``, as SimPy's own environments do.)
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import simpy
from simpy.core import EmptySchedule
from simpy.events import NORMAL

Call = Callable[[Any, float], None]  # a call's function: (its argument, the time)


class Feed(Protocol):
    """Arrivals in time order: :meth:`arrive` processes the next one at its time and
    returns the time of the one after (None when there are no more).

    A feed also shows its arrivals a slice at a time, for the clock to hand them over
    itself when it runs a single feed (a call less per vehicle): ``rows[i:]`` are the
    next arrivals (each with its ``arrival`` time), ``on_arrival`` processes one, and
    :meth:`refill` loads the next slice into ``rows`` from ``i`` = 0 (False: no more).
    """

    rows: list
    i: int
    on_arrival: Callable[[Any], None]

    def arrive(self) -> float | None: ...

    def refill(self) -> bool: ...


class Clock(simpy.Environment):
    """A SimPy environment that also runs arrival feeds and calls (see the module doc)."""

    def __init__(self) -> None:
        super().__init__()
        self._feeds: list[tuple[float, int, Feed]] = []  # (next time, order, feed): a heap

    def add_feed(self, first: float | None, feed: Feed) -> None:
        """A feed whose first arrival is at ``first`` (None: none at all). Feeds with
        arrivals at the same instant go in the order they were added."""
        if first is not None:
            heapq.heappush(self._feeds, (first, len(self._feeds), feed))

    def reset_feed(self, feed: Feed, first: float | None) -> None:
        """The feed's next arrival is now at ``first`` (None: no more); its place among
        feeds at the same instant is kept (a forecast replaces a feed's future)."""
        entries = [e for e in self._feeds if e[2] is feed]
        order = entries[0][1] if entries else len(self._feeds)
        self._feeds[:] = [e for e in self._feeds if e[2] is not feed]
        if first is not None:
            self._feeds.append((first, order, feed))
        heapq.heapify(self._feeds)

    def call_after(self, delay: float, function: Call, argument: Any) -> None:
        """Call ``function(argument, now)`` after ``delay`` seconds, in the place a
        ``Timeout`` made now would take among the events."""
        entry = (self._now + delay, NORMAL, next(self._eid), (function, argument))
        heapq.heappush(self._queue, entry)

    def call_queue(self) -> tuple[list, Iterator[int]]:
        """The event queue and its sequence numbers, for a hot path that makes its calls
        itself, without a function call in between, exactly as ``call_after`` would:
        ``heappush(queue, (when, NORMAL, next(sequence), (function, argument)))``."""
        return self._queue, self._eid

    def step(self) -> None:
        """SimPy's step, which also makes calls."""
        queue = self._queue
        if not queue:
            raise EmptySchedule
        if type(queue[0][3]) is tuple:
            now, _, _, (function, argument) = heapq.heappop(queue)
            self._now = now
            function(argument, now)
            return
        super().step()

    def run_until(self, until: float, inclusive: bool = False) -> None:
        """Process arrivals, calls and events before ``until``, in time order; then the
        clock reads ``until`` (as ``simpy.Environment.run(until=...)``, which stops before
        the events at that instant). ``inclusive``: those at that instant too (an
        exercise's situation at a decision point includes a closure starting then)."""
        if inclusive:
            until = math.nextafter(until, math.inf)  # the first instant after it
        queue, feeds, step = self._queue, self._feeds, super().step
        heappop, heapreplace = heapq.heappop, heapq.heapreplace
        if len(feeds) == 1:  # one plaza (as runs without diversions are): no feed heap
            t, order, feed = feeds[0]
            arrive, rows, i = feed.on_arrival, feed.rows, feed.i
            while t < until:
                while queue and queue[0][0] <= t:
                    if type(queue[0][3]) is tuple:
                        now, _, _, (function, argument) = heappop(queue)
                        self._now = now
                        function(argument, now)
                    else:
                        step()
                self._now = t
                arrive(rows[i])
                i += 1
                if i == len(rows):
                    if not feed.refill():
                        t = None
                        break
                    rows, i = feed.rows, feed.i
                # as a SimPy timeout set now for it would read (see _Feeder.arrive)
                t += rows[i].arrival - t
            feed.i = i
            feeds[:] = [] if t is None else [(t, order, feed)]
        while feeds and feeds[0][0] < until:
            t, order, feed = feeds[0]
            # every event up to the next arrival (one at its very instant goes first)
            while queue and queue[0][0] <= t:
                if type(queue[0][3]) is tuple:  # the model's own step: straight to it
                    now, _, _, (function, argument) = heappop(queue)
                    self._now = now
                    function(argument, now)
                else:
                    step()
            self._now = t
            after = feed.arrive()
            if after is None:
                heappop(feeds)
            else:
                heapreplace(feeds, (after, order, feed))
        while queue and queue[0][0] < until:  # no arrival left before the end
            if type(queue[0][3]) is tuple:
                now, _, _, (function, argument) = heappop(queue)
                self._now = now
                function(argument, now)
            else:
                step()
        self._now = math.nextafter(until, -math.inf) if inclusive else until
