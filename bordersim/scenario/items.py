"""Events of a disruption and actions of a response plan: what every type provides, and
the registry of types.

Each type lives in one module of ``scenario/events/`` or ``scenario/actions/`` and holds
everything about it:

* its **schema**: the pydantic fields, and a docstring that becomes its entry in the
  generated reference (docs/reference.md) and the JSON Schema;
* its **reference checks** beyond the common ones (:meth:`Item.check`);
* its **effect on the model**, through one or more of the hooks below;
* its **plain words** (:meth:`Item.describe`), used by ``explain``, the report and the
  timeline;
* for an event, its **colour** in figures (actions are drawn in their plan's colour);
* an **example**: one line of YAML, as written in a scenario with crossings ``a`` and
  ``b`` (lane groups ``cars`` and ``trucks`` in each direction, a detour between them).
  The tests run a scenario with every type's example, end to end, so a new type is
  checked in the model and in every rendering as soon as it exists.

Effects are said in the scenario's terms, and the model reads them through the compiled
view (:mod:`bordersim.scenario.compiled`); no module outside the type's own knows what
a type does:

* :meth:`Item.on_lane_group` changes what is in force at a lane group it covers, while
  it is in force (booths open, classes closed, service and referral factors, triage,
  classes served);
* :meth:`Item.demand_multiplier` multiplies the arrivals of a class while in force (events
  only: the baseline draws the same candidates, see model/arrivals.py), at the crossing or
  direction it names (never a lane group: the common checks refuse one);
* :meth:`Item.at_plaza` sets something up at each plaza it covers (staging, patience);
* :meth:`Item.in_region` sets something up for the region (diversion, posted waits);
* :meth:`Item.expand` turns the item into simpler ones (a phased reopening into
  staffing steps and closures).

A type is registered when its class is defined; one that lacks a part (docstring,
``type``, plain words, an effect, an example, an event's colour), or has a field named
like one of these methods, is refused there and then, with a ``TypeError`` saying what
is wrong, so it fails on import, not after a simulation.
To add a type, see docs/architecture.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ..units import format_duration
from . import places
from .errors import Path_, Problem
from .fields import ServiceTime, StrictModel, When

if TYPE_CHECKING:
    from .schema import Scenario

EVENTS: dict[str, type[Event]] = {}  # type name -> class, in the order defined
ACTIONS: dict[str, type[Action]] = {}
EFFECTS = ("on_lane_group", "demand_multiplier", "at_plaza", "in_region", "expand")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class GroupControls:
    """What is in force at one lane group at one moment, changed by each item in turn.

    Classes are indices into the scenario's classes; :meth:`classes` turns names (or
    None, for all traffic) into them.
    """

    __slots__ = ("booths", "open", "serves", "closed", "service", "referral", "triage", "_index")

    def __init__(self, booths: int, open: int, serves: frozenset[int], index: dict[str, int]):
        self.booths = booths  # booths the lane group has
        self.open = open  # booths staffed (from the schedule, then items)
        self.serves = serves  # classes it serves now
        self.closed: set[int] = set()  # classes it may not take now
        self.service = [1.0] * len(index)  # primary inspection time factor, by class
        self.referral = [1.0] * len(index)  # referral rate factor, by class
        self.triage = False  # lowest tier first
        self._index = index

    def classes(self, names: Iterable[str] | None) -> set[int]:
        """Class indices of ``names``; every class when ``names`` is None."""
        if names is None:
            return set(self._index.values())
        return {self._index[c] for c in names}


class PlazaSetup(Protocol):
    """What an item may set up at a plaza (see :meth:`Item.at_plaza`)."""

    def add_staging(
        self, classes: list[str], start: float, end: float, interval: float, batch: int
    ) -> None: ...

    def set_patience(self, classes: list[str], time: ServiceTime) -> None: ...


class RegionSetup(Protocol):
    """What an item may set up for the region (see :meth:`Item.in_region`)."""

    def add_diversion(self, divert: Any) -> None: ...

    def post_waits_every(self, seconds: float) -> None: ...


def clock(s: Scenario, seconds: float) -> str:
    """A time of the run in words: a calendar time if the scenario has a start."""
    start = s.start_datetime
    if start is None:
        return f"{format_duration(seconds)} from the start"
    when = start + timedelta(seconds=seconds)
    return when.strftime("%a %d %b %H:%M" if when.year == start.year else "%a %d %b %Y %H:%M")


def span(s: Scenario, start: float, end: float | None) -> str:
    end = s.horizon if end is None else end
    return f"{clock(s, start)} to {clock(s, end)} ({format_duration(end - start)})"


def _check_times(
    s: Scenario, path: Path_, start: float, end: float | None, what: str
) -> Iterator[Problem]:
    """End after start, start within the run; each time said as it was understood."""
    if end is not None and end <= start:
        yield (
            (*path, "end"),
            f"end ({clock(s, end)}) must be after start ({clock(s, start)})",
        )
    if start >= s.horizon:
        yield (
            (*path, "start"),
            f"the {what} starts {clock(s, start)}, after the run ends ({clock(s, s.horizon)})",
        )


def traffic(classes: list[str] | None) -> str:
    return "all traffic" if not classes else ", ".join(classes)


class Item(StrictModel):
    """Common ground of events and actions (not a type itself)."""

    kind: ClassVar[str] = ""  # "event" or "action"
    example: ClassVar[str] = ""  # one line of YAML (see the module doc)
    timed: ClassVar[bool] = True  # in force from start to end (else for the whole run)

    # -- where and when
    @property
    def place(self) -> str | None:
        """The crossing, direction or lane group it applies to (None: everywhere)."""
        return getattr(self, "where", None)

    def covers(self, crossing: str, direction: str, lane_group: str | None = None) -> bool:
        place = self.place
        return place is None or places.covers(place, crossing, direction, lane_group)

    # -- effects on the model: a type overrides those that apply (see the module doc)
    def on_lane_group(self, state: GroupControls) -> None:
        raise NotImplementedError

    def demand_multiplier(self, cls: str) -> float:
        raise NotImplementedError

    def at_plaza(self, setup: PlazaSetup) -> None:
        raise NotImplementedError

    def in_region(self, region: RegionSetup) -> None:
        raise NotImplementedError

    def expand(self, s: Scenario) -> list[Item]:
        raise NotImplementedError

    def may_serve(self) -> list[str]:
        """Classes a lane group it covers may be given to serve (a reallocation)."""
        return []

    @classmethod
    def has_effect(cls, hook: str) -> bool:
        return getattr(cls, hook) is not getattr(Item, hook)

    # -- checks and words
    def check(self, s: Scenario, path: Path_, classes: Any) -> Iterator[Problem]:
        """Problems that span fields (names that must exist, times in order)."""
        yield from ()

    def describe(self, s: Scenario) -> str:
        """What it does, in plain words (without when)."""
        raise NotImplementedError

    def text(self, s: Scenario) -> str:
        """When and what, in plain words."""
        if not self.timed:
            return self.describe(s)
        return f"{span(s, getattr(self, 'start', 0.0), getattr(self, 'end', None))}: " + (
            self.describe(s)
        )

    # -- the registry
    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "type" not in cls.model_fields:
            return  # a base class, such as Event or TimedAction
        registry = EVENTS if cls.kind == "event" else ACTIONS
        name = _type_name(cls)
        shadowed = [f for f in cls.model_fields if hasattr(Item, f) and f != "type"]
        if shadowed:  # pydantic would only warn, and the field would replace the method
            raise TypeError(
                f"{cls.kind} type '{name}' ({cls.__name__}): field '{shadowed[0]}' has the name "
                f"of a method of every item; name it '{shadowed[0]}_' with "
                f"Field(alias='{shadowed[0]}') (the key in the file stays '{shadowed[0]}')"
            )
        missing = [part for part, ok in _parts(cls) if not ok]
        if missing:
            lacks = ", ".join(missing)
            raise TypeError(f"{cls.kind} type '{name}' ({cls.__name__}) lacks: {lacks}")
        if name in EVENTS or name in ACTIONS:
            raise TypeError(f"type '{name}' is defined twice")
        registry[name] = cls


def _type_name(cls: type[Item]) -> str:
    annotation = cls.model_fields["type"].annotation
    values = getattr(annotation, "__args__", ())
    return str(values[0]) if len(values) == 1 else cls.__name__


def _parts(cls: type[Item]) -> list[tuple[str, bool]]:
    """Each part a type must have, and whether it has it."""
    values = getattr(cls.model_fields["type"].annotation, "__args__", ())
    parts = [
        ("a 'type' of one literal name", len(values) == 1 and isinstance(values[0], str)),
        ("a docstring (its entry in the reference)", bool(cls.__dict__.get("__doc__"))),
        ("plain words (describe)", cls.describe is not Item.describe),
        ("an example (one line of YAML)", bool(cls.__dict__.get("example"))),
        (f"an effect on the model ({' or '.join(EFFECTS)})", any(map(cls.has_effect, EFFECTS))),
    ]
    if cls.kind == "event":
        colour = cls.__dict__.get("colour")
        ok = isinstance(colour, str) and bool(_COLOUR.match(colour))
        parts.append(("a colour ('#rrggbb')", ok))
    return parts


class Event(Item):
    """An event of the disruption, in force from ``start`` to ``end``."""

    kind: ClassVar[str] = "event"
    colour: ClassVar[str] = ""

    where: str
    """Where it happens: a crossing, crossing.direction or crossing.direction.lane_group."""
    start: When
    """When it starts: from the start (10h, 1d 10:00), a calendar time (2025-06-11 10:00) or a
    weekday and time (Wed 10:00).
    """
    end: When
    """When it ends, written as start."""
    classes: list[str] | None = None
    """The classes it touches; all traffic if unset."""
    note: str = ""
    """Words of yours shown with it in the report."""

    def check(self, s: Scenario, path: Path_, classes: Any) -> Iterator[Problem]:
        yield from places.check_where(s, self.where, (*path, "where"))
        if self.classes is not None and not self.classes:
            yield (
                (*path, "classes"),
                (
                    "an empty list touches no traffic: leave 'classes' out for all traffic, or "
                    "name the classes"
                ),
            )
        for j, cls in enumerate(self.classes or []):
            yield from places.unknown_class(cls, classes, (*path, "classes", j))
        group = places.lane_group(s, self.where)
        if group is not None and self.classes:
            unserved = [c for c in self.classes if c in classes and c not in group.serves]
            if unserved:
                yield (
                    (*path, "classes"),
                    (
                        f"lane group {self.where} does not serve {', '.join(unserved)}: the event "
                        "would do nothing to them"
                    ),
                )
        yield from _check_times(s, path, self.start, self.end, "event")
        if self.has_effect("demand_multiplier") and places.depth(self.where) > 2:
            # Demand arrives at a plaza, not at a lane group.
            yield (*path, "where"), f"a {self.type} changes the demand of a crossing or a direction"

    def text(self, s: Scenario) -> str:
        note = f" - {self.note}" if self.note else ""
        return f"{span(s, self.start, self.end)}: {self.describe(s)}{note}"


class Action(Item):
    """A response action (not a type itself)."""

    kind: ClassVar[str] = "action"


class TimedAction(Action):
    """A response action at ``where``, in force from ``start`` to ``end`` (default: the
    whole run)."""

    where: str
    """Where it acts: a crossing, crossing.direction or crossing.direction.lane_group."""
    start: When = 0.0
    """When it starts (default: the start of the run): from the start (16h), a calendar time
    (2025-06-10 16:00) or a weekday and time (Tue 16:00).
    """
    end: When | None = None
    """When it stops, written as start (default: the end of the run)."""
    note: str = ""
    """Words of yours shown with it in the report."""

    # Which field names classes, and how deep ``where`` must be (None: any).
    classes_field: ClassVar[str | None] = None
    depths: ClassVar[tuple[int, ...] | None] = None
    depth_message: ClassVar[str] = ""

    def check(self, s: Scenario, path: Path_, classes: Any) -> Iterator[Problem]:
        names = getattr(self, self.classes_field) if self.classes_field else []
        for j, cls in enumerate(names or []):
            yield from places.unknown_class(cls, classes, (*path, self.classes_field, j))
        yield from places.check_where(s, self.where, (*path, "where"))
        if self.depths is not None and places.depth(self.where) not in self.depths:
            yield (*path, "where"), self.depth_message
        yield from _check_times(s, path, self.start, self.end, "action")
