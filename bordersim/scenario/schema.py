"""The scenario file's schema: crossings, plazas, lane groups, demand, the network, and
the scenario itself. Events and actions are in ``events/`` and ``actions/``, one module
per type (see :mod:`bordersim.scenario.items`); their unions are built here from the
registry.
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
import sys
import textwrap
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, field_validator, model_validator

from ..units import NO_ZONES
from .defaults import (
    DEFAULT_CLASSES,
    DEFAULT_SECONDARY_SERVICE,
    DEFAULT_UPDATE_EVERY,
    REQUIRED_FOR_NEW,
)
from .exercise import Exercise
from .fields import ClassSpec as ClassSpec
from .fields import (
    Duration,
    Length,
    Name,
    PositiveDuration,
    ServiceTime,
    Share,
    StrictModel,
    VehicleClass,
)
from .items import ACTIONS, EVENTS, clock
from .places import DIRECTIONS
from .unions import ACTION_TYPES as ACTION_TYPES
from .unions import EVENT_TYPES as EVENT_TYPES
from .unions import Action, Event

FIRST_START = datetime(1900, 1, 1)  # calendar starts bordersim can write as dates
LAST_YEAR = 2200


class LaneGroup(StrictModel):
    """Primary booths serving a list of classes.

    ``open`` is the staffing schedule: booths open, as one number or one per hour of
    day (24) or of the week (168, Monday 00:00 first). All booths are open if unset.
    """

    booths: Annotated[int, Field(ge=1, le=1000)]
    """Primary booths in the lane group (1 to 1,000)."""
    serves: Annotated[list[str], Field(min_length=1)]
    """The vehicle classes its booths inspect, e.g. [car, car_nexus]."""
    open: Annotated[int, Field(ge=0)] | list[Annotated[int, Field(ge=0)]] | None = None
    """Booths staffed: one number, or 24 (by hour of day) or 168 (by hour of the week, Monday 00:00
    first); all booths if unset.
    """

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


class Secondary(StrictModel):
    """Secondary inspection: officers inspect, bays hold referred vehicles."""

    officers: Annotated[int, Field(ge=1, le=10_000)]
    """Officers doing secondary inspections at once."""
    bays: Annotated[int, Field(ge=1, le=10_000)]
    """Parking bays for referred vehicles; when all are full, a referred vehicle waits at its
    primary booth and blocks it.
    """
    referral: dict[str, Share] = {}
    """Share of each class sent to secondary here, e.g. {car: 0.02}; else the class's referral."""
    service: ServiceTime = DEFAULT_SECONDARY_SERVICE
    """Secondary inspection time (a distribution)."""


class Approach(StrictModel):
    """The road before the plaza: how many lanes a queue fills and how far it may grow."""

    lanes: Annotated[int, Field(ge=1)] = 1
    """Lanes the queue fills on the approach road; queue km are metres of vehicles divided by
    lanes.
    """
    storage: Length | None = None
    """How far the queue may grow before it reaches past the approach onto the highway (e.g. 2km);
    the report says how long it did.
    """


class Plaza(StrictModel):
    """The inspection plaza of one direction: lane groups, service times, secondary."""

    lane_groups: Annotated[dict[Name, LaneGroup], Field(min_length=1, max_length=1000)]
    """The primary lane groups by name (cars, nexus, trucks, fast...)."""
    service: dict[str, ServiceTime] = {}
    """Primary inspection time by class here, e.g. {truck: {mean: 120s, cv: 0.5}}; else the
    class's.
    """
    secondary: Secondary | None = None
    """Secondary inspection; none if unset."""
    approach: Approach = Approach()
    """The approach road: lanes and storage."""

    def service_for(self, name: str, vehicle_class: VehicleClass) -> ServiceTime:
        """Primary inspection time of a class here: the plaza's own, else the class's."""
        return self.service.get(name, vehicle_class.service)


class Crossing(StrictModel):
    """A bridge, tunnel or road crossing, with a plaza in each direction it has."""

    name: str | None = None
    """The crossing's name as planners say it (Ambassador Bridge); reports use it."""
    into_us: Plaza | None = None
    """The plaza of traffic entering the United States (CBP)."""
    into_canada: Plaza | None = None
    """The plaza of traffic entering Canada (CBSA)."""

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


class Demand(StrictModel):
    """Daily volume per class, shaped by an hourly profile (name or 24/168 weights)."""

    # At most a million a day per class: 70 times the busiest crossing in calibration.md.
    daily: dict[str, Annotated[float, Field(ge=0, le=1_000_000)]]
    """Vehicles on an average day by class, e.g. {car: 4000, truck: 2000}."""
    profile: Profile | dict[str, Profile] = "weekday"
    """How the day's traffic spreads over the hours: flat, weekday, weekend, week, or 24 or 168
    weights; or one per class.
    """

    def profile_for(self, cls: str) -> Profile:
        if isinstance(self.profile, dict):
            return self.profile.get(cls, "weekday")
        return self.profile


# ---------------------------------------------------------------------------- the network
class Detour(StrictModel):
    """Extra driving time between two crossings, one duration or one per class."""

    between: Annotated[list[Name], Field(min_length=2, max_length=2)]
    """The two crossings the detour links, e.g. [ambassador, bluewater]."""
    time: Duration | dict[str, Duration]
    """Extra driving time of the detour: one duration, or one per class."""

    def for_class(self, cls: str) -> float | None:
        if isinstance(self.time, dict):
            return self.time.get(cls)
        return self.time


class PostedWaits(StrictModel):
    """How often wait times are posted, when no plan says otherwise."""

    update_every: PositiveDuration
    """How often the posted wait times are updated (e.g. 15min)."""


class Network(StrictModel):
    """How crossings of a region connect: detours and the posting of wait times."""

    detours: list[Detour] = []
    """Detours between crossings, for diversion."""
    information: PostedWaits | None = None
    """How often waits are posted when no plan says otherwise."""

    def detour(self, a: str, b: str, cls: str) -> float | None:
        for d in self.detours:
            if set(d.between) == {a, b}:
                return d.for_class(cls)
        return None

    @property
    def update_every(self) -> float:
        return self.information.update_every if self.information else DEFAULT_UPDATE_EVERY


# ---------------------------------------------------------------------------- the scenario
def _calendar(value: Any) -> Any:
    """Accept ``2022-02-07 06:00`` (YAML only reads date-times with seconds); refuse a
    time-zone offset (times are the crossing's local time)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"cannot read {value!r}: expected a date or date-time such as 2022-02-07 06:00"
            ) from None
    if isinstance(value, datetime) and value.tzinfo is not None:
        raise ValueError(f"'{value}': {NO_ZONES}")
    return value


def _currency(value: Any) -> Any:
    """Three capital letters (ISO 4217), with the likely one suggested."""
    if isinstance(value, str) and re.fullmatch(r"[A-Z]{3}", value):
        return value
    hint = ""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        hint = f" (did you mean '{value.strip().upper()}'?)"
    raise ValueError(
        f"a currency is the three capital letters of its ISO 4217 code, e.g. CAD or USD; "
        f"got {value!r}{hint}"
    )


class Scenario(StrictModel):
    """A whole scenario file."""

    # The name becomes a folder name: short enough for every file system.
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=100)]
    """Names the results folders (results/NAME/...); at most 100 characters."""
    description: str = ""
    """One or two sentences for the report."""
    start: Annotated[datetime | date | None, BeforeValidator(_calendar)] = None  # 1900-2200
    """Calendar time of the start, e.g. 2025-06-10 00:00; dates in reports, and calendar or weekday
    times for events and actions. Without it the run starts on a Monday 00:00.
    """
    horizon: Annotated[PositiveDuration, Field(le=400 * 86400.0)]  # up to 400 days
    """How long to simulate (up to 400 days)."""
    warmup: Duration = 0.0
    """Vehicles arriving before it are left out of transit statistics (still counted in the
    accounting).
    """
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    """Random seed; --seed overrides it."""
    replications: Annotated[int, Field(ge=1, le=100_000)] = 1
    """Replications of run and compare when --reps is not given."""
    currency: Annotated[str, BeforeValidator(_currency), Field(pattern=r"^[A-Z]{3}$")] | None = None
    """Currency of the classes' value_of_time and the cost of delay (ISO 4217, e.g. CAD or USD);
    needed when a class sets a value of time.
    """
    classes: dict[Name, ClassSpec] = {}
    """Overrides of the default vehicle classes, and new classes."""
    crossings: Annotated[dict[Name, Crossing], Field(min_length=1)]
    """The crossings, by a name you choose (used in demand, events and plans)."""
    demand: dict[str, Demand] = {}
    """Traffic arriving at each plaza, by crossing.direction (e.g. ambassador.into_us)."""
    events: list[Event] = []
    """The disruption: closures, surges, staffing, alerts, outages."""
    plans: dict[Name, list[Action]] = {}
    """Response plans to compare, by name; the first is the reference."""
    network: Network = Network()
    """How the crossings of a region connect: detours and posted waits."""
    exercise: Exercise | None = None
    """A tabletop exercise on this scenario: decision points, injects, roles and the plans on
    paper (see docs/exercises.md); run it with bordersim exercise.
    """

    # -- resolved views used by the model
    def vehicle_classes(self) -> dict[str, VehicleClass]:
        """Default classes with the file's overrides, and the file's new classes."""
        out = dict(DEFAULT_CLASSES)
        for name, spec in self.classes.items():
            given = {k: v for k, v in spec if v is not None}
            base = out.get(name)
            merged = {**dict(base), **given} if base else given
            if set(REQUIRED_FOR_NEW) <= set(merged):  # incomplete: check_references says so
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

    def clock(self, seconds: float) -> str:
        """A time of the run in words: a calendar time if the scenario has a start."""
        return clock(self, seconds)

    def without_events(self) -> Scenario:
        """The baseline: the same scenario with no disruption."""
        return self.model_copy(update={"events": []})


def schema_models() -> dict[str, type[BaseModel]]:
    """Every model a scenario file may hold, by class name: the schema's, the field
    types', and those of every event and action type (such as a phased reopening's step)."""
    modules = [sys.modules[m] for m in (__name__, ServiceTime.__module__, Exercise.__module__)]
    modules += [sys.modules[c.__module__] for c in (*EVENTS.values(), *ACTIONS.values())]
    return {
        m.__name__: m
        for mod in modules
        for m in vars(mod).values()
        if isinstance(m, type) and issubclass(m, BaseModel) and m.__module__ == mod.__name__
    }


def field_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """The docstring under each field of ``model``, its own or a base class's."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if issubclass(cls, BaseModel) and cls.__module__.startswith("bordersim."):
            docs.update(_docstrings_in(cls))
    return docs


@functools.cache
def _docstrings_in(cls: type) -> dict[str, str]:
    """The string right under each annotated field in the class's own source."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    return {
        field.target.id: inspect.cleandoc(doc.value.value)
        for field, doc in zip(body, body[1:], strict=False)
        if isinstance(field, ast.AnnAssign)
        and isinstance(field.target, ast.Name)
        and isinstance(doc, ast.Expr)
        and isinstance(doc.value, ast.Constant)
        and isinstance(doc.value.value, str)
    }


SCHEMA_ID = "urn:bordersim:scenario"  # no web address is promised; editors match by file


def json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, for editors (``bordersim schema``) and the
    reference: every key with its description, from the docstring under its field."""
    schema = Scenario.model_json_schema(by_alias=True)
    defs = schema.get("$defs", {})
    for name, model in schema_models().items():
        node = schema if model is Scenario else defs.get(name)
        if node is None:  # not in a scenario file's schema
            continue
        docs = field_docstrings(model)
        properties = node.get("properties", {})
        for field, info in model.model_fields.items():
            key = info.alias or field
            if key in properties and field in docs:  # in pydantic's order: by key
                described = {**properties[key], "description": docs[field]}
                properties[key] = dict(sorted(described.items()))

    def unwrap(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    node[key] = " ".join(value.split())
                else:
                    unwrap(value)
        elif isinstance(node, list):
            for item in node:
                unwrap(item)

    unwrap(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }
