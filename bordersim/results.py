"""The results model: every figure bordersim reports, typed, and its JSON.

A **figure** is one measure (what it is, its unit, which way is better, what it means
when it cannot be computed) at one place (a plaza, a crossing or the region), for one
vehicle class or all, of the run or of its baseline. Over replications it has an
estimate (a mean, or for a duration that may run past the horizon a median; its 95%
interval; n) and a count of the replications that could not give it (a plaza not
recovered within the horizon, no vehicles), with the reason.

:class:`Results` holds one plan's figures; :class:`Comparison` holds plans side by side
with paired differences. ``summary.json``, ``table.json``, the terminal tables, the HTML
report and the CSV files are all renderings of these two. The JSON layout is versioned
(:data:`SCHEMA_VERSION`) and documented in docs/results.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from .intervals import (
    AT_LEAST,
    AT_MOST,
    mean_ci,
    median_censored,
    paired_difference,
    paired_difference_censored,
)

SCHEMA_VERSION = 3
Better = Literal["lower", "higher"] | None


class ResultsError(ValueError):
    """JSON that is not bordersim results of this schema version."""


# ---------------------------------------------------------------------------- measures
@dataclass(frozen=True)
class Measure:
    """What a figure measures."""

    name: str  # stable name in JSON and CSV, e.g. "excess_delay"
    label: str  # in the planner's words, e.g. "excess delay"
    unit: str  # "min", "h", "km", "veh", "veh-h", "share", "money"
    better: Better = None  # which way is better; None for counts that are not ranked
    missing_means: str = "could not be computed"  # why a replication gives no value
    # A duration that may run past the horizon: a missing value is "beyond the time left
    # after the disruption", less this margin (hours) that the definition needs at the end.
    censored: bool = False
    censor_margin_h: float = 0.0

    def __reduce__(self) -> tuple[Any, ...]:
        # Unpickled (from a worker process) as the one instance of its name.
        return (_measure_named, (self.name,))


MEASURES: dict[str, Measure] = {}


def _measure_named(name: str) -> Measure:
    return MEASURES[name]


def _measure(*args: Any, **kwargs: Any) -> Measure:
    m = Measure(*args, **kwargs)
    MEASURES[m.name] = m
    return m


NO_VEHICLES = "no vehicles after the warm-up"
TRANSIT_COUNT = _measure("vehicles", "vehicles (after warm-up)", "veh")
TRANSIT_MEAN = _measure("transit_mean", "mean transit", "min", "lower", NO_VEHICLES)
TRANSIT_P50 = _measure("transit_p50", "median transit", "min", "lower", NO_VEHICLES)
TRANSIT_P90 = _measure("transit_p90", "p90 transit", "min", "lower", NO_VEHICLES)
TRANSIT_P95 = _measure("transit_p95", "p95 transit", "min", "lower", NO_VEHICLES)
TRANSIT_MAX = _measure("transit_max", "longest transit", "min", "lower", NO_VEHICLES)
TRANSIT = {
    "count": TRANSIT_COUNT,
    "mean": TRANSIT_MEAN,
    "p50": TRANSIT_P50,
    "p90": TRANSIT_P90,
    "p95": TRANSIT_P95,
    "max": TRANSIT_MAX,
}

MAX_QUEUE_VEHICLES = _measure("max_queue_vehicles", "max queue", "veh", "lower")
MAX_QUEUE_KM = _measure("max_queue_km", "max queue", "km", "lower")
BEYOND_STORAGE = _measure("minutes_beyond_storage", "queue beyond the approach", "min", "lower")
EXCESS_DELAY = _measure("excess_delay", "excess delay", "veh-h", "lower")
DELAY_COST = _measure("excess_delay_cost", "cost of delay", "money", "lower")
BACKLOG = _measure(
    "backlog", "backlog", "veh", "lower", "the disruption lasts to the end of the run"
)
TIME_TO_CLEAR = _measure(
    "time_to_clear", "time to clear", "h", "lower", "not cleared within the horizon", True
)
# Recovery needs an hour near the baseline (metrics.HOLD) that must end within the run.
TIME_TO_RECOVER = _measure(
    "time_to_recover",
    "time to recover",
    "h",
    "lower",
    "not recovered within the horizon",
    True,
    1.0,
)
PEAK_QUEUE_AT = _measure("peak_queue_at", "longest queue at", "h")  # hours from the start
GAVE_UP_WAIT = _measure("gave_up_wait", "waited before giving up", "min", "lower", "nobody gave up")
RECOVERED = _measure("recovered", "recovered within the horizon", "share", "higher")

# Where vehicles are at the end (the accounting identity), and diversions.
ARRIVED = _measure("arrived", "arrived", "veh")
RELEASED = _measure("released", "released", "veh", "higher")
QUEUED = _measure("queued", "queued at the end", "veh")
STAGED = _measure("staged", "staged at the end", "veh")
AT_PRIMARY = _measure("at_primary", "at primary at the end", "veh")
AT_SECONDARY = _measure("at_secondary", "at secondary at the end", "veh")
ON_DETOUR = _measure("on_detour", "on a detour at the end", "veh")
GAVE_UP = _measure("gave_up", "gave up", "veh", "lower")
DIVERTED = _measure("diverted", "diverted away", "veh")
DIVERTED_IN = _measure("diverted_in", "diverted in", "veh")

# Per plaza and class: arrived = released + queued + staged + at primary + at secondary
# + diverted + gave up. For the region each vehicle counts once, where it first arrived,
# and diverted vehicles still driving at the end are on a detour.
PLAZA_ACCOUNTING = (ARRIVED, RELEASED, QUEUED, STAGED, AT_PRIMARY, AT_SECONDARY, DIVERTED, GAVE_UP)
REGION_ACCOUNTING = (
    ARRIVED,
    RELEASED,
    QUEUED,
    STAGED,
    AT_PRIMARY,
    AT_SECONDARY,
    ON_DETOUR,
    GAVE_UP,
    DIVERTED,
)


# ---------------------------------------------------------------------------- places, keys
@dataclass(frozen=True, order=True)
class Place:
    """A plaza (crossing and direction), a whole crossing, or the region (neither)."""

    crossing: str | None = None
    direction: str | None = None

    @property
    def is_plaza(self) -> bool:
        return self.direction is not None

    @property
    def key(self) -> str:
        """``crossing.direction``, ``crossing`` or ``region``."""
        if self.crossing is None:
            return "region"
        return f"{self.crossing}.{self.direction}" if self.direction else self.crossing

    @property
    def label(self) -> str:
        """``crossing into the US``, ``crossing`` or ``region``, with the file's keys (for
        names as the file gives them, see Context.name)."""
        if self.direction is None:
            return self.key
        return f"{self.crossing} {DIRECTION_WORDS.get(self.direction, self.direction)}"


REGION = Place()
DIRECTION_WORDS = {"into_us": "into the US", "into_canada": "into Canada"}


@dataclass(frozen=True)
class FigureKey:
    """Which figure: a measure, where, for which class (None: all), run or baseline."""

    measure: Measure
    place: Place = REGION
    cls: str | None = None
    baseline: bool = False

    @property
    def label(self) -> str:
        """In words, e.g. ``ambassador into_us: mean transit, car (min)``."""
        what = self.measure.label + (f", {self.cls}" if self.cls else "")
        what += " (baseline)" if self.baseline else ""
        where = "total" if self.place == REGION else self.place.label
        return f"{where}: {what} ({self.measure.unit})"

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure.name,
            "crossing": self.place.crossing,
            "direction": self.place.direction,
            "class": self.cls,
            "baseline": self.baseline,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FigureKey:
        measure = MEASURES.get(d["measure"])
        if measure is None:
            raise ResultsError(f"unknown measure {d['measure']!r}")
        return cls(measure, Place(d["crossing"], d["direction"]), d["class"], bool(d["baseline"]))


# One replication's figures: a value, or None when it could not be computed.
Sample = dict[FigureKey, float | None]


def sample_to_json(sample: Sample) -> list[list[Any]]:
    """A replication's figures as plain data (for saved replications)."""
    return [[k.to_json(), v] for k, v in sample.items()]


def sample_from_json(data: Any) -> Sample:
    if not isinstance(data, list):
        raise ResultsError("not a list of figures")
    return {FigureKey.from_json(k): _number(v) for k, v in data}


# ---------------------------------------------------------------------------- figures
MEAN, MEDIAN = "mean", "median"


@dataclass(frozen=True)
class Estimate:
    """A figure over replications.

    For most measures the **mean** of the replications that give it, its 95% Student-t
    interval (with two or more) and how many give it (``n``) and do not (``missing``).
    For a censored measure (a duration that may run past the horizon) the **median**,
    with a replication that did not make it within the horizon counted as beyond
    ``beyond`` hours: ``value`` is None when the median itself is beyond; ``low``,
    ``high`` are the order-statistic 95% interval (from six replications; ``high`` None
    when beyond the horizon) and ``lowest``, ``highest`` the range of the replications.
    """

    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0
    missing: int = 0
    statistic: str = MEAN
    beyond: float | None = None  # censored: the bound that missing values exceed (hours)
    lowest: float | None = None  # censored: the range over replications (None: beyond)
    highest: float | None = None

    @property
    def half_width(self) -> float | None:
        if self.statistic != MEAN or self.low is None or self.high is None:
            return None
        return (self.high - self.low) / 2

    @property
    def total(self) -> int:
        """Replications in all."""
        return self.n + self.missing

    @classmethod
    def of(cls, values: list[float | None]) -> Estimate:
        m = mean_ci(values)
        ci = m["ci95"]
        return cls(m["mean"], ci[0] if ci else None, ci[1] if ci else None, m["n"], m["missing"])

    @classmethod
    def censored(cls, values: list[float | None], beyond: float) -> Estimate:
        """The median of durations where None is beyond ``beyond`` (the horizon's bound)."""
        m = median_censored(values, beyond)
        ci, rng = m["ci95"], m["range"]
        return cls(
            m["median"],
            ci[0] if ci else None,
            ci[1] if ci else None,
            m["n"],
            m["missing"],
            MEDIAN,
            beyond,
            rng[0] if rng else None,
            rng[1] if rng else None,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "statistic": self.statistic,
            "value": self.value,
            "ci95": None if self.low is None else [self.low, self.high],
            "n": self.n,
            "missing": self.missing,
        }
        if self.statistic == MEDIAN:
            out["beyond"] = self.beyond
            out["range"] = [self.lowest, self.highest]
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Estimate:
        ci = d.get("ci95")
        statistic = d.get("statistic", MEAN)
        if statistic not in (MEAN, MEDIAN):
            raise ResultsError(f"unknown statistic {statistic!r}")
        rng = d.get("range") if statistic == MEDIAN else None
        if rng is None:
            rng = [None, None]
        e = cls(
            _number(d.get("value")),
            _number(ci[0]) if ci else None,
            _number(ci[1]) if ci else None,
            _count(d["n"]),
            _count(d["missing"]),
            statistic,
            _number(d.get("beyond")),
            _number(rng[0]),
            _number(rng[1]),
        )
        if e.low is not None and e.high is not None and e.low > e.high:
            raise ResultsError("an interval whose low end is above its high end")
        if e.lowest is not None and e.highest is not None and e.lowest > e.highest:
            raise ResultsError("a range whose low end is above its high end")
        if e.beyond is not None and e.beyond < 0:
            raise ResultsError("a negative horizon bound")
        return e


def estimate(key: FigureKey, context: Context, values: list[float | None]) -> Estimate:
    """A figure's estimate from its replications' values: the median for a censored
    measure at a disrupted plaza (its bound from the horizon), else the mean."""
    m = key.measure
    info = context.plaza(key.place) if m.censored else None
    if info is None or info.disruption is None:
        return Estimate.of(values)
    left = context.horizon_h - info.disruption[1] - m.censor_margin_h
    return Estimate.censored(values, max(0.0, left))


@dataclass(frozen=True)
class Figure:
    """One figure with its estimate; ``values`` by replication when known."""

    key: FigureKey
    estimate: Estimate
    values: tuple[float | None, ...] | None = None

    @property
    def measure(self) -> Measure:
        return self.key.measure

    @property
    def value(self) -> float | None:
        """The mean (or, for a censored measure, the median); None when not computable."""
        return self.estimate.value

    @property
    def missing(self) -> int:
        return self.estimate.missing

    @property
    def why_missing(self) -> str | None:
        """Why some replications give no value (None when all do)."""
        return self.measure.missing_means if self.estimate.missing else None

    @property
    def total(self) -> float:
        """The sum over the replications that give it."""
        if self.values is not None:
            return sum(v for v in self.values if v is not None)
        return (self.estimate.value or 0.0) * self.estimate.n

    def to_json(self) -> dict[str, Any]:
        return {**self.key.to_json(), **self.estimate.to_json(), "why_missing": self.why_missing}


@dataclass(frozen=True)
class PlazaInfo:
    """What is known of a plaza before any replication: its place, its approach storage
    and the window of the events that touch it."""

    place: Place
    storage_km: float | None
    disruption: tuple[float, float] | None  # hours from the start: first start, last end
    what: str = ""  # the events that touch it, in words ("closure", "surge and outage")


@dataclass(frozen=True)
class Context:
    """What a results set is about (the same for every replication)."""

    scenario: str
    description: str
    seed: int
    horizon_h: float
    warmup_h: float
    start: str | None  # ISO date-time of the run's start, if the scenario has one
    events: list[dict[str, Any]]
    plazas: list[PlazaInfo]
    classes: list[str]
    currency: str | None = None  # of the cost of delay (ISO 4217), when classes cost it
    names: dict[str, str] = field(default_factory=dict)  # crossing -> its name in the file

    def name(self, place: Place) -> str:
        """A place in the planner's words: ``Ambassador Bridge into the US``."""
        if place.crossing is None:
            return "the region"
        crossing = self.names.get(place.crossing) or place.crossing
        if place.direction is None:
            return crossing
        return f"{crossing} {DIRECTION_WORDS.get(place.direction, place.direction)}"

    @property
    def crossings(self) -> list[Place]:
        return [Place(c) for c in dict.fromkeys(p.place.crossing for p in self.plazas)]

    def plaza(self, place: Place) -> PlazaInfo | None:
        return next((p for p in self.plazas if p.place == place), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "description": self.description,
            "seed": self.seed,
            "horizon_h": self.horizon_h,
            "warmup_h": self.warmup_h,
            "start": self.start,
            "events": self.events,
            "classes": self.classes,
            "currency": self.currency,
            "names": self.names,
            "plazas": [
                {
                    "crossing": p.place.crossing,
                    "direction": p.place.direction,
                    "storage_km": p.storage_km,
                    "disruption_h": list(p.disruption) if p.disruption else None,
                    "what": p.what,
                }
                for p in self.plazas
            ],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Context:
        horizon = _number(d["horizon_h"])
        if horizon is None or not 0 < horizon <= 400 * 24:
            raise ResultsError(f"a horizon of {horizon} hours")

        def window(w: Any) -> tuple[float, float] | None:
            if not w:
                return None
            a, b = (_number(x) for x in w)
            if a is None or b is None or not 0 <= a <= b <= horizon:
                raise ResultsError(f"a disruption from {a} to {b} hours")
            return a, b

        plazas = [
            PlazaInfo(
                Place(str(p["crossing"]), str(p["direction"])),
                _number(p.get("storage_km")),
                window(p.get("disruption_h")),
                str(p.get("what") or ""),
            )
            for p in d["plazas"]
        ]
        start = d.get("start")
        if start is not None:
            try:
                datetime.fromisoformat(str(start))
            except ValueError:
                raise ResultsError(f"a start that is not a date: {start!r}") from None
        return cls(
            str(d["scenario"]),
            str(d.get("description", "")),
            int(d["seed"]),
            horizon,
            _number(d["warmup_h"]) or 0.0,
            start,
            list(d.get("events", [])),
            plazas,
            [str(c) for c in d["classes"]],
            None if d.get("currency") is None else str(d["currency"]),
            {str(k): str(v) for k, v in (d.get("names") or {}).items()},
        )


class Results:
    """One plan's figures over the replications of a study (or one replication)."""

    def __init__(
        self,
        context: Context,
        plan: str,
        replications: int,
        figures: dict[FigureKey, Figure],
        replication: int | None = None,
    ) -> None:
        self.context = context
        self.plan = plan
        self.replications = replications
        self.figures = figures
        self.replication = replication  # its index, for one replication's results
        self._classes: dict[Place, set[str | None]] | None = None  # see classes_at

    @classmethod
    def of(
        cls, context: Context, plan: str, samples: list[Sample], replication: int | None = None
    ) -> Results:
        """Figures from each replication's sample, in replication order."""
        keys = list(dict.fromkeys(k for s in samples for k in s))
        figures = {}
        for k in keys:
            values = [s.get(k) for s in samples]
            figures[k] = Figure(k, estimate(k, context, values), tuple(values))
        return cls(context, plan, len(samples), figures, replication)

    @classmethod
    def of_table(
        cls,
        context: Context,
        plan: str,
        keys: list[FigureKey],
        table: Any,
        replication: int | None = None,
    ) -> Results:
        """Figures from a table of replications by keys (numpy; NaN: could not be
        computed), as :meth:`of` gives from samples, without keeping every value."""
        figures = {k: Figure(k, estimate(k, context, table[:, j])) for j, k in enumerate(keys)}
        return cls(context, plan, table.shape[0], figures, replication)

    def get(
        self,
        measure: Measure,
        place: Place = REGION,
        cls: str | None = None,
        baseline: bool = False,
    ) -> Figure | None:
        """The figure, or None if this results set has no such figure."""
        return self.figures.get(FigureKey(measure, place, cls, baseline))

    def classes_at(self, place: Place) -> list[str]:
        """Classes with transit figures at a plaza, in the scenario's order."""
        if self._classes is None:  # indexed once: a region has hundreds of plazas
            self._classes = {}
            for k in self.figures:
                if k.measure == TRANSIT_COUNT:
                    self._classes.setdefault(k.place, set()).add(k.cls)
        have = self._classes.get(place, set())
        return [c for c in self.context.classes if c in have]

    def plazas_by_delay(self) -> list[Place]:
        """Plazas by excess delay, most delayed first (ties in the file's order)."""
        plazas = [p.place for p in self.context.plazas]
        delay = {p: f.total for p in plazas if (f := self.get(EXCESS_DELAY, p)) is not None}
        return sorted(plazas, key=lambda p: -delay.get(p, 0.0))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "kind": "run",
            "plan": self.plan,
            "replications": self.replications,
        }
        if self.replication is not None:
            out["replication"] = self.replication
        out.update(self.context.to_json())
        out["measures"] = _measures_json(k.measure for k in self.figures)
        out["figures"] = [f.to_json() for f in self.figures.values()]
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Results:
        _check_version(d, "run")
        figures = {}
        for f in d["figures"]:
            key = FigureKey.from_json(f)
            figures[key] = Figure(key, _checked(key, Estimate.from_json(f)))
        return cls(
            Context.from_json(d),
            str(d["plan"]),
            _count(d["replications"], least=1),
            figures,
            d.get("replication"),
        )


# ---------------------------------------------------------------------------- comparisons
PRACTICAL_SHARE = 0.05  # a difference under 5% of the reference's value does not matter

# What a difference means for a planner, in the words the report uses.
BETTER, WORSE = "better", "worse"
NO_PRACTICAL = "no practical difference"
NOT_CLEAR = "not clear"  # the 95% interval includes no change
UNKNOWN = "cannot tell within the horizon"  # both not recovered, or bounds both ways
HIGHER, LOWER = "higher", "lower"  # for a measure that is neither better nor worse
VERDICTS = (BETTER, WORSE, NO_PRACTICAL, NOT_CLEAR, UNKNOWN, HIGHER, LOWER)


@dataclass(frozen=True)
class Difference:
    """A plan minus the reference, paired replication by replication, and what it means.

    ``relative`` is the difference as a share of the reference's value. The ``verdict``
    is said in words: "better" or "worse" (by the measure's better direction) when its
    95% interval excludes zero and it is larger than the practical share of the
    reference's value; "no practical difference" when its whole 95% interval lies within
    that share, even when statistically clear; else "not clear".

    For a censored measure, where a replication of one plan did not recover within the
    horizon the difference is a bound (``bound``: "at least" or "at most" the value
    shown), and better or worse is said only when the bound allows it; where both did
    not, or bounds point both ways, it is "cannot tell within the horizon".
    """

    estimate: Estimate
    clear: bool  # its 95% interval excludes zero (on the side a bound allows)
    relative: float | None = None  # difference / reference value
    verdict: str = NOT_CLEAR
    bound: str | None = None  # "at least", "at most" or None (an exact difference)

    @classmethod
    def of(
        cls,
        reference: Iterable[float | None],
        values: Iterable[float | None],
        better: Better = None,
        practical: float = PRACTICAL_SHARE,
        beyond: float | None = None,
    ) -> Difference:
        """``beyond``: for a censored measure, the bound that missing values exceed."""
        reference = list(reference)
        if beyond is None:
            d = paired_difference(reference, list(values))
            base = Estimate.of(reference).value
        else:
            d = paired_difference_censored(reference, list(values), beyond)
            base = Estimate.censored(reference, beyond).value
            if base is None:  # the reference's median is beyond: its bound is a floor
                base = beyond
            if not d["comparable"]:
                d = {**d, "mean": None, "ci95": None}
        ci = d["ci95"]
        est = Estimate(
            d["mean"], ci[0] if ci else None, ci[1] if ci else None, d["n"], d["missing"]
        )
        relative = None
        if est.value is not None and base:
            relative = est.value / abs(base)
        if beyond is not None and not d["comparable"]:
            verdict = UNKNOWN
        else:
            verdict = _verdict(est, base, d["clear"], better, practical)
            if d.get("bound") and verdict == NO_PRACTICAL:
                verdict = NOT_CLEAR  # a small bound says nothing of how large it really is
        return cls(est, d["clear"], relative, verdict, d.get("bound"))

    def to_json(self) -> dict[str, Any]:
        return {
            **self.estimate.to_json(),
            "clear": self.clear,
            "relative": self.relative,
            "verdict": self.verdict,
            "bound": self.bound,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Difference:
        bound = d.get("bound")
        if bound not in (None, AT_LEAST, AT_MOST):
            raise ResultsError(f"unknown bound {bound!r}")
        verdict = d.get("verdict", NOT_CLEAR)
        if verdict not in VERDICTS:
            raise ResultsError(f"unknown verdict {verdict!r}")
        return cls(
            Estimate.from_json(d),
            bool(d["clear"]),
            _number(d.get("relative")),
            verdict,
            bound,
        )


def _verdict(
    est: Estimate, base: float | None, clear: bool, better: Better, practical: float
) -> str:
    """Better or worse: clear, and larger than the practical share of the reference's
    value. No practical difference: the whole 95% interval lies within that share (a
    small mean with a wide interval is not enough). Otherwise not clear."""
    diff = est.value
    if diff is None:
        return NOT_CLEAR
    limit = practical * abs(base or 0.0)
    if clear and abs(diff) > limit:
        if better is None:
            return HIGHER if diff > 0 else LOWER
        return BETTER if (diff < 0) == (better == "lower") else WORSE
    if est.low is not None and est.high is not None and max(abs(est.low), abs(est.high)) <= limit:
        return NO_PRACTICAL
    return NOT_CLEAR


@dataclass
class Compared:
    """One figure under every plan, and each plan's difference to the reference."""

    key: FigureKey
    by_plan: dict[str, Figure]
    differences: dict[str, Difference] = field(default_factory=dict)  # not the reference's


@dataclass
class Comparison:
    """Plans side by side over the same replications (common random numbers)."""

    context: Context
    plans: list[str]
    replications: int
    ranked_by: FigureKey
    rows: list[Compared]
    practical: float = PRACTICAL_SHARE  # differences under this share do not matter
    runner_up: Difference | None = None  # the best plan minus the second, on ranked_by
    # Plans whose results are the very same as another plan's in every replication: at
    # every compared figure (same_as: plan -> the earlier plan), or at some plazas
    # (unchanged: plan -> plaza keys where it equals the reference everywhere).
    same_as: dict[str, str] = field(default_factory=dict)
    unchanged: dict[str, list[str]] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        return self.plans[0]

    def row(self, key: FigureKey) -> Compared | None:
        return next((r for r in self.rows if r.key == key), None)

    def get(self, key: FigureKey, plan: str) -> Figure | None:
        r = self.row(key)
        return None if r is None else r.by_plan.get(plan)

    @property
    def ranking(self) -> list[str]:
        """Plans by the ranking figure, best first."""
        r = self.row(self.ranked_by)
        assert r is not None
        sign = -1.0 if self.ranked_by.measure.better == "higher" else 1.0
        return sorted(self.plans, key=lambda p: sign * (r.by_plan[p].value or 0.0))

    def plazas_by_delay(self) -> list[Place]:
        """Plazas by excess delay under the reference plan, most delayed first (ties in
        the file's order): Results.plazas_by_delay of the reference's figures."""
        delay = {
            r.key.place: r.by_plan[self.reference].total
            for r in self.rows
            if r.key == FigureKey(EXCESS_DELAY, r.key.place)
        }
        plazas = [p.place for p in self.context.plazas]
        return sorted(plazas, key=lambda p: -delay.get(p, 0.0))

    def worst_plaza(self) -> Place | None:
        """The plaza with the most excess delay under the reference plan."""
        rows = [r for r in self.rows if r.key.measure == EXCESS_DELAY and r.key.place.is_plaza]
        if not rows:
            return None
        return max(rows, key=lambda r: r.by_plan[self.reference].value or 0).key.place

    def to_json(self) -> dict[str, Any]:
        rows = []
        for r in self.rows:
            plans = {}
            for plan, f in r.by_plan.items():
                plans[plan] = {**f.estimate.to_json(), "why_missing": f.why_missing}
                if plan in r.differences:
                    plans[plan]["difference"] = r.differences[plan].to_json()
            rows.append({**r.key.to_json(), "label": r.key.label, "plans": plans})
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "compare",
            **self.context.to_json(),
            "replications": self.replications,
            "plans": self.plans,
            "reference": self.reference,
            "ranked_by": self.ranked_by.to_json(),
            "ranking": self.ranking,
            "practical_share": self.practical,
            "best_minus_runner_up": None if self.runner_up is None else self.runner_up.to_json(),
            "same_as": self.same_as,
            "unchanged": self.unchanged,
            "measures": _measures_json(r.key.measure for r in self.rows),
            "rows": rows,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Comparison:
        _check_version(d, "compare")
        plans = [str(p) for p in d["plans"]]
        if not plans or len(set(plans)) != len(plans):
            raise ResultsError("no plans, or a plan named twice")
        rows = []
        for row in d["rows"]:
            key = FigureKey.from_json(row)
            by_plan = {
                str(p): Figure(key, _checked(key, Estimate.from_json(v)))
                for p, v in row["plans"].items()
            }
            if set(by_plan) != set(plans):
                raise ResultsError("a row without every plan")
            diffs = {
                str(p): Difference.from_json(v["difference"])
                for p, v in row["plans"].items()
                if v.get("difference")
            }
            if any(dif.bound and not key.measure.censored for dif in diffs.values()):
                raise ResultsError(f"a bound on {key.measure.name}, which is never censored")
            rows.append(Compared(key, by_plan, diffs))
        ranked_by = FigureKey.from_json(d["ranked_by"])
        if not any(r.key == ranked_by for r in rows):
            raise ResultsError("the ranking figure is not among the rows")
        practical = _number(d.get("practical_share")) or 0.0
        if not 0.0 <= practical <= 1.0:
            raise ResultsError(f"a practical share of {practical}, not between 0 and 1")
        return cls(
            Context.from_json(d),
            plans,
            _count(d["replications"], least=1),
            ranked_by,
            rows,
            practical,
            Difference.from_json(d["best_minus_runner_up"])
            if d.get("best_minus_runner_up")
            else None,
            {str(k): str(v) for k, v in (d.get("same_as") or {}).items()},
            {str(k): [str(x) for x in v] for k, v in (d.get("unchanged") or {}).items()},
        )

    def table_rows(self) -> Iterator[dict[str, Any]]:
        """One tidy row per figure and plan (table.csv, the workbook): see TABLE_COLUMNS."""
        for r in self.rows:
            for plan, f in r.by_plan.items():
                yield {**_figure_row(f), "plan": plan, **_difference_row(r.differences.get(plan))}


def _figure_row(f: Figure) -> dict[str, Any]:
    k, e = f.key, f.estimate
    return {
        "crossing": k.place.crossing or "",
        "direction": k.place.direction or "",
        "class": k.cls or "",
        "measure": k.measure.name,
        "label": k.measure.label,
        "unit": k.measure.unit,
        "better": k.measure.better or "",
        "baseline": k.baseline,
        "statistic": e.statistic,
        "value": e.value,
        "low": e.low,
        "high": e.high,
        "n": e.n,
        "not_available": e.missing,
        "why_not_available": f.why_missing or "",
        "beyond": e.beyond,
    }


def _difference_row(d: Difference | None) -> dict[str, Any]:
    e = d.estimate if d else None
    return {
        "difference": e.value if e else None,
        "difference_low": e.low if e else None,
        "difference_high": e.high if e else None,
        "difference_percent": None if d is None or d.relative is None else 100 * d.relative,
        "difference_bound": (d.bound or "") if d else "",
        "verdict": d.verdict if d else "reference",
    }


def figure_rows(results: Results) -> Iterator[list[Any]]:
    """One tidy row per figure of a run (figures.csv, the workbook): FIGURE_COLUMNS."""
    for f in results.figures.values():
        row = _figure_row(f)
        yield [row[c] for c in FIGURE_COLUMNS]


# figures.csv's columns: one row per figure of a run.
FIGURE_COLUMNS = [
    "crossing",
    "direction",
    "class",
    "measure",
    "label",
    "unit",
    "better",
    "baseline",
    "statistic",
    "value",
    "low",
    "high",
    "n",
    "not_available",
    "why_not_available",
    "beyond",
]

# table.csv's columns (docs/results.md): one row per figure and plan, nothing packed: a
# figure's columns with its plan after what it is, then the difference to the reference.
TABLE_COLUMNS = [
    *FIGURE_COLUMNS[: FIGURE_COLUMNS.index("statistic")],
    "plan",
    *FIGURE_COLUMNS[FIGURE_COLUMNS.index("statistic") :],
    "difference",
    "difference_low",
    "difference_high",
    "difference_percent",
    "difference_bound",
    "verdict",
]


def _measures_json(measures: Iterable[Measure]) -> dict[str, Any]:
    return {
        m.name: {
            "label": m.label,
            "unit": m.unit,
            "better": m.better,
            "missing_means": m.missing_means,
        }
        for m in dict.fromkeys(measures)
    }


def _check_version(d: Any, kind: str) -> None:
    if not isinstance(d, dict) or d.get("kind") != kind:
        raise ResultsError(f"not bordersim {kind} results")
    if d.get("schema_version") != SCHEMA_VERSION:
        raise ResultsError(
            f"results of schema version {d.get('schema_version')!r}, not "
            f"{SCHEMA_VERSION} (written by another version of bordersim)"
        )


def _number(x: Any) -> float | None:
    """A finite number, or None; anything else is not bordersim's (NaN, infinities and
    absurd magnitudes included: they could only come from an edited file)."""
    if x is None:
        return None
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise ResultsError(f"not a number: {x!r}")
    x = float(x)
    if not math.isfinite(x) or abs(x) > 1e15:
        raise ResultsError(f"not a sensible number: {x!r}")
    return x


def _count(x: Any, least: int = 0) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or not least <= x <= 10**9:
        raise ResultsError(f"not a count: {x!r}")
    return x


def _checked(key: FigureKey, e: Estimate) -> Estimate:
    """A median only where the measure is censored (else the file was edited)."""
    if e.statistic == MEDIAN and not key.measure.censored:
        raise ResultsError(f"a median for {key.measure.name}, which is a mean")
    return e
