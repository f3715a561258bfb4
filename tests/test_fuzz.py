"""Fuzzing the scenario loader: any file gives a valid scenario or one clear line, exit 2.

Hypothesis mutates bundled scenarios (deletes keys, swaps types, inserts junk, extreme
values, deep nesting) and feeds them to `bordersim validate`. A file that still loads
must run (on a short stretch) with every vehicle accounted for. Never a traceback.
"""

from __future__ import annotations

import copy
import math
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bordersim.cli import main
from bordersim.model.simulation import simulate
from bordersim.scenario import ScenarioError, load_scenario, parse_scenario
from bordersim.scenario.loading import _Loader
from tests.helpers import SCENARIOS
from tests.test_cli import PLANS

BASES = {
    name: yaml.load((SCENARIOS / f"{name}.yaml").read_text(), Loader=_Loader)
    for name in ("ambassador-exercise", "maine-new-brunswick", "ambassador-alert")
}


SMALL = {"plans": yaml.load(PLANS, Loader=_Loader)}


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))


def _nested(depth: int):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "90s",
            "-5min",
            "0",
            "",
            "1e9d",
            "2d 25:00",
            "nan",
            "[]",
            "{}",
            "~",
            "car",
            "truck",
            "ambassador",
            "into_us",
            "1w",
            "400d",
            "1000000",
            "0001-01-01",
            "9999-12-31 23:00",
            "2025-06-11 10:00",
            "x" * 300,
        ]
    ),
    st.lists(st.integers(-5, 5), max_size=4),
    st.dictionaries(
        st.sampled_from(["type", "where", "start", "x", "booths"]), st.integers(-3, 3), max_size=3
    ),
    st.integers(1, 200).map(_nested),
)


@st.composite
def mutated(draw, bases=BASES):
    name = draw(st.sampled_from(sorted(bases)))
    data = copy.deepcopy(bases[name])
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        *parent_path, last = path
        parent = data
        for step in parent_path:
            parent = parent[step]
        action = draw(st.sampled_from(["delete", "replace", "insert", "stringify", "extreme"]))
        if action == "delete":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(JUNK)
        elif action == "insert" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = draw(JUNK)
        elif action == "stringify":
            parent[last] = str(parent[last])
        else:
            parent[last] = draw(st.sampled_from([0, -1, 10**9, 1e308, -1e-9, math.inf]))
    return data


def _check_one_line(result, path: Path) -> None:
    assert result.exit_code in (0, 2), (result.exit_code, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), result.stderr


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=mutated())
def test_mutated_scenarios_load_or_fail_in_one_line(data, tmp_path):
    path = tmp_path / "fuzz.yaml"
    try:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    except (yaml.YAMLError, RecursionError):
        return  # not writable as YAML: nothing to feed the loader
    result = CliRunner().invoke(main, ["validate", str(path)])
    _check_one_line(result, path)
    if result.exit_code == 0:
        s = load_scenario(path)
        short = s.model_copy(update={"horizon": min(s.horizon, 6 * 3600.0), "warmup": 0.0})
        for plan in [None, *list(short.plans)[:2]]:
            r = simulate(short, plan=plan)
            for p in r.plazas:
                for row in p.accounting.values():
                    assert row["arrived"] == sum(v for k, v in row.items() if k != "arrived")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
@given(
    data=mutated(SMALL),
    start=st.sampled_from(
        [None, "0001-01-01", "9999-12-31 23:00", "2199-12-31 00:00", "2025-06-11 10:00"]
    ),
    name=st.sampled_from([None, "n" * 100, "n" * 101, "a.b-c_d"]),
)
def test_what_validates_also_runs_and_writes_its_results(data, start, name, tmp_path):
    """`validate` refuses what `run` cannot finish writing: a (small, mutated) file that
    validates is run end to end and its results folder is written."""
    for key, value in (("start", start), ("name", name)):
        if value is not None:
            data[key] = value
    path = tmp_path / "fuzz.yaml"
    try:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    except (yaml.YAMLError, RecursionError):
        return
    assume(CliRunner().invoke(main, ["validate", str(path)]).exit_code == 0)
    out = Path(tempfile.mkdtemp(dir=tmp_path)) / "out"  # examples share tmp_path
    result = CliRunner().invoke(main, ["run", str(path), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").is_file() and (out / "summary.json").is_file()


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400))
def test_any_text_loads_or_raises_a_scenario_error(text):
    try:
        parse_scenario(text, file="t.yaml")
    except ScenarioError as e:
        assert "\n" not in str(e) and str(e).startswith("t.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 20_000 + "]" * 20_000,  # nested lists
        "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 3000)),  # nested mappings
        "!!python/object/apply:os.system ['touch /tmp/bordersim-pwned']\n",
        "a: &a [1,1,1,1,1,1,1,1,1,1]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
            for i in range(8)
        ),  # alias bomb: 10^9 values
    ],
)
def test_hostile_files_are_refused_quickly(text, tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    _check_one_line(result, path)
    assert not Path("/tmp/bordersim-pwned").exists()
