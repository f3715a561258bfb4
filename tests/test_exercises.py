"""The teaching material says what the bundled exercise and the starter show: these tests
hold it to that (the exercise file's header, the README and the tutorial)."""

from __future__ import annotations

from importlib.resources import files

import pytest

from bordersim.compare import compare
from bordersim.results import (
    BETTER,
    EXCESS_DELAY,
    NO_PRACTICAL,
    NOT_CLEAR,
    REGION,
    TIME_TO_RECOVER,
    WORSE,
    FigureKey,
    Place,
)
from bordersim.runner import run_study
from bordersim.scenario import ScenarioError, parse_scenario
from tests.helpers import SCENARIOS

DELAY = FigureKey(EXCESS_DELAY, REGION)


@pytest.fixture(scope="module")
def exercise():
    s = parse_scenario((SCENARIOS / "ambassador-exercise.yaml").read_text(), "exercise")
    return compare(run_study(s, list(s.plans), 5, jobs=2))


def _verdict(c, plan):
    return c.row(DELAY).differences[plan]


def test_the_exercise_shows_what_its_header_says(exercise):
    c = exercise
    header = (SCENARIOS / "ambassador-exercise.yaml").read_text().split("\nname:")[0]
    header = " ".join(header.replace("#", " ").split())
    assert "four response plans for the reopening against doing nothing" in header
    assert c.plans == [
        "do_nothing",
        "surge_staffing",
        "share_car_booths",
        "triage_by_tier",
        "phased_by_tier",
    ]
    # surge_staffing: clearly better, about 30% less excess delay, ~7 h sooner at the US plaza
    surge = _verdict(c, "surge_staffing")
    assert c.ranking[0] == "surge_staffing" and surge.verdict == BETTER
    assert -0.36 < surge.relative < -0.24
    us = Place("ambassador", "into_us")
    recover = c.row(FigureKey(TIME_TO_RECOVER, us))
    sooner = recover.by_plan["do_nothing"].value - recover.by_plan["surge_staffing"].value
    assert 5.5 < sooner < 8.5
    # share_car_booths and triage_by_tier: no practical difference in total delay
    assert _verdict(c, "share_car_booths").verdict == NO_PRACTICAL
    assert _verdict(c, "triage_by_tier").verdict == NO_PRACTICAL
    # phased_by_tier: clearly worse, about 65% more, the US plaza not back by the end
    phased = _verdict(c, "phased_by_tier")
    assert phased.verdict == WORSE and 0.5 < phased.relative < 0.8
    stuck = recover.by_plan["phased_by_tier"]
    assert stuck.value is None and stuck.estimate.missing == 5
    assert recover.differences["phased_by_tier"].verdict == WORSE  # at least ... worse
    # every other plan recovers within the horizon, as the horizon's comment says
    for plan in ("do_nothing", "surge_staffing", "share_car_booths", "triage_by_tier"):
        assert recover.by_plan[plan].estimate.missing == 0, plan


def test_the_starter_shows_what_the_tutorial_says():
    text = files("bordersim").joinpath("data/starter.yaml").read_text().replace("NAME", "starter")
    s = parse_scenario(text, "starter.yaml")
    c = compare(run_study(s, list(s.plans), 10, jobs=2))  # the tutorial's --reps 10
    surge = _verdict(c, "surge_staffing")
    assert c.ranking[0] == "surge_staffing" and surge.verdict == BETTER  # "Brief surge_staffing"
    assert -0.18 < surge.relative < -0.10  # "about 14%"
    assert _verdict(c, "triage").verdict == NOT_CLEAR  # "not clear yet"
    for direction, hours in (("into_us", 6), ("into_canada", 4.5)):  # "sooner" by about
        recover = c.row(FigureKey(TIME_TO_RECOVER, Place("my_bridge", direction)))
        for plan in c.plans:  # every plan recovers within the starter's horizon
            assert recover.by_plan[plan].estimate.missing == 0, (plan, direction)
        sooner = recover.by_plan["do_nothing"].value - recover.by_plan["surge_staffing"].value
        assert abs(sooner - hours) < 1.0, direction
    assert not c.unchanged and not c.same_as  # every plan acts where it says


def test_the_tutorials_example_of_a_mistake_is_what_bordersim_says():
    tutorial = (SCENARIOS.parent / "docs" / "tutorial.md").read_text()
    shown = next(line for line in tutorial.splitlines() if line.startswith("error: my-port.yaml"))
    text = files("bordersim").joinpath("data/starter.yaml").read_text().replace("NAME", "my-port")
    typo = text.replace("cars:   {booths: 8", "cars:   {boths: 8", 1)
    with pytest.raises(ScenarioError) as e:
        parse_scenario(typo, "my-port.yaml")
    assert shown == f"error: {e.value}"
