"""The registry of event and action types: every type has every part, a type that lacks
one is refused on import, and every type runs end to end, through every rendering."""

from __future__ import annotations

import html
import json
from typing import ClassVar, Literal

import pytest
from click.testing import CliRunner

from bordersim.cli import main
from bordersim.explain import in_words
from bordersim.scenario import ACTION_TYPES, ACTIONS, EVENT_TYPES, EVENTS, parse_scenario
from bordersim.scenario.items import EFFECTS, Event, GroupControls, TimedAction, _parts
from tests.helpers import ROOT

# Two crossings, both directions, lane groups cars and trucks, a detour between them:
# the place every type's example is written for (see scenario/items.py).
TWO_CROSSINGS = """
name: every-type
start: 2025-03-04 06:00
horizon: 10h
warmup: 30min
crossings:
  a: &crossing
    into_us: &plaza
      lane_groups:
        cars: {booths: 3, open: 2, serves: [car, car_nexus]}
        trucks: {booths: 2, serves: [truck, truck_fast, priority]}
      secondary: {officers: 2, bays: 4}
    into_canada: *plaza
  b: *crossing
network:
  detours: [{between: [a, b], time: 30min}]
demand:
  a.into_us: {daily: {car: 2400, car_nexus: 600, truck: 900, truck_fast: 300, priority: 50}}
  a.into_canada: {daily: {car: 2000, truck: 800}}
  b.into_us: {daily: {car: 1200, truck: 400}}
  b.into_canada: {daily: {car: 1000, truck: 300}}
"""


def every_type() -> str:
    events = "\n".join(f"  - {cls.example}" for cls in EVENTS.values())
    plans = "\n".join(f"  {name}: [{cls.example}]" for name, cls in ACTIONS.items())
    return f"{TWO_CROSSINGS}events:\n{events}\nplans:\n  nothing: []\n{plans}\n"


@pytest.mark.parametrize("cls", [*EVENTS.values(), *ACTIONS.values()], ids=lambda c: c.__name__)
def test_every_registered_type_has_every_part(cls):
    assert all(ok for _, ok in _parts(cls)), [part for part, ok in _parts(cls) if not ok]
    name = cls.model_fields["type"].annotation.__args__[0]
    assert name in (EVENT_TYPES if cls.kind == "event" else ACTION_TYPES)  # in the schema
    reference = (ROOT / "docs" / "reference.md").read_text()
    assert f"## {cls.__name__}\n" in reference  # in the generated reference
    assert f"`{name}`" in (ROOT / "docs" / "scenario.md").read_text()  # explained for planners


def test_the_unions_hold_every_registered_type_and_nothing_else():
    assert set(EVENT_TYPES) == set(EVENTS) and set(ACTION_TYPES) == set(ACTIONS)
    assert not set(EVENTS) & set(ACTIONS)


def test_a_type_that_lacks_a_part_is_refused_when_defined():
    with pytest.raises(TypeError, match="lacks: plain words"):

        class Fog(Event):
            """Fog: inspection slower."""

            type: Literal["fog"]
            colour: ClassVar[str] = "#999999"
            example: ClassVar[str] = "{type: fog, where: a, start: 1h, end: 2h}"

            def on_lane_group(self, state: GroupControls) -> None:
                state.service = [2.0 * f for f in state.service]

    with pytest.raises(TypeError, match="an effect on the model"):

        class Pamphlets(TimedAction):
            """Leaflets handed out at the booths."""

            type: Literal["pamphlets"]
            example: ClassVar[str] = "{type: pamphlets, where: a}"

            def describe(self, s) -> str:
                return "leaflets"

    with pytest.raises(TypeError, match=r"colour.*example|example.*colour"):

        class Hail(Event):
            """Hail."""

            type: Literal["hail"]

            def on_lane_group(self, state: GroupControls) -> None:
                pass

            def describe(self, s) -> str:
                return "hail"

    assert not {"fog", "hail"} & set(EVENTS) and "pamphlets" not in ACTIONS
    assert len(EFFECTS) == 5


def test_every_example_reads_and_says_what_it_does():
    s = parse_scenario(every_type(), "every-type.yaml")
    assert [e.type for e in s.events] == list(EVENTS)
    for item in [*s.events, *(a for actions in s.plans.values() for a in actions)]:
        text = item.text(s)
        assert text and "\n" not in text, item.type


def test_every_type_runs_and_is_rendered_end_to_end(tmp_path):
    """Each event and each action through the model, the figures and every file: a new
    type that the model or a rendering does not know fails here, not after a study."""
    f = tmp_path / "every-type.yaml"
    f.write_text(every_type())
    r = CliRunner().invoke(
        main, ["compare", str(f), "--reps", "2", "--jobs", "1", "--out", str(tmp_path / "c"), "-q"]
    )
    assert r.exit_code == 0, r.output
    table = json.loads((tmp_path / "c" / "table.json").read_text())
    assert table["plans"] == ["nothing", *ACTIONS]
    r = CliRunner().invoke(main, ["run", str(f), "--out", str(tmp_path / "r"), "-q"])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "r" / "report.html").read_text()
    s = parse_scenario(every_type())
    for e in s.events:  # each event said in plain words in the briefing, places by name
        assert html.escape(in_words(s, e.describe(s)), quote=False) in page, e.type


def test_event_colours_tell_events_apart_and_from_plans():
    from bordersim.report.style import PLAN_COLOURS

    colours = [cls.colour.lower() for cls in EVENTS.values()]
    assert len(set(colours)) == len(colours)
    assert not set(colours) & {c.lower() for c in PLAN_COLOURS}


@pytest.mark.filterwarnings("ignore:Field name .* shadows an attribute")  # pydantic's own
def test_a_field_named_like_a_method_is_refused_with_the_way_out():
    with pytest.raises(TypeError, match=r"field 'demand_multiplier'.*Field\(alias="):

        class Rain(Event):
            """Rain."""

            type: Literal["rain"]
            demand_multiplier: float = 0.8
            colour: ClassVar[str] = "#123456"
            example: ClassVar[str] = "{type: rain, where: a, start: 1h, end: 2h}"

            def on_lane_group(self, state: GroupControls) -> None:
                pass

            def describe(self, s) -> str:
                return "rain"


def test_an_event_that_changes_demand_is_refused_on_a_lane_group():
    from bordersim.scenario import ScenarioError

    text = every_type().replace(
        "{type: surge, where: a.into_us,", "{type: surge, where: a.into_us.cars,"
    )
    with pytest.raises(ScenarioError, match="changes the demand of a crossing or a direction"):
        parse_scenario(text)
