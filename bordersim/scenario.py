"""Scenario files: their schema, loading and validation.

This is the only module that reads YAML. :func:`load_scenario` returns a validated
:class:`Scenario` or raises :class:`ScenarioError`, whose message is one line naming
the file, the line and the field::

    scenarios/x.yaml:14: crossings.ambassador.into_us.lane_groups.cars.boths:
    unknown key 'boths' (did you mean 'booths'?)

Durations are read as people write them (``90s``, ``45min``, ``2d 06:00``) and held in
seconds; lengths (``7m``, ``2.5km``) in metres.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from . import profiles
from .units import DURATION_HELP, LENGTH_HELP, parse_duration, parse_length

DIRECTIONS = ("into_us", "into_canada")
FIRST_START = datetime(1900, 1, 1)  # calendar starts bordersim can write as dates
LAST_YEAR = 2200
MAX_FILE_BYTES = 5 * 1024 * 1024  # hand-written scenarios are a few kB
MAX_VALUES = 200_000  # values a file may expand to (YAML aliases can multiply them)


class ScenarioError(Exception):
    """A scenario file that cannot be used; ``str()`` is the one-line message."""

    def __init__(self, file: str, message: str, line: int | None = None, field: str = ""):
        file, message, field = _printable(file), _printable(message), _printable(field)
        self.file, self.line, self.field, self.message = file, line, field, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


def _printable(text: str) -> str:
    """Escape control characters, so that a message stays one line on any terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


class UnknownKey(ValueError):
    def __init__(self, key: str, allowed: list[str]):
        self.key = key
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = (
            f" (did you mean '{close[0]}'?)"
            if close
            else f" (expected one of: {', '.join(allowed)})"
        )
        super().__init__(f"unknown key '{key}'{hint}")


# ---------------------------------------------------------------------------- field types
# In the JSON Schema (for editors), durations and lengths are text such as 90s or 2.5km.
_DURATION_SCHEMA = WithJsonSchema(
    {"anyOf": [{"type": "string", "pattern": r"^\s*(\d+\s*d(ays?)?\s+)?[0-9a-z.: ]+$"},
               {"const": 0}], "description": DURATION_HELP}
)  # fmt: skip
_LENGTH_SCHEMA = WithJsonSchema({"type": "string", "description": LENGTH_HELP})
Duration = Annotated[float, BeforeValidator(parse_duration), Field(ge=0), _DURATION_SCHEMA]
PositiveDuration = Annotated[float, BeforeValidator(parse_duration), Field(gt=0), _DURATION_SCHEMA]
Length = Annotated[float, BeforeValidator(parse_length), Field(gt=0), _LENGTH_SCHEMA]
Share = Annotated[float, Field(ge=0, le=1)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$")]


class _Model(BaseModel):
    """Strict base: unknown keys are errors, with the closest valid key suggested."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            names = {f.alias or name: name for name, f in cls.model_fields.items()}
            for key in data:
                if key not in names:
                    raise UnknownKey(key, sorted(names))
        return data


# ---------------------------------------------------------------------------- service times
class ServiceTime(_Model):
    """A service-time distribution.

    ``{mean: 60s, cv: 0.5}`` is lognormal; ``{mean: 60s}`` exponential;
    ``{dist: fixed, mean: 60s}`` fixed; ``{dist: empirical, values: [40s, 55s, 90s]}``
    draws uniformly from the list.
    """

    dist: Literal["exponential", "lognormal", "fixed", "empirical"] | None = None
    mean: PositiveDuration | None = None
    cv: Annotated[float, Field(gt=0, le=10)] | None = None  # above 10 means nothing here
    values: Annotated[list[Duration], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ServiceTime:
        kind = self.kind
        if kind == "empirical":
            if self.values is None:
                raise ValueError("an empirical distribution needs 'values': a list of durations")
            if self.mean is not None or self.cv is not None:
                raise ValueError("an empirical distribution takes 'values' only, not mean or cv")
            if max(self.values) <= 0:
                raise ValueError("empirical 'values' must not all be zero")
            return self
        if self.values is not None:
            raise ValueError(f"'values' belongs to dist: empirical, not {kind}")
        if self.mean is None:
            raise ValueError(f"a {kind} distribution needs 'mean'")
        if kind == "lognormal" and self.cv is None:
            raise ValueError("a lognormal distribution needs 'cv' (coefficient of variation)")
        if kind in ("exponential", "fixed") and self.cv is not None:
            raise ValueError(f"'cv' does not apply to a {kind} distribution")
        return self

    @property
    def kind(self) -> str:
        if self.dist:
            return self.dist
        if self.values is not None:
            return "empirical"
        return "lognormal" if self.cv is not None else "exponential"

    @property
    def mean_seconds(self) -> float:
        if self.kind == "empirical":
            assert self.values is not None
            return sum(self.values) / len(self.values)
        assert self.mean is not None
        return self.mean


# ---------------------------------------------------------------------------- vehicle classes
class ClassSpec(_Model):
    """A vehicle class as written in the file; unset fields come from the defaults."""

    mode: Literal["passenger", "commercial"] | None = None
    tier: Annotated[int, Field(ge=1, le=3)] | None = None
    length: Length | None = None
    service: ServiceTime | None = None
    referral: Share | None = None
    value_of_time: Annotated[float, Field(ge=0)] | None = None
    patience: ServiceTime | None = None


class VehicleClass(BaseModel):
    """A resolved vehicle class: every field set."""

    model_config = ConfigDict(frozen=True)
    mode: Literal["passenger", "commercial"]
    tier: int
    length: float  # metres of queue per vehicle
    service: ServiceTime  # primary inspection, unless a plaza sets its own
    referral: float  # share sent to secondary, unless a plaza sets its own
    value_of_time: float | None = None  # money per vehicle-hour of delay
    patience: ServiceTime | None = None  # a driver who has waited longer gives up


def _st(**kw: Any) -> ServiceTime:
    return ServiceTime.model_validate(kw)


# Defaults so that a short scenario works. Sources: shared/calibration.md.
DEFAULT_CLASSES: dict[str, VehicleClass] = {
    # Car primary 54 s rising to ~75 s (Truck News, Peace Bridge); 60 s taken, cv assumed.
    # Passenger referral is not published: 2% is an assumption.
    "car": VehicleClass(mode="passenger", tier=3, length=7.0,
                        service=_st(mean="60s", cv=0.5), referral=0.02),
    # NEXUS/Ready: about 15 s faster per vehicle (KGUN9 2011); 45 s taken. Referral assumed.
    "car_nexus": VehicleClass(mode="passenger", tier=2, length=7.0,
                              service=_st(mean="45s", cv=0.5), referral=0.01),
    # Truck primary 120 s at best at the Ambassador Bridge (Truck News); referral
    # 19 of 1,085 crossings, ~1.75% (MTRI 2014).
    "truck": VehicleClass(mode="commercial", tier=3, length=20.0,
                          service=_st(mean="120s", cv=0.5), referral=0.0175),
    # FAST: 1-1.5 min average (MTRI 2014); 90 s taken. Referral assumed half of trucks'.
    "truck_fast": VehicleClass(mode="commercial", tier=2, length=20.0,
                               service=_st(mean="90s", cv=0.5), referral=0.009),
    # National priority (relief supplies, responders): tier 1 (CBP resumption tiers).
    # Service time and length are assumptions.
    "priority": VehicleClass(mode="commercial", tier=1, length=15.0,
                             service=_st(mean="60s", cv=0.5), referral=0.0),
}  # fmt: skip

_REQUIRED_FOR_NEW = ("mode", "tier", "length", "service", "referral")

# Secondary inspection time: not published; 20 min with cv 0.8 is an assumption.
DEFAULT_SECONDARY_SERVICE = _st(mean="20min", cv=0.8)


# ---------------------------------------------------------------------------- the plaza
class LaneGroup(_Model):
    """Primary booths serving a list of classes.

    ``open`` is the staffing schedule: booths open, as one number or one per hour of
    day (24) or of the week (168, Monday 00:00 first). All booths are open if unset.
    """

    booths: Annotated[int, Field(ge=1, le=1000)]
    serves: Annotated[list[str], Field(min_length=1)]
    open: Annotated[int, Field(ge=0)] | list[Annotated[int, Field(ge=0)]] | None = None

    @field_validator("open")
    @classmethod
    def _schedule_length(cls, v: Any) -> Any:
        if isinstance(v, list) and len(v) not in (24, 168):
            raise ValueError(f"a staffing schedule has 24 or 168 values, not {len(v)}")
        return v

    def schedule(self) -> list[int]:
        """Booths open by hour: 24 or 168 values."""
        if self.open is None:
            return [self.booths] * 24
        if isinstance(self.open, int):
            return [self.open] * 24
        return list(self.open)


class Secondary(_Model):
    """Secondary inspection: officers inspect, bays hold referred vehicles."""

    officers: Annotated[int, Field(ge=1, le=10_000)]
    bays: Annotated[int, Field(ge=1, le=10_000)]
    referral: dict[str, Share] = {}
    service: ServiceTime = DEFAULT_SECONDARY_SERVICE


class Approach(_Model):
    """The road before the plaza: how many lanes a queue fills and how far it may grow."""

    lanes: Annotated[int, Field(ge=1)] = 1
    storage: Length | None = None


class Plaza(_Model):
    """The inspection plaza of one direction: lane groups, service times, secondary."""

    lane_groups: Annotated[dict[Name, LaneGroup], Field(min_length=1, max_length=1000)]
    service: dict[str, ServiceTime] = {}
    secondary: Secondary | None = None
    approach: Approach = Approach()

    def service_for(self, name: str, vehicle_class: VehicleClass) -> ServiceTime:
        """Primary inspection time of a class here: the plaza's own, else the class's."""
        return self.service.get(name, vehicle_class.service)


class Crossing(_Model):
    """A bridge, tunnel or road crossing, with a plaza in each direction it has."""

    name: str | None = None
    into_us: Plaza | None = None
    into_canada: Plaza | None = None

    @model_validator(mode="after")
    def _has_a_direction(self) -> Crossing:
        if self.into_us is None and self.into_canada is None:
            raise ValueError("a crossing needs at least one direction: into_us or into_canada")
        return self

    def plazas(self) -> Iterator[tuple[str, Plaza]]:
        for d in DIRECTIONS:
            plaza = getattr(self, d)
            if plaza is not None:
                yield d, plaza


# ---------------------------------------------------------------------------- demand
Weights = Annotated[list[Annotated[float, Field(ge=0)]], Field(min_length=24)]
# Weights are relative: a million is plenty, and keeps their sum finite (weights of 1e308
# would overflow it and silently give no vehicles).
MAX_WEIGHT = 1e6
Profile = str | Weights


class Demand(_Model):
    """Daily volume per class, shaped by an hourly profile (name or 24/168 weights)."""

    # At most a million a day per class: 70 times the busiest crossing in calibration.md.
    daily: dict[str, Annotated[float, Field(ge=0, le=1_000_000)]]
    profile: Profile | dict[str, Profile] = "weekday"

    def profile_for(self, cls: str) -> Profile:
        if isinstance(self.profile, dict):
            return self.profile.get(cls, "weekday")
        return self.profile


# ---------------------------------------------------------------------------- events
class _Event(_Model):
    """An event of the disruption, in force from ``start`` to ``end``."""

    where: str
    start: Duration
    end: Duration
    classes: list[str] | None = None
    note: str = ""


class Closure(_Event):
    """No vehicle starts inspection; arrivals queue. Vehicles in inspection finish."""

    type: Literal["closure"]


class Surge(_Event):
    """Demand multiplied by ``factor`` (below 1 for a drop in traffic)."""

    type: Literal["surge"]
    factor: Annotated[float, Field(gt=0, le=100)]


class Staffing(_Event):
    """Booths open set to a number (``open``, a lane group only) or a ``fraction``."""

    type: Literal["staffing"]
    open: Annotated[int, Field(ge=0)] | None = None
    fraction: Share | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Staffing:
        if (self.open is None) == (self.fraction is None):
            raise ValueError("a staffing event sets exactly one of 'open' or 'fraction'")
        if self.classes is not None:
            raise ValueError("a staffing event applies to booths, not to 'classes'")
        return self


class Alert(_Event):
    """Heightened alert: primary service times and referral rates multiplied."""

    type: Literal["alert"]
    service_factor: Annotated[float, Field(gt=0, le=100)] = 1.0
    referral_factor: Annotated[float, Field(ge=0, le=100)] = 1.0


class Outage(_Event):
    """Systems down: primary service times multiplied."""

    type: Literal["outage"]
    service_factor: Annotated[float, Field(gt=0, le=100)]


Event = Annotated[Closure | Surge | Staffing | Alert | Outage, Field(discriminator="type")]
EVENT_TYPES = ("closure", "surge", "staffing", "alert", "outage")


# ---------------------------------------------------------------------------- response plans
class _Action(_Model):
    """A response action, in force from ``start`` to ``end`` (default: the whole run)."""

    where: str
    start: Duration = 0.0
    end: Duration | None = None
    note: str = ""


class OpenBooths(_Action):
    """Surge staffing: a lane group's booths open set to ``open`` or raised by ``add``."""

    type: Literal["open_booths"]
    open: Annotated[int, Field(ge=0)] | None = None
    add: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> OpenBooths:
        if (self.open is None) == (self.add is None):
            raise ValueError("open_booths sets exactly one of 'open' or 'add'")
        return self


class Reallocate(_Action):
    """A lane group's booths serve these classes instead (cars through the truck plaza)."""

    type: Literal["reallocate"]
    serves: Annotated[list[str], Field(min_length=1)]


class Priority(_Action):
    """Triage: booths take the lowest tier waiting first (1 national priority, 2 trusted)."""

    type: Literal["priority"]


class Staging(_Action):
    """Vehicles of ``classes`` held off the highway and released at a metered rate
    (``per_hour``) or ``batch`` at a time ``every`` so often."""

    type: Literal["staging"]
    classes: Annotated[list[str], Field(min_length=1)]
    per_hour: Annotated[float, Field(gt=0, le=100_000)] | None = None
    batch: Annotated[int, Field(ge=1, le=100_000)] | None = None
    every: PositiveDuration | None = None

    @model_validator(mode="after")
    def _metered(self) -> Staging:
        if self.per_hour is not None and (self.batch is not None or self.every is not None):
            raise ValueError("staging is metered by 'per_hour' or by 'batch' and 'every', not both")
        if self.per_hour is None and (self.batch is None or self.every is None):
            raise ValueError("staging needs 'per_hour', or 'batch' with 'every'")
        return self

    @property
    def interval(self) -> float:
        """Seconds between releases."""
        return 3600.0 / self.per_hour if self.per_hour else float(self.every or 0)

    @property
    def per_release(self) -> int:
        return 1 if self.per_hour else int(self.batch or 1)


class Step(_Model):
    """One step of a phased reopening, ``after`` the reopening starts."""

    after: Duration
    fraction: Annotated[float, Field(gt=0, le=1)] = 1.0
    tiers: Annotated[int, Field(ge=1, le=3)] = 3


class PhasedReopening(_Action):
    """Capacity restored in steps: each step opens a fraction of the booths to tiers up to
    ``tiers`` (1 national priority, 2 trusted, 3 everyone), until the next step."""

    type: Literal["phased_reopening"]
    steps: Annotated[list[Step], Field(min_length=1)]


class Patience(_Model):
    """Drivers of ``classes`` give up after waiting a time drawn from ``time``."""

    type: Literal["patience"]
    classes: Annotated[list[str], Field(min_length=1)]
    time: ServiceTime
    where: str | None = None
    note: str = ""


class Divert(_Model):
    """Vehicles of ``classes`` arriving at ``from`` may go to one of ``to`` instead.

    ``mode`` says how drivers are told: ``mandatory`` (directed away whatever the waits),
    ``voluntary`` (advised; they go when the posted waits favour the other crossing) or
    ``information`` (posted waits only). ``compliance`` is the share of drivers who act,
    one number or per class; defaults are 0.9, 0.6 and 0.25 (assumptions after the FHWA
    Alternate Route Handbook's point that the kind of message changes compliance).
    """

    type: Literal["divert"]
    from_: str = Field(alias="from")
    to: Annotated[list[str], Field(min_length=1)]
    classes: list[str] | None = None
    mode: Literal["mandatory", "voluntary", "information"] = "voluntary"
    compliance: Share | dict[str, Share] | None = None
    start: Duration = 0.0
    end: Duration | None = None
    note: str = ""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True,
                              allow_inf_nan=False)  # fmt: skip

    @property
    def where(self) -> str:
        return self.from_

    def share(self, cls: str) -> float:
        if isinstance(self.compliance, dict):
            return self.compliance.get(cls, DEFAULT_COMPLIANCE[self.mode])
        return DEFAULT_COMPLIANCE[self.mode] if self.compliance is None else self.compliance


DEFAULT_COMPLIANCE = {"mandatory": 0.9, "voluntary": 0.6, "information": 0.25}


class Information(_Model):
    """Posted wait times, updated every ``update_every`` (drivers act on the last post)."""

    type: Literal["information"]
    update_every: PositiveDuration
    note: str = ""


Action = Annotated[
    OpenBooths
    | Reallocate
    | Priority
    | Staging
    | PhasedReopening
    | Patience
    | Divert
    | Information,
    Field(discriminator="type"),
]
ACTION_TYPES = ("open_booths", "reallocate", "priority", "staging", "phased_reopening",
                "patience", "divert", "information")  # fmt: skip


# ---------------------------------------------------------------------------- the network
class Detour(_Model):
    """Extra driving time between two crossings, one duration or one per class."""

    between: Annotated[list[Name], Field(min_length=2, max_length=2)]
    time: Duration | dict[str, Duration]

    def for_class(self, cls: str) -> float | None:
        if isinstance(self.time, dict):
            return self.time.get(cls)
        return self.time


class PostedWaits(_Model):
    """How often wait times are posted, when no plan says otherwise."""

    update_every: PositiveDuration


class Network(_Model):
    """How crossings of a region connect: detours and the posting of wait times."""

    detours: list[Detour] = []
    information: PostedWaits | None = None

    def detour(self, a: str, b: str, cls: str) -> float | None:
        for d in self.detours:
            if set(d.between) == {a, b}:
                return d.for_class(cls)
        return None

    @property
    def update_every(self) -> float:
        # Default: hourly posts (an assumption; in Sept 2001 estimates were posted every
        # 4 hours, shared/calibration.md).
        return self.information.update_every if self.information else 3600.0


# ---------------------------------------------------------------------------- the scenario
def _calendar(value: Any) -> Any:
    """Accept ``2022-02-07 06:00`` (YAML only reads date-times with seconds)."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"cannot read {value!r}: expected a date or date-time such as 2022-02-07 06:00"
            ) from None
    return value


class Scenario(_Model):
    """A whole scenario file."""

    # The name becomes a folder name: short enough for every file system.
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=100)]
    description: str = ""
    start: Annotated[datetime | date | None, BeforeValidator(_calendar)] = None  # 1900-2200
    horizon: Annotated[PositiveDuration, Field(le=400 * 86400.0)]  # up to 400 days
    warmup: Duration = 0.0
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    replications: Annotated[int, Field(ge=1, le=100_000)] = 1
    classes: dict[Name, ClassSpec] = {}
    crossings: Annotated[dict[Name, Crossing], Field(min_length=1)]
    demand: dict[str, Demand] = {}
    events: list[Event] = []
    plans: dict[Name, list[Action]] = {}
    network: Network = Network()

    # -- resolved views used by the model
    def vehicle_classes(self) -> dict[str, VehicleClass]:
        """Default classes with the file's overrides, and the file's new classes."""
        out = dict(DEFAULT_CLASSES)
        for name, spec in self.classes.items():
            given = {k: v for k, v in spec if v is not None}
            base = out.get(name)
            merged = {**dict(base), **given} if base else given
            if set(_REQUIRED_FOR_NEW) <= set(merged):  # incomplete: check_references says so
                out[name] = VehicleClass(**merged)
        return out

    def plazas(self) -> Iterator[tuple[str, str, Plaza]]:
        for cname, crossing in self.crossings.items():
            for d, plaza in crossing.plazas():
                yield cname, d, plaza

    @property
    def start_datetime(self) -> datetime | None:
        if self.start is None or isinstance(self.start, datetime):
            return self.start
        return datetime(self.start.year, self.start.month, self.start.day)

    def without_events(self) -> Scenario:
        """The baseline: the same scenario with no disruption."""
        return self.model_copy(update={"events": []})


# ---------------------------------------------------------------------------- YAML with lines
INT_TAG, FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 base-60 numbers, so ``18:00`` stays a string."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (INT_TAG, FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    INT_TAG,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
        r"|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)

Path_ = tuple[str | int, ...]


def _line_map(node: yaml.Node, path: Path_, lines: dict[Path_, int], file: str) -> None:
    """Record the line of every key and item; reject duplicate keys and alias bombs."""
    lines.setdefault(path, node.start_mark.line + 1)
    if len(lines) > MAX_VALUES:
        raise ScenarioError(file, f"the file expands to more than {MAX_VALUES:,} values "
                                  "(YAML anchors and aliases repeated?)")  # fmt: skip
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise ScenarioError(
                    file, f"duplicate key '{key}'", key_node.start_mark.line + 1, _dotted(path)
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _line_map(value_node, (*path, key), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _line_map(item, (*path, i), lines, file)


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(path: Path_, lines: dict[Path_, int]) -> int | None:
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None


# ---------------------------------------------------------------------------- loading
def load_scenario(path: str | Path) -> Scenario:
    """Read, parse and validate a scenario file; raise ScenarioError on any problem."""
    return read_scenario(path)[0]


def read_scenario(path: str | Path) -> tuple[Scenario, str]:
    """The validated scenario and the exact text it was read from (read once)."""
    file = str(path)
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(file, "file not found" if not p.exists() else "not a file")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ScenarioError(file, f"file is {size:,} bytes; scenario files are limited to "
                                  f"{MAX_FILE_BYTES:,}")  # fmt: skip
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError(file, f"not UTF-8 text ({e.reason})") from None
    except OSError as e:
        raise ScenarioError(file, f"cannot read the file ({e.strerror})") from None
    return parse_scenario(text, file=file, default_name=p.stem), text


def parse_scenario(text: str, file: str = "<scenario>", default_name: str = "scenario") -> Scenario:
    """Validate scenario text; ``file`` is used only in messages."""
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader) if root is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(str(x) for x in (e.context, e.problem) if x)
        raise ScenarioError(file, f"YAML syntax error: {problem}", line) from None
    except yaml.YAMLError as e:
        raise ScenarioError(file, f"YAML error: {e}".replace("\n", " ")) from None
    except RecursionError:
        raise ScenarioError(file, "the file is nested too deeply") from None
    if not isinstance(data, dict):
        raise ScenarioError(file, "a scenario file is a mapping of keys such as name, horizon, "
                                  "crossings, demand and events", 1)  # fmt: skip
    lines: dict[Path_, int] = {}
    try:
        _line_map(root, (), lines, file)
    except RecursionError:
        raise ScenarioError(file, "the file is nested too deeply") from None
    data.setdefault("name", default_name)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        raise _first_error(e, file, lines, data) from None
    except RecursionError:
        raise ScenarioError(file, "the file is nested too deeply") from None
    problems = list(check_references(scenario))
    if problems:
        path, message = min(problems, key=lambda pm: _line_of(pm[0], lines) or 0)
        raise ScenarioError(file, message, _line_of(path, lines), _dotted(path))
    return scenario


def _first_error(
    err: ValidationError, file: str, lines: dict[Path_, int], data: Any
) -> ScenarioError:
    found = []
    for e in err.errors(include_url=False):
        path = _real_path(e["loc"], data)
        cause = (e.get("ctx") or {}).get("error")
        if isinstance(cause, UnknownKey):
            path = (*path, cause.key)
        found.append((_line_of(path, lines) or 0, path, _message(e)))
    line, path, message = min(found, key=lambda f: f[0])
    return ScenarioError(file, message, line or None, _dotted(path) or "(top level)")


def _real_path(loc: tuple[Any, ...], data: Any) -> Path_:
    """Drop pydantic's union and tag steps, keeping keys that exist in the file."""
    out: list[str | int] = []
    node = data
    for step in loc:
        in_dict = isinstance(node, dict) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and step < len(node)
        if in_dict or in_list:
            out.append(step)
            node = node[step]
        elif isinstance(node, dict | list):
            if isinstance(node, dict) and isinstance(step, str) and step in _field_names():
                out.append(step)  # a required field that is missing
                break
            continue  # a union branch name such as 'closure' or 'list[...]'
        else:
            break
    return tuple(out)


def _field_names() -> set[str]:
    names: set[str] = set()
    for model in (Scenario, Crossing, Plaza, LaneGroup, Secondary, Approach, ServiceTime,
                  ClassSpec, Demand, Closure, Surge, Staffing, Alert, Outage, OpenBooths,
                  Reallocate, Priority, Staging, PhasedReopening, Patience, Step, Divert,
                  Information, Detour, Network, PostedWaits):  # fmt: skip
        names.update(f.alias or n for n, f in model.model_fields.items())
    return names


def _message(e: dict[str, Any]) -> str:
    kind, msg = e["type"], e["msg"]
    got = e.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        in_plan = tuple(e["loc"][:1]) == ("plans",)
        what, options = ("action", ACTION_TYPES) if in_plan else ("event", EVENT_TYPES)
        if kind == "union_tag_not_found":
            return f"an {what} needs a 'type': one of {', '.join(options)}"
        return f"unknown {what} type {got.get('type')!r}" + _suggest(str(got.get("type")), options)
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in ("greater_than", "greater_than_equal", "less_than_equal", "less_than"):
        return f"{msg}, got {got!r}"
    if kind.endswith("_type") or kind in ("model_type", "dict_type", "list_type"):
        return f"{msg.rstrip('.')}, got {_describe(got)}"
    return msg


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _suggest(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return (
        f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(options)})"
    )


# ---------------------------------------------------------------------------- cross-references
def _unknown_class(
    name: str, classes: dict[str, VehicleClass], path: Path_
) -> Iterator[tuple[Path_, str]]:
    if name not in classes:
        yield path, f"unknown vehicle class '{name}'" + _suggest(name, classes)


def check_references(s: Scenario) -> Iterator[tuple[Path_, str]]:
    """Problems that span fields: names that must exist, times in order, capacities."""
    classes = s.vehicle_classes()

    def unknown_class(name: str, path: Path_) -> Iterator[tuple[Path_, str]]:
        return _unknown_class(name, classes, path)

    for name, spec in s.classes.items():
        if name not in DEFAULT_CLASSES:
            for req in _REQUIRED_FOR_NEW:
                if getattr(spec, req) is None:
                    yield ("classes", name), f"new class '{name}' needs '{req}'"
    if s.warmup >= s.horizon:
        yield ("warmup",), "warm-up must be shorter than the horizon"
    start = s.start_datetime
    if start is not None and not (start >= FIRST_START and start.year + s.horizon / 86400 / 365
                                  < LAST_YEAR):  # fmt: skip
        yield ("start",), (f"a start between {FIRST_START.year} and {LAST_YEAR}, "
                           f"horizon included; got {start.date().isoformat()}")  # fmt: skip

    for cname, d, plaza in s.plazas():
        base: Path_ = ("crossings", cname, d)
        for gname, group in plaza.lane_groups.items():
            for i, cls in enumerate(group.serves):
                yield from unknown_class(cls, (*base, "lane_groups", gname, "serves", i))
            if max(group.schedule()) > group.booths:
                yield (
                    (*base, "lane_groups", gname, "open"),
                    (f"opens {max(group.schedule())} booths but the lane group has {group.booths}"),
                )
        for cls in plaza.service:
            yield from unknown_class(cls, (*base, "service", cls))
        if plaza.secondary:
            for cls in plaza.secondary.referral:
                yield from unknown_class(cls, (*base, "secondary", "referral", cls))

    plaza_names = {f"{c}.{d}": p for c, d, p in s.plazas()}
    for key, demand in s.demand.items():
        path: Path_ = ("demand", key)
        if key not in plaza_names:
            yield (
                path,
                f"no plaza '{key}': demand keys are crossing.direction"
                + _suggest(key, plaza_names),
            )
            continue
        served = {c for g in plaza_names[key].lane_groups.values() for c in g.serves}
        for cls, volume in demand.daily.items():
            if cls not in classes:
                yield from unknown_class(cls, (*path, "daily", cls))
            elif volume > 0 and cls not in served:
                yield (
                    (*path, "daily", cls),
                    f"class '{cls}' has demand but no lane group at {key} serves it",
                )
        profs = demand.profile if isinstance(demand.profile, dict) else {None: demand.profile}
        for cls, prof in profs.items():
            ppath = (*path, "profile") if cls is None else (*path, "profile", cls)
            if cls is not None and cls not in classes:
                yield from unknown_class(cls, ppath)
            if isinstance(prof, str) and prof not in profiles.NAMES:
                yield ppath, f"unknown profile '{prof}'" + _suggest(prof, profiles.NAMES)
            if isinstance(prof, list):
                if len(prof) not in (24, 168):
                    yield ppath, f"a profile has 24 or 168 values, not {len(prof)}"
                elif max(prof) > MAX_WEIGHT:
                    yield ppath, (f"profile weights are relative shares: keep them at most "
                                  f"{MAX_WEIGHT:,.0f} (got {max(prof):g})")  # fmt: skip
                elif sum(prof) <= 0:
                    yield ppath, "a profile needs at least one positive value"

    for i, ev in enumerate(s.events):
        path = ("events", i)
        yield from _check_where(s, ev.where, (*path, "where"))
        if ev.classes is not None and not ev.classes:
            yield (*path, "classes"), ("an empty list touches no traffic: leave 'classes' out "
                                       "for all traffic, or name the classes")  # fmt: skip
        for j, cls in enumerate(ev.classes or []):
            yield from unknown_class(cls, (*path, "classes", j))
        group = _lane_group(s, ev.where)
        if group is not None and ev.classes:
            unserved = [c for c in ev.classes if c in classes and c not in group.serves]
            if unserved:
                yield (*path, "classes"), (f"lane group {ev.where} does not serve "
                                           f"{', '.join(unserved)}: the event would do nothing "
                                           "to them")  # fmt: skip
        if ev.end <= ev.start:
            yield (*path, "end"), "end must be after start"
        if ev.start >= s.horizon:
            yield (*path, "start"), "the event starts after the horizon ends"
        if isinstance(ev, Surge) and len(ev.where.split(".")) > 2:
            yield (*path, "where"), "a surge changes the demand of a crossing or a direction"
        if isinstance(ev, Staffing) and ev.open is not None:
            group = _lane_group(s, ev.where)
            if group is None:
                yield (
                    (*path, "open"),
                    "'open' needs a lane group in 'where' (use 'fraction' for a plaza)",
                )
            elif ev.open > group.booths:
                yield (*path, "open"), f"the lane group has only {group.booths} booths"
    yield from _check_plans(s, classes)


def _check_network(s: Scenario, classes: dict[str, VehicleClass]) -> Iterator[tuple[Path_, str]]:
    seen: set[frozenset[str]] = set()
    for i, d in enumerate(s.network.detours):
        path: Path_ = ("network", "detours", i)
        for j, name in enumerate(d.between):
            if name not in s.crossings:
                yield (*path, "between", j), f"no crossing '{name}'" + _suggest(name, s.crossings)
        pair = frozenset(d.between)
        if len(pair) < 2:
            yield (*path, "between"), "a detour links two different crossings"
        elif pair in seen:
            yield (*path, "between"), f"a second detour between {' and '.join(sorted(pair))}"
        seen.add(pair)
        if isinstance(d.time, dict):
            for cls in d.time:
                yield from _unknown_class(cls, classes, (*path, "time", cls))


def _check_divert(
    s: Scenario, a: Divert, path: Path_, classes: dict[str, VehicleClass]
) -> Iterator[tuple[Path_, str]]:
    plazas = [f"{c}.{d}" for c, d, _ in s.plazas()]
    for field, names in (("from", [a.from_]), ("to", a.to)):
        for j, name in enumerate(names):
            where = (*path, field) if field == "from" else (*path, field, j)
            if name not in plazas:
                yield where, f"no plaza '{name}': use crossing.direction" + _suggest(name, plazas)
    if a.classes is not None and not a.classes:
        yield (*path, "classes"), ("an empty list diverts no one: leave 'classes' out for "
                                   "every class, or name the classes")  # fmt: skip
    if any(t == a.from_ for t in a.to):
        yield (*path, "to"), "a vehicle cannot divert to the plaza it is leaving"
    for j, cls in enumerate(a.classes or []):
        yield from _unknown_class(cls, classes, (*path, "classes", j))
    if isinstance(a.compliance, dict):
        for cls in a.compliance:
            yield from _unknown_class(cls, classes, (*path, "compliance", cls))
    if a.from_ not in plazas:
        return
    origin = a.from_.split(".")[0]
    demand = s.demand.get(a.from_)
    movers = a.classes or [c for c, v in (demand.daily.items() if demand else []) if v > 0]
    for j, target in enumerate(a.to):
        if target not in plazas:
            continue
        crossing, direction = target.split(".")
        if crossing == origin:
            yield (*path, "to", j), "divert to another crossing (a detour links two crossings)"
            continue
        if direction != a.from_.split(".")[1]:
            yield (*path, "to", j), f"'{target}' goes the other way across the border"
        missing = [c for c in movers if s.network.detour(origin, crossing, c) is None]
        if missing:
            yield (
                (*path, "to", j),
                (
                    f"no detour time between {origin} and {crossing} for {', '.join(missing)}: "
                    "add one under network.detours"
                ),
            )
        served = {c for g in getattr(s.crossings[crossing], direction).lane_groups.values()
                  for c in g.serves}  # fmt: skip
        unserved = [c for c in movers if c not in served]
        if unserved:
            yield (*path, "to", j), f"no lane group at {target} serves {', '.join(unserved)}"
    if a.end is not None and a.end <= a.start:
        yield (*path, "end"), "end must be after start"


def _check_plans(s: Scenario, classes: dict[str, VehicleClass]) -> Iterator[tuple[Path_, str]]:
    yield from _check_network(s, classes)
    for plan, actions in s.plans.items():
        for i, a in enumerate(actions):
            path: Path_ = ("plans", plan, i)
            if isinstance(a, Divert):
                yield from _check_divert(s, a, path, classes)
                continue
            if isinstance(a, Information):
                continue
            names = a.classes if isinstance(a, Staging | Patience) else []
            if isinstance(a, Reallocate):
                names = a.serves
            field = "serves" if isinstance(a, Reallocate) else "classes"
            for j, cls in enumerate(names):
                yield from _unknown_class(cls, classes, (*path, field, j))
            if a.where is not None:
                yield from _check_where(s, a.where, (*path, "where"))
                depth = len(a.where.split("."))
                if isinstance(a, OpenBooths | Reallocate) and depth != 3:
                    yield (
                        (*path, "where"),
                        f"{a.type} needs a lane group: crossing.direction.lane_group",
                    )
                if isinstance(a, Staging) and depth > 2:
                    yield (*path, "where"), "staging holds traffic for a crossing or a direction"
            if isinstance(a, Patience):
                continue
            if a.end is not None and a.end <= a.start:
                yield (*path, "end"), "end must be after start"
            if a.start >= s.horizon:
                yield (*path, "start"), "the action starts after the horizon ends"
            if isinstance(a, OpenBooths) and a.open is not None:
                group = _lane_group(s, a.where) if _where_exists(s, a.where) else None
                if group is not None and a.open > group.booths:
                    yield (*path, "open"), f"the lane group has only {group.booths} booths"
            if isinstance(a, PhasedReopening):
                afters = [st.after for st in a.steps]
                if any(b <= x for x, b in zip(afters, afters[1:], strict=False)):
                    yield (*path, "steps"), "steps must come in order of 'after'"


def _where_exists(s: Scenario, where: str) -> bool:
    return not any(True for _ in _check_where(s, where, ()))


def _check_where(s: Scenario, where: str, path: Path_) -> Iterator[tuple[Path_, str]]:
    parts = where.split(".")
    if len(parts) > 3:
        yield (
            path,
            f"'{where}' is not crossing, crossing.direction or crossing.direction.lane_group",
        )
        return
    crossing = s.crossings.get(parts[0])
    if crossing is None:
        yield path, f"no crossing '{parts[0]}'" + _suggest(parts[0], s.crossings)
        return
    if len(parts) == 1:
        return
    plaza = getattr(crossing, parts[1], None) if parts[1] in DIRECTIONS else None
    if plaza is None:
        have = [d for d, _ in crossing.plazas()]
        yield path, f"no direction '{parts[1]}' at {parts[0]}" + _suggest(parts[1], have)
        return
    if len(parts) == 3 and parts[2] not in plaza.lane_groups:
        yield (
            path,
            f"no lane group '{parts[2]}' at {parts[0]}.{parts[1]}"
            + _suggest(parts[2], plaza.lane_groups),
        )


def _lane_group(s: Scenario, where: str) -> LaneGroup | None:
    parts = where.split(".")
    if len(parts) != 3 or not _where_exists(s, where):
        return None
    plaza = getattr(s.crossings[parts[0]], parts[1])
    return plaza.lane_groups[parts[2]]


def covers(where: str, crossing: str, direction: str, lane_group: str | None = None) -> bool:
    """Whether an event at ``where`` touches this plaza, or this lane group if one is named.

    A plaza-wide event covers each of its lane groups; a lane-group event touches its plaza.
    """
    parts = where.split(".")
    target = [crossing, direction] + ([lane_group] if lane_group else [])
    n = min(len(parts), len(target))
    return parts[:n] == target[:n]
