"""Scenario files: their schema, defaults, loading and checks, and the compiled view the
model runs.

:func:`load_scenario` returns a validated :class:`Scenario` or raises
:class:`ScenarioError`, whose message is one line naming the file, the line and the
field. The modules:

* ``fields``: field types (durations, lengths, shares), service times, vehicle classes;
* ``defaults``: calibrated defaults, each with its source;
* ``schema``: crossings, plazas, lane groups, demand, the network, the scenario;
* ``items`` and ``events/``, ``actions/``: one module per event and action type, each
  with its schema, checks, effect on the model, plain words and colour;
* ``places``: ``where`` (crossing, direction, lane group) and what it covers;
* ``loading``: YAML with lines, and one-line errors (the only module that reads YAML);
* ``checks``: problems that span fields;
* ``compiled``: one run's resolved view, what the model reads.
"""

from .compiled import PlazaView, ScenarioView, compile_scenario
from .errors import ScenarioError
from .fields import ServiceTime, VehicleClass
from .items import ACTIONS, EVENTS
from .loading import load_scenario, parse_scenario, read_scenario
from .schema import ACTION_TYPES, EVENT_TYPES, Action, Event, Plaza, Scenario

__all__ = [
    "ACTIONS",
    "ACTION_TYPES",
    "EVENTS",
    "EVENT_TYPES",
    "Action",
    "Event",
    "Plaza",
    "PlazaView",
    "Scenario",
    "ScenarioError",
    "ScenarioView",
    "ServiceTime",
    "VehicleClass",
    "compile_scenario",
    "load_scenario",
    "parse_scenario",
    "read_scenario",
]
