"""The results model: every figure bordersim reports, typed, and its JSON.

A **figure** is one measure (what it is, its unit, which way is better, what it means
when it cannot be computed) at one place (a plaza, a crossing or the region), for one
vehicle class or all, of the run or of its baseline. Over replications it has an
estimate (mean, 95% interval, n) and a count of the replications that could not give
it (a plaza not recovered within the horizon, no vehicles), with the reason.

:class:`Results` holds one plan's figures; :class:`Comparison` holds plans side by side
with paired differences. ``summary.json``, ``table.json``, the terminal tables, the HTML
report and the CSV files are all renderings of these two. The JSON layout is versioned
(:data:`SCHEMA_VERSION`) and documented in docs/results.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .intervals import mean_ci, paired_difference

SCHEMA_VERSION = 2
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
    "time_to_clear", "time to clear", "h", "lower", "not cleared within the horizon"
)
TIME_TO_RECOVER = _measure(
    "time_to_recover", "time to recover", "h", "lower", "not recovered within the horizon"
)
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
        """``crossing direction``, ``crossing`` or ``region``, for tables."""
        return self.key.replace(".", " ")


REGION = Place()


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
@dataclass(frozen=True)
class Estimate:
    """A figure over replications: the mean of those that give it, its 95% interval (with
    two or more), how many give it and how many do not."""

    mean: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0
    missing: int = 0

    @property
    def half_width(self) -> float | None:
        return None if self.low is None or self.high is None else (self.high - self.low) / 2

    @classmethod
    def of(cls, values: list[float | None]) -> Estimate:
        m = mean_ci(values)
        ci = m["ci95"]
        return cls(m["mean"], ci[0] if ci else None, ci[1] if ci else None, m["n"], m["missing"])

    def to_json(self) -> dict[str, Any]:
        return {
            "mean": self.mean,
            "ci95": None if self.low is None else [self.low, self.high],
            "n": self.n,
            "missing": self.missing,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Estimate:
        ci = d.get("ci95")
        return cls(
            _number(d.get("mean")),
            _number(ci[0]) if ci else None,
            _number(ci[1]) if ci else None,
            int(d["n"]),
            int(d["missing"]),
        )


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
    def mean(self) -> float | None:
        return self.estimate.mean

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
        return (self.estimate.mean or 0.0) * self.estimate.n

    def to_json(self) -> dict[str, Any]:
        return {**self.key.to_json(), **self.estimate.to_json(), "why_missing": self.why_missing}


@dataclass(frozen=True)
class PlazaInfo:
    """What is known of a plaza before any replication: its place, its approach storage
    and the window of the events that touch it."""

    place: Place
    storage_km: float | None
    disruption: tuple[float, float] | None  # hours from the start: first start, last end


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

    @property
    def crossings(self) -> list[Place]:
        return [Place(c) for c in dict.fromkeys(p.place.crossing for p in self.plazas)]

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
            "plazas": [
                {
                    "crossing": p.place.crossing,
                    "direction": p.place.direction,
                    "storage_km": p.storage_km,
                    "disruption_h": list(p.disruption) if p.disruption else None,
                }
                for p in self.plazas
            ],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Context:
        plazas = [
            PlazaInfo(
                Place(str(p["crossing"]), str(p["direction"])),
                _number(p.get("storage_km")),
                tuple(map(float, p["disruption_h"])) if p.get("disruption_h") else None,
            )
            for p in d["plazas"]
        ]
        return cls(
            str(d["scenario"]),
            str(d.get("description", "")),
            int(d["seed"]),
            float(d["horizon_h"]),
            float(d["warmup_h"]),
            d.get("start"),
            list(d.get("events", [])),
            plazas,
            [str(c) for c in d["classes"]],
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

    @classmethod
    def of(
        cls, context: Context, plan: str, samples: list[Sample], replication: int | None = None
    ) -> Results:
        """Figures from each replication's sample, in replication order."""
        keys = list(dict.fromkeys(k for s in samples for k in s))
        figures = {}
        for k in keys:
            values = [s.get(k) for s in samples]
            figures[k] = Figure(k, Estimate.of(values), tuple(values))
        return cls(context, plan, len(samples), figures, replication)

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
        have = {k.cls for k in self.figures if k.place == place and k.measure == TRANSIT_COUNT}
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
            figures[key] = Figure(key, Estimate.from_json(f))
        return cls(
            Context.from_json(d),
            str(d["plan"]),
            int(d["replications"]),
            figures,
            d.get("replication"),
        )


# ---------------------------------------------------------------------------- comparisons
PRACTICAL_SHARE = 0.05  # a difference under 5% of the reference's value does not matter

# What a difference means for a planner, in the words the report uses.
BETTER, WORSE = "better", "worse"
NO_PRACTICAL = "no practical difference"
NOT_CLEAR = "not clear"  # the 95% interval includes no change
HIGHER, LOWER = "higher", "lower"  # for a measure that is neither better nor worse


@dataclass(frozen=True)
class Difference:
    """A plan minus the reference, paired replication by replication, and what it means.

    ``relative`` is the difference as a share of the reference's mean. The ``verdict``
    is said in words: a difference smaller than the practical share of the reference's
    value is "no practical difference", even when it is statistically clear; a larger
    one is "better" or "worse" (by the measure's better direction) when its 95% interval
    excludes zero, else "not clear".
    """

    estimate: Estimate
    clear: bool  # its 95% interval excludes zero
    relative: float | None = None  # mean difference / reference mean
    verdict: str = NOT_CLEAR

    @classmethod
    def of(
        cls,
        reference: Iterable[float | None],
        values: Iterable[float | None],
        better: Better = None,
        practical: float = PRACTICAL_SHARE,
    ) -> Difference:
        reference = list(reference)
        d = paired_difference(reference, list(values))
        ci = d["ci95"]
        est = Estimate(
            d["mean"], ci[0] if ci else None, ci[1] if ci else None, d["n"], d["missing"]
        )
        base = Estimate.of(reference).mean
        relative = None
        if est.mean is not None and base:
            relative = est.mean / abs(base)
        return cls(
            est, d["clear"], relative, _verdict(est.mean, base, d["clear"], better, practical)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            **self.estimate.to_json(),
            "clear": self.clear,
            "relative": self.relative,
            "verdict": self.verdict,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Difference:
        return cls(
            Estimate.from_json(d),
            bool(d["clear"]),
            _number(d.get("relative")),
            str(d.get("verdict", NOT_CLEAR)),
        )


def _verdict(
    diff: float | None, base: float | None, clear: bool, better: Better, practical: float
) -> str:
    if diff is None:
        return NOT_CLEAR
    if abs(diff) <= practical * abs(base or 0.0) or (diff == 0 and not base):
        return NO_PRACTICAL
    if not clear:
        return NOT_CLEAR
    if better is None:
        return HIGHER if diff > 0 else LOWER
    return BETTER if (diff < 0) == (better == "lower") else WORSE


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
    practical: float = (
        PRACTICAL_SHARE  # differences under this share of the reference do not matter
    )

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
        return sorted(self.plans, key=lambda p: sign * (r.by_plan[p].mean or 0.0))

    def worst_plaza(self) -> Place | None:
        """The plaza with the most excess delay under the reference plan."""
        rows = [r for r in self.rows if r.key.measure == EXCESS_DELAY and r.key.place.is_plaza]
        if not rows:
            return None
        return max(rows, key=lambda r: r.by_plan[self.reference].mean or 0).key.place

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
            "measures": _measures_json(r.key.measure for r in self.rows),
            "rows": rows,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Comparison:
        _check_version(d, "compare")
        rows = []
        for row in d["rows"]:
            key = FigureKey.from_json(row)
            by_plan = {str(p): Figure(key, Estimate.from_json(v)) for p, v in row["plans"].items()}
            diffs = {
                str(p): Difference.from_json(v["difference"])
                for p, v in row["plans"].items()
                if v.get("difference")
            }
            rows.append(Compared(key, by_plan, diffs))
        return cls(
            Context.from_json(d),
            [str(p) for p in d["plans"]],
            int(d["replications"]),
            FigureKey.from_json(d["ranked_by"]),
            rows,
            _number(d.get("practical_share")) or 0.0,
        )

    def table_rows(self) -> Iterator[dict[str, Any]]:
        """One flat row per figure and plan (table.csv)."""
        for r in self.rows:
            for plan, f in r.by_plan.items():
                d = r.differences.get(plan)
                e = d.estimate if d else None
                yield {
                    "figure": r.key.label,
                    "measure": r.key.measure.name,
                    "crossing": r.key.place.crossing or "",
                    "direction": r.key.place.direction or "",
                    "class": r.key.cls or "",
                    "unit": r.key.measure.unit,
                    "better": r.key.measure.better or "",
                    "plan": plan,
                    "mean": f.mean,
                    "ci_low": f.estimate.low,
                    "ci_high": f.estimate.high,
                    "n": f.estimate.n,
                    "missing": f.missing,
                    "why_missing": f.why_missing or "",
                    "diff_mean": e.mean if e else None,
                    "diff_low": e.low if e else None,
                    "diff_high": e.high if e else None,
                    "clear": d.clear if d else None,
                    "diff_relative": d.relative if d else None,
                    "verdict": d.verdict if d else "reference",
                }


TABLE_COLUMNS = [
    "figure",
    "measure",
    "crossing",
    "direction",
    "class",
    "unit",
    "better",
    "plan",
    "mean",
    "ci_low",
    "ci_high",
    "n",
    "missing",
    "why_missing",
    "diff_mean",
    "diff_low",
    "diff_high",
    "clear",
    "diff_relative",
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
    if x is None:
        return None
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise ResultsError(f"not a number: {x!r}")
    return float(x)
