"""The scenario file's schema: crossings, plazas, lane groups, demand, the network, and
the scenario itself. Events and actions are in ``events/`` and ``actions/``, one module
per type (see :mod:`bordersim.scenario.items`); their unions are built here from the
registry.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any, Union

from pydantic import BaseModel, BeforeValidator, Field, field_validator, model_validator

from . import actions as _actions  # noqa: F401 - registers every action type
from . import events as _events  # noqa: F401 - registers every event type
from .defaults import (
    DEFAULT_CLASSES,
    DEFAULT_SECONDARY_SERVICE,
    DEFAULT_UPDATE_EVERY,
    REQUIRED_FOR_NEW,
)
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

FIRST_START = datetime(1900, 1, 1)  # calendar starts bordersim can write as dates
LAST_YEAR = 2200


class LaneGroup(StrictModel):
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


class Secondary(StrictModel):
    """Secondary inspection: officers inspect, bays hold referred vehicles."""

    officers: Annotated[int, Field(ge=1, le=10_000)]
    bays: Annotated[int, Field(ge=1, le=10_000)]
    referral: dict[str, Share] = {}
    service: ServiceTime = DEFAULT_SECONDARY_SERVICE


class Approach(StrictModel):
    """The road before the plaza: how many lanes a queue fills and how far it may grow."""

    lanes: Annotated[int, Field(ge=1)] = 1
    storage: Length | None = None


class Plaza(StrictModel):
    """The inspection plaza of one direction: lane groups, service times, secondary."""

    lane_groups: Annotated[dict[Name, LaneGroup], Field(min_length=1, max_length=1000)]
    service: dict[str, ServiceTime] = {}
    secondary: Secondary | None = None
    approach: Approach = Approach()

    def service_for(self, name: str, vehicle_class: VehicleClass) -> ServiceTime:
        """Primary inspection time of a class here: the plaza's own, else the class's."""
        return self.service.get(name, vehicle_class.service)


class Crossing(StrictModel):
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


class Demand(StrictModel):
    """Daily volume per class, shaped by an hourly profile (name or 24/168 weights)."""

    # At most a million a day per class: 70 times the busiest crossing in calibration.md.
    daily: dict[str, Annotated[float, Field(ge=0, le=1_000_000)]]
    profile: Profile | dict[str, Profile] = "weekday"

    def profile_for(self, cls: str) -> Profile:
        if isinstance(self.profile, dict):
            return self.profile.get(cls, "weekday")
        return self.profile


# ---------------------------------------------------------------------------- events, actions
Event = Annotated[Union[tuple(EVENTS.values())], Field(discriminator="type")]  # noqa: UP007
Action = Annotated[Union[tuple(ACTIONS.values())], Field(discriminator="type")]  # noqa: UP007
EVENT_TYPES = tuple(EVENTS)
ACTION_TYPES = tuple(ACTIONS)


# ---------------------------------------------------------------------------- the network
class Detour(StrictModel):
    """Extra driving time between two crossings, one duration or one per class."""

    between: Annotated[list[Name], Field(min_length=2, max_length=2)]
    time: Duration | dict[str, Duration]

    def for_class(self, cls: str) -> float | None:
        if isinstance(self.time, dict):
            return self.time.get(cls)
        return self.time


class PostedWaits(StrictModel):
    """How often wait times are posted, when no plan says otherwise."""

    update_every: PositiveDuration


class Network(StrictModel):
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
        return self.information.update_every if self.information else DEFAULT_UPDATE_EVERY


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


class Scenario(StrictModel):
    """A whole scenario file."""

    # The name becomes a folder name: short enough for every file system.
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=100)]
    description: str = ""
    start: Annotated[datetime | date | None, BeforeValidator(_calendar)] = None  # 1900-2200
    horizon: Annotated[PositiveDuration, Field(le=400 * 86400.0)]  # up to 400 days
    warmup: Duration = 0.0
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    replications: Annotated[int, Field(ge=1, le=100_000)] = 1
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None  # ISO 4217, e.g. USD
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
    modules = [sys.modules[__name__], sys.modules[ServiceTime.__module__]]
    modules += [sys.modules[c.__module__] for c in (*EVENTS.values(), *ACTIONS.values())]
    return {
        m.__name__: m
        for mod in modules
        for m in vars(mod).values()
        if isinstance(m, type) and issubclass(m, BaseModel) and m.__module__ == mod.__name__
    }
