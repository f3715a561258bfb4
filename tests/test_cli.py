"""The command line as a planner uses it: files in, results out, clear errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bordersim.cli import main
from tests.helpers import PLANS, ROOT, SCENARIOS, VALID, json_figure


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def valid_file(tmp_path: Path) -> Path:
    f = tmp_path / "small.yaml"
    f.write_text(VALID)
    return f


def test_run_writes_every_result_file(valid_file: Path, tmp_results: Path):
    out = tmp_results / "small"
    r = invoke("run", str(valid_file), "--out", str(out), "--vehicles")
    assert r.exit_code == 0, r.output
    for name in ("summary.json", "timeseries.csv", "recovery.png", "transit.png", "vehicles.csv"):
        assert (out / name).stat().st_size > 0, name
    summary = json.loads((out / "summary.json").read_text())
    arrived = json_figure(summary, "arrived")["value"]
    with (out / "vehicles.csv").open() as f:
        assert sum(1 for _ in csv.DictReader(f)) == arrived
    assert "The queue peaked" in r.output and "By plaza" in r.output
    with (out / "timeseries.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 288 and float(rows[0]["booths_open"]) == 7
    assert (out / "recovery.png").read_bytes()[:4] == b"\x89PNG"


def test_default_results_folder_is_new_dated_and_named_after_the_scenario(
    valid_file, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert invoke("run", str(valid_file), "-q").exit_code == 0
    assert invoke("run", str(valid_file), "-q", "--seed", "3").exit_code == 0
    runs = sorted((tmp_path / "results" / "small").glob("run-*"))
    assert len(runs) == 2  # the second run did not replace the first
    assert all((r / "summary.json").exists() and (r / "bordersim.json").exists() for r in runs)
    latest = tmp_path / "results" / "small" / "latest-run"
    assert json.loads((latest / "summary.json").read_text())["seed"] == 3
    assert not (tmp_path / "results" / "small" / ".bordersim").exists()  # nothing left over


def test_same_seed_gives_identical_summary(valid_file: Path, tmp_results: Path):
    for name in ("a", "b"):
        assert (
            invoke(
                "run", str(valid_file), "--seed", "7", "--out", str(tmp_results / name), "-q"
            ).exit_code
            == 0
        )
    assert (
        invoke(
            "run", str(valid_file), "--seed", "8", "--out", str(tmp_results / "c"), "-q"
        ).exit_code
        == 0
    )
    a, b, c = ((tmp_results / n / "summary.json").read_bytes() for n in "abc")
    assert a == b and a != c
    ta, tb = ((tmp_results / n / "timeseries.csv").read_bytes() for n in "ab")
    assert ta == tb


BAD = [
    ("syntax error", "serves: [truck]}", "serves: [truck}", 9),
    ("unknown key", "booths: 4,", "boths: 4,", 8),
    ("typo in a class", "serves: [truck]", "serves: [trukc]", 9),
    ("wrong type", "booths: 4,", "booths: [4],", 8),
    ("negative rate", "truck: 1500}", "truck: -1500}", 12),
    ("zero service time", "secondary:", "service: {car: {mean: 0s}}\n      secondary:", 10),
    ("unreadable duration", "horizon: 1d", "horizon: one day", 2),
    ("unknown crossing", "where: amb.into_us,", "where: ambassador.into_us,", 14),
    ("unknown direction", "where: amb.into_us,", "where: amb.into_mexico,", 14),
    ("unknown lane group", "where: amb.into_us,", "where: amb.into_us.buses,", 14),
    ("unknown event class", "start: 10:00,", "classes: [lorry], start: 10:00,", 14),
    ("end before start", "end: 12:00", "end: 09:00", 14),
    ("start too late to write", "horizon: 1d", "start: 9999-12-31 23:00\nhorizon: 1d", 2),
    ("start too early to write", "horizon: 1d", "start: 0001-01-01\nhorizon: 1d", 2),
    ("name too long for a folder", "name: small", "name: " + "a" * 250, 1),
    ("empty list of classes", "start: 10:00,", "classes: [], start: 10:00,", 14),
    (
        "lane group that does not serve the class",
        "where: amb.into_us,",
        "where: amb.into_us.trucks, classes: [car],",
        14,
    ),
    (
        "overflowing profile weights",
        "truck: 1500}}",
        "truck: 1500}, profile: [" + ", ".join(["1e308"] * 24) + "]}",
        12,
    ),
]


@pytest.mark.parametrize(("case", "old", "new", "line"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_one_line_exit_2_nothing_written(case, old, new, line, tmp_path, monkeypatch):
    f = tmp_path / "bad.yaml"
    f.write_text(VALID.replace(old, new, 1))
    monkeypatch.chdir(tmp_path)
    for command in ("run", "validate"):
        r = invoke(command, str(f))
        assert r.exit_code == 2, (case, r.output)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1, r.stderr
        assert lines[0].startswith(f"error: {f}:{line}: "), lines[0]
        assert "Traceback" not in r.output
    assert not (tmp_path / "results").exists()


def test_missing_file(tmp_path: Path):
    r = invoke("run", str(tmp_path / "nope.yaml"))
    assert r.exit_code == 2 and "file not found" in r.stderr


def test_real_entry_point_prints_no_traceback(tmp_path: Path):
    f = tmp_path / "bad.yaml"
    f.write_text(VALID.replace("booths: 4,", "boths: 4,"))
    p = subprocess.run(
        [sys.executable, "-m", "bordersim", "run", str(f)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2
    assert "did you mean 'booths'" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "results").exists()


def test_interrupted_write_leaves_no_results_folder(valid_file, tmp_results, monkeypatch):
    from bordersim.report import files

    def interrupted(*_args, **_kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "write_workbook", interrupted)  # midway through writing
    out = tmp_results / "small"
    r = invoke("run", str(valid_file), "--out", str(out), "-q")
    assert r.exit_code == 130 and "interrupted" in r.stderr
    assert "1 of 1 replications are saved" in r.stderr and "--resume" in r.stderr
    assert not out.exists()
    # No folder being written is left: only the finished replication saved for --resume.
    assert [p.name for p in tmp_results.iterdir()] == [".bordersim"]
    left = sorted(
        p.relative_to(tmp_results / ".bordersim").as_posix()
        for p in (tmp_results / ".bordersim").rglob("*")
    )
    assert len(left) == 4 and left[0] == "made-by-bordersim" and left[2].endswith(".lock")
    assert left[3].endswith("/rep-00000.npz")
    monkeypatch.undo()
    r = invoke("run", str(valid_file), "--out", str(out), "-q", "--resume")
    assert r.exit_code == 0 and (out / "summary.json").exists()
    assert [p.name for p in tmp_results.iterdir()] == ["small"]


def test_never_replaces_a_folder_bordersim_did_not_write(valid_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "thesis.txt").write_text("a year of work")
    for out in ("docs", ".", "..", "", str(tmp_path), "results"):
        (tmp_path / "results").mkdir(exist_ok=True)
        (tmp_path / "results" / "other.txt").write_text("another scenario's results")
        r = invoke("run", str(valid_file), "--out", out, "-q")
        assert r.exit_code == 2, (out, r.output)
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.output
    assert (docs / "thesis.txt").read_text() == "a year of work"
    assert (tmp_path / "results" / "other.txt").exists() and valid_file.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "results", "small.yaml"]


def test_earlier_results_are_replaced_only_when_asked_and_only_if_all_ours(valid_file, tmp_results):
    out = tmp_results / "small"
    assert invoke("run", str(valid_file), "--out", str(out), "-q").exit_code == 0
    first = (out / "summary.json").read_text()
    r = invoke("run", str(valid_file), "--out", str(out), "-q", "--seed", "5")
    assert r.exit_code == 2 and "--overwrite" in r.stderr
    assert (out / "summary.json").read_text() == first
    (out / "notes.txt").write_text("my notes on this run")
    r = invoke("run", str(valid_file), "--out", str(out), "-q", "--seed", "5", "--overwrite")
    assert r.exit_code == 2 and "notes.txt" in r.stderr
    assert (out / "notes.txt").exists() and (out / "summary.json").read_text() == first
    (out / "notes.txt").unlink()
    r = invoke("run", str(valid_file), "--out", str(out), "-q", "--seed", "5", "--overwrite")
    assert r.exit_code == 0
    assert json.loads((out / "summary.json").read_text())["seed"] == 5
    assert sorted(p.name for p in tmp_results.iterdir()) == ["small"]


def test_an_empty_folder_may_be_used(valid_file, tmp_results):
    out = tmp_results / "empty"
    out.mkdir(parents=True)
    assert invoke("run", str(valid_file), "--out", str(out), "-q").exit_code == 0
    assert (out / "summary.json").exists()


def test_run_and_compare_never_delete_each_others_results(plans_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("compare", str(plans_file), "--reps", "2", "-q").exit_code == 0
    assert invoke("run", str(plans_file), "-q").exit_code == 0
    assert invoke("compare", str(plans_file), "--reps", "2", "-q", "--seed", "4").exit_code == 0
    study = tmp_path / "results" / "small"
    assert len(list(study.glob("compare-*/table.json"))) == 2
    assert len(list(study.glob("run-*/summary.json"))) == 1
    assert (study / "latest-compare" / "table.json").exists()


def test_validate_says_what_the_file_sets_up():
    r = invoke("validate", str(SCENARIOS / "ambassador-closure.yaml"))
    assert r.exit_code == 0
    assert "2 plaza(s)" in r.output and "1 event(s)" in r.output


@pytest.mark.parametrize("command", [[], ["run"], ["validate"]])
def test_help_is_useful(command):
    r = invoke(*command, "--help")
    assert r.exit_code == 0
    assert "scenario" in r.output.lower()


# --------------------------------------------------------------------------- plans and studies


@pytest.fixture
def plans_file(tmp_path: Path) -> Path:
    f = tmp_path / "plans.yaml"
    f.write_text(PLANS.replace("trucks: {booths: 3,", "trucks: {booths: 4, open: 3,"))
    return f


def test_run_with_replications_gives_intervals(plans_file: Path, tmp_results: Path):
    out = tmp_results / "reps"
    r = invoke("run", str(plans_file), "--reps", "3", "--jobs", "2", "--out", str(out))
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"] == 3 and summary["seed"] == 0
    mean = json_figure(summary, "transit_mean", "amb", "into_us")
    assert mean["n"] == 3 and mean["ci95"][0] < mean["value"] < mean["ci95"][1]
    assert summary["schema_version"] == 3 and summary["kind"] == "run"
    assert sorted(p.name for p in (out / "replications").iterdir()) == [
        "rep-000.json",
        "rep-001.json",
        "rep-002.json",
    ]
    assert "±" in r.output


def test_run_with_a_plan(plans_file: Path, tmp_results: Path):
    out = tmp_results / "plan"
    assert (
        invoke("run", str(plans_file), "--plan", "triage", "--out", str(out), "-q").exit_code == 0
    )
    assert json.loads((out / "summary.json").read_text())["plan"] == "triage"


def test_compare_writes_tables_and_figures(plans_file: Path, tmp_results: Path):
    out = tmp_results / "cmp"
    r = invoke("compare", str(plans_file), "--reps", "3", "--out", str(out))
    assert r.exit_code == 0, r.output
    for name in ("table.csv", "table.json", "recovery.png", "key_figures.png"):
        assert (out / name).stat().st_size > 0, name
    table = json.loads((out / "table.json").read_text())
    assert table["plans"] == ["nothing", "more_trucks", "triage"]
    assert sorted(table["ranking"]) == sorted(table["plans"])
    with (out / "table.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert {r["plan"] for r in rows} == set(table["plans"])
    assert "ranked by total excess delay" in r.output


def test_compare_only_the_plans_asked_for(plans_file: Path, tmp_results: Path):
    out = tmp_results / "two"
    r = invoke(
        "compare",
        str(plans_file),
        "--plans",
        "triage,nothing",
        "--reps",
        "2",
        "--out",
        str(out),
        "-q",
    )
    assert r.exit_code == 0, r.output
    assert json.loads((out / "table.json").read_text())["reference"] == "triage"


def test_compare_default_folder(plans_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("compare", str(plans_file), "--reps", "2", "-q").exit_code == 0
    assert (tmp_path / "results" / "small" / "latest-compare" / "table.csv").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["compare", "--plans", "nothing,trage"], "no plan 'trage' (did you mean 'triage'?)"),
        (["run", "--plan", "moar"], "no plan 'moar'"),
    ],
)
def test_unknown_plan_names(plans_file, tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    r = invoke(args[0], str(plans_file), *args[1:])
    assert r.exit_code == 2 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "results").exists()


BAD_PLANS = [
    ("unknown action", "type: priority,", "type: priorty,", "did you mean 'priority'"),
    (
        "open_booths on a plaza",
        "where: amb.into_us.trucks, add",
        "where: amb.into_us, add",
        "needs a lane group",
    ),
    ("both open and add", "add: 1,", "add: 1, open: 2,", "exactly one of 'open' or 'add'"),
    (
        "unknown lane group",
        "amb.into_us.trucks, add",
        "amb.into_us.truck, add",
        "did you mean 'trucks'",
    ),
    (
        "end before start",
        "add: 1, start: 12:00}",
        "add: 1, start: 12:00, end: 11:00}",
        "must be after start",
    ),
    (
        "staging without a rate",
        "type: priority, where: amb.into_us,",
        "type: staging, classes: [truck], where: amb.into_us,",
        "needs 'per_hour'",
    ),
    (
        "staging an unknown class",
        "type: priority, where: amb.into_us,",
        "type: staging, per_hour: 60, classes: [truk], where: amb.into_us,",
        "did you mean 'truck'",
    ),
    (
        "steps out of order",
        "type: priority, where: amb.into_us,",
        "type: phased_reopening, steps: [{after: 2h}, {after: 1h}], where: amb.into_us,",
        "in order",
    ),
]


@pytest.mark.parametrize(("case", "old", "new", "words"), BAD_PLANS, ids=[b[0] for b in BAD_PLANS])
def test_bad_plans_get_the_same_clear_errors(case, old, new, words, tmp_path, monkeypatch):
    assert old in PLANS
    f = tmp_path / "bad.yaml"
    f.write_text(PLANS.replace(old, new, 1))
    monkeypatch.chdir(tmp_path)
    text = PLANS.replace(old, new, 1).splitlines()
    start = text.index("plans:")
    line = next(i for i in range(start, len(text)) if new.split(",")[0] in text[i]) + 1
    for command in ("validate", "compare"):
        r = invoke(command, str(f))
        assert r.exit_code == 2, (case, r.output)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {f}:{line}: plans."), lines
        assert words in lines[0], lines[0]
    assert not (tmp_path / "results").exists()


# --------------------------------------------------------------------------- newcomers
def test_init_writes_a_starter_that_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = invoke("init", "my-port")
    assert r.exit_code == 0 and (tmp_path / "my-port.yaml").exists()
    assert invoke("validate", "my-port.yaml").exit_code == 0
    text = (tmp_path / "my-port.yaml").read_text()
    assert "name: 'my-port'" in text and text.count("#") >= 15  # commented for a newcomer
    r = invoke("compare", "my-port.yaml", "--reps", "2", "-q")
    assert r.exit_code == 0, r.output
    again = invoke("init", "my-port")
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_list_shows_every_bundled_scenario_and_its_command_whole_at_80_columns():
    env = {**os.environ, "COLUMNS": "80"}
    r = subprocess.run(
        [sys.executable, "-m", "bordersim", "list"], capture_output=True, text=True, env=env
    )
    assert r.returncode == 0, r.stderr
    lines = [line.rstrip() for line in r.stdout.splitlines()]
    assert all(len(line) <= 80 for line in lines)
    for path in SCENARIOS.glob("*.yaml"):
        text = path.read_text()
        verb = "exercise" if "\nexercise:" in text else "compare" if "\nplans:" in text else "run"
        assert f"  bordersim {verb} {path.stem}" in lines, path.stem  # whole, on its line


def test_a_bundled_scenario_runs_by_name_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no scenarios/ folder here
    r = invoke("validate", "ambassador-exercise")
    assert r.exit_code == 0 and "using the bundled scenario 'ambassador-exercise'" in r.stderr
    assert invoke("validate", "./ambassador-exercise").exit_code == 2  # a path stays a path


def test_init_from_a_bundled_scenario_copies_it_to_edit(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = invoke("init", "drill", "--from", "ambassador-exercise")
    assert r.exit_code == 0, r.output
    text = (tmp_path / "drill.yaml").read_text()
    original = (SCENARIOS / "ambassador-exercise.yaml").read_text()
    assert text.count("\n") == original.count("\n") and "name: 'drill'" in text
    assert invoke("validate", "drill.yaml").exit_code == 0
    again = invoke("init", "drill", "--from", "ambassador-exercise")
    assert again.exit_code == 2 and (tmp_path / "drill.yaml").read_text() == text  # kept
    typo = invoke("init", "other", "--from", "ambassador-exercize")
    assert typo.exit_code == 2 and "did you mean 'ambassador-exercise'" in typo.stderr
    assert not (tmp_path / "other.yaml").exists()


def test_the_package_ships_its_scenarios_templates_and_report_assets():
    """What `pip install .` (not editable) installs: every bundled file matches the
    package data declared in pyproject.toml."""
    import fnmatch
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["bordersim"]
    package = ROOT / "bordersim"
    shipped = [
        p.relative_to(package).as_posix()
        for folder in ("scenarios", "data", "report/templates", "report/assets")
        for p in (package / folder).iterdir()
    ]
    assert len(shipped) > 15
    for f in shipped:
        assert any(fnmatch.fnmatch(f, pattern) for pattern in patterns), f


def test_explain_says_what_the_file_sets_up():
    r = invoke("explain", str(SCENARIOS / "maine-new-brunswick.yaml"))
    assert r.exit_code == 0
    for words in (
        "Ferry Point",
        "into Canada (CBSA)",
        "closure of International Avenue (Calais-St. Stephen)",
        "Plan 'trucks_to_houlton'",
        "directed away",
        "waits posted every 15min",
    ):
        assert words in r.output, words


def test_json_output_for_scripts(valid_file, tmp_results):
    r = invoke("validate", str(valid_file), "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["ok"] is True
    r = invoke("run", str(valid_file), "--json", "--out", str(tmp_results / "j"))
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["ok"] and json_figure(data["summary"], "arrived")["value"] > 0
    bad = valid_file.parent / "bad.yaml"
    bad.write_text(VALID.replace("booths: 4,", "boths: 4,"))
    r = invoke("validate", str(bad), "--json")
    err = json.loads(r.stdout)
    assert r.exit_code == 2 and err["ok"] is False and err["line"] == 8
    assert err["field"].endswith("boths")


def test_an_internal_error_exits_1_with_one_line(valid_file, tmp_results, monkeypatch):
    from bordersim import runner

    def broken(*_a, **_k):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(runner, "run_study", broken)
    r = invoke("run", str(valid_file), "--out", str(tmp_results / "x"))
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("internal error: ZeroDivisionError")
    assert not (tmp_results / "x").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--seed", str(2**63)],
        ["run", "--seed", "-1"],
        ["run", "--reps", "100001"],
        ["run", "--reps", "0"],
        ["run", "--jobs", "0"],
        ["run", "--bogus"],
        ["compare", "--plans", "nothing,nothing"],
        ["compare", "--plans", "nothing,,triage"],
        ["compare", "--plans", ""],
        ["run", "--scheduler", "not a url"],
        ["run", "--scheduler", "tcp://host:99999"],
    ],
)
def test_bad_options_get_one_line_and_exit_2(plans_file, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    r = invoke(args[0], str(plans_file), *args[1:], "-q")
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "Usage:" not in r.output and "Traceback" not in r.output
    assert not (tmp_path / "results").exists()


def test_init_in_a_missing_folder_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = invoke("init", "nodir/x")
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_results_path_through_a_file_is_one_line(valid_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results").write_text("not a folder")
    for extra in ([], ["--out", "results/x"]):
        r = invoke("run", str(valid_file), "-q", *extra)
        assert r.exit_code == 2 and "not a folder" in r.stderr, r.output
        assert len(r.stderr.strip().splitlines()) == 1
    assert (tmp_path / "results").read_text() == "not a folder"


def test_a_read_only_folder_is_one_line_and_nothing_is_left(valid_file, tmp_path, monkeypatch):
    import errno
    from pathlib import Path as P

    real = P.mkdir

    def read_only(self, *a, **k):
        if str(self).startswith(str(tmp_path / "ro")):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *a, **k)

    (tmp_path / "ro").mkdir()
    monkeypatch.setattr(P, "mkdir", read_only)
    r = invoke("run", str(valid_file), "--out", str(tmp_path / "ro" / "x"), "-q")
    assert r.exit_code == 2 and "Permission denied" in r.stderr, r.output
    assert len(r.stderr.strip().splitlines()) == 1
    assert list((tmp_path / "ro").iterdir()) == []


def test_a_full_disk_is_one_line_keeps_replications_and_leaves_no_folder(
    valid_file, tmp_results, monkeypatch
):
    import errno

    from bordersim.report import files

    def disk_full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device", "timeseries.csv")

    monkeypatch.setattr(files, "_write_csv", disk_full)
    out = tmp_results / "full"
    r = invoke("run", str(valid_file), "--out", str(out), "-q", "--reps", "2", "--jobs", "1")
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0] and "--resume" in lines[0]
    assert not out.exists() and not list(tmp_results.glob(".bordersim/tmp-*"))
    monkeypatch.undo()
    r = invoke("run", str(valid_file), "--out", str(out), "-q", "--reps", "2", "--resume")
    assert r.exit_code == 0 and (out / "summary.json").exists()


def test_a_planted_checkpoint_never_runs(valid_file, tmp_results):
    import os
    import pickle

    from bordersim.checkpoints import fingerprint
    from bordersim.scenario import load_scenario

    out = tmp_results / "small"
    key = fingerprint(load_scenario(valid_file), [None], vehicles=False, command="run")
    folder = tmp_results / ".bordersim" / f"partial-{key[:16]}"
    folder.mkdir(parents=True)
    (folder.parent / "made-by-bordersim").write_text("planted too")
    proof = tmp_results / "code-ran"

    class Planted:
        def __reduce__(self):
            return (os.system, (f"touch {proof}",))

    for name in ("rep-00000.npz", "rep-00000.pkl", "fingerprint"):
        (folder / name).write_bytes(pickle.dumps(Planted()))
    r = invoke("run", str(valid_file), "--out", str(out), "--resume")
    assert r.exit_code == 0, r.output
    assert not proof.exists()
    assert "could not be used" in r.stderr


def test_the_results_keep_the_text_that_was_run(valid_file, tmp_results, monkeypatch):
    from bordersim import runner

    real = runner.run_study

    def edit_during_the_run(*a, **k):
        study = real(*a, **k)
        valid_file.write_text(VALID.replace("name: small", "name: small\nseed: 99"))
        return study

    monkeypatch.setattr(runner, "run_study", edit_during_the_run)
    out = tmp_results / "s"
    r = invoke("run", str(valid_file), "--out", str(out), "-q")
    assert r.exit_code == 0, r.output
    assert (out / "scenario.yaml").read_text() == VALID
    assert json.loads((out / "summary.json").read_text())["seed"] == 0

    def delete_during_the_run(*a, **k):
        study = real(*a, **k)
        valid_file.unlink()
        return study

    monkeypatch.setattr(runner, "run_study", delete_during_the_run)
    r = invoke("run", str(valid_file), "--out", str(tmp_results / "t"), "-q")
    assert r.exit_code == 0, r.output  # the text was read once, before the run
    assert (tmp_results / "t" / "scenario.yaml").read_text().startswith("name: small\nseed: 99")


@pytest.fixture
def listeners():
    """Local sockets that are not Dask schedulers: one silent, one answering garbage."""
    import socket
    import threading

    socks, stop = [], threading.Event()

    def serve(sock, reply):
        sock.settimeout(0.2)
        conns = []
        while not stop.is_set():
            try:
                c, _ = sock.accept()
            except OSError:
                continue
            conns.append(c)
            if reply:
                c.sendall(reply)
        for c in conns:
            c.close()

    ports = {}
    for name, reply in (("silent", b""), ("garbage", b"\xff" * 64 + b"HTTP/1.1 200 OK\r\n\r\n")):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        socks.append(s)
        ports[name] = s.getsockname()[1]
        threading.Thread(target=serve, args=(s, reply), daemon=True).start()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    ports["closed"] = closed.getsockname()[1]
    closed.close()  # nothing listens there any more
    yield ports
    stop.set()
    for s in socks:
        s.close()


@pytest.mark.parametrize("kind", ["closed", "silent", "garbage"])
def test_an_unusable_scheduler_is_one_line_exit_2_and_quick(
    plans_file, tmp_path, monkeypatch, listeners, kind
):
    import time

    pytest.importorskip("dask.distributed")
    from bordersim import runner

    monkeypatch.setattr(runner, "CONNECT_TIMEOUT", 2.0)
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    r = invoke(
        "compare",
        str(plans_file),
        "--reps",
        "2",
        "-q",
        "--scheduler",
        f"tcp://127.0.0.1:{listeners[kind]}",
    )
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot use the Dask scheduler" in lines[0], r.stderr
    assert time.monotonic() - started < 15
    assert not (tmp_path / "results").exists()


def test_many_plazas_give_figures_of_a_readable_bounded_size(tmp_path):
    import struct
    import sys as _sys

    _sys.path.insert(0, str(SCENARIOS.parent / "benchmarks"))
    from many_plazas import region

    f = tmp_path / "many.yaml"
    f.write_text(region(20).replace("horizon: 1d", "horizon: 14h"))  # 40 plazas
    out = tmp_path / "out"
    r = invoke("run", str(f), "--out", str(out), "-q")
    assert r.exit_code == 0, r.output

    def height(png: Path) -> int:
        return struct.unpack(">II", png.read_bytes()[16:24])[1]

    small = tmp_path / "small.yaml"
    small.write_text(region(3).replace("horizon: 1d", "horizon: 14h"))  # 6 plazas
    assert invoke("run", str(small), "--out", str(tmp_path / "o6"), "-q").exit_code == 0
    for name in ("recovery.png", "transit.png"):
        assert height(out / name) == height(tmp_path / "o6" / name), name  # 6 plazas drawn
    page = (out / "report.html").read_text()
    assert (out / "report.html").stat().st_size < 2_000_000
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["plazas"]) == 40  # every plaza is still in the figures' data
    assert len({(f["crossing"], f["direction"]) for f in summary["figures"]}) == 1 + 20 + 40
    with (out / "timeseries.csv").open() as fh:
        assert len({(row["crossing"], row["direction"]) for row in csv.DictReader(fh)}) == 40
    assert "c0" in page


def test_python_dash_m_runs_the_commands():
    for module in ("bordersim", "bordersim.cli"):
        r = subprocess.run(
            [sys.executable, "-m", module, "list"], capture_output=True, text=True, timeout=120
        )
        assert r.returncode == 0 and "ambassador-closure" in r.stdout, (module, r.stderr)


def test_help_shows_examples_a_line_each_every_exit_code_and_the_report():
    text = invoke("--help").output
    lines = [line.strip() for line in text.splitlines()]
    assert "bordersim list" in lines  # each example on its own line, not run together
    assert "bordersim run ambassador-closure" in lines
    assert "130" in text and "2 bad input" in text and "report.html" in text
    listing = text.split("Commands:")[1]
    assert listing.count("report.html") >= 2  # run and compare say what they write


@pytest.mark.parametrize("name", ["123", "yes", "2025-06-10", "1e5", "null"])
def test_init_names_that_yaml_would_read_as_other_things_stay_names(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    assert invoke("init", name).exit_code == 0
    assert invoke("validate", f"{name}.yaml").exit_code == 0  # found by a hostile tester


@pytest.mark.parametrize("name", ["café", "٣٤", "a" * 120, "_x"])
def test_init_refuses_names_a_scenario_cannot_have(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    r = invoke("init", name)
    assert r.exit_code == 2 and "a scenario name is up to 100" in r.stderr
    assert not list(tmp_path.iterdir())


def test_a_file_here_wins_over_a_bundled_scenario_of_its_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    invoke("init", "ambassador-alert", "--from", "ambassador-alert")
    text = (tmp_path / "ambassador-alert.yaml").read_text()
    (tmp_path / "ambassador-alert.yaml").write_text(text.replace("horizon: 4d", "horizon: 3d"))
    r = invoke("validate", "ambassador-alert")
    assert r.exit_code == 0 and "horizon 3d" in r.output and "a file here" in r.stderr
    assert invoke("validate", "ambassador-closure.yml").exit_code == 2  # a file name: a file
    (tmp_path / "ambassador-outage").symlink_to(tmp_path / "nowhere")
    assert invoke("validate", "ambassador-outage").exit_code == 2  # your broken link, not ours
    (tmp_path / "ambassador-closure").mkdir()  # e.g. inside results/
    r = invoke("validate", "ambassador-closure")
    assert r.exit_code == 0 and "not the folder of that name here" in r.stderr


def test_a_regions_figures_get_a_second_drawing_process():
    from bordersim.cli import _hands_for
    from bordersim.scenario import load_scenario

    asked: list[str] = []

    class Drawing:
        def another_hand(self) -> None:
            asked.append("hand")

    _hands_for(load_scenario(SCENARIOS / "ambassador-closure.yaml"), Drawing())
    assert asked == []  # one crossing: one drawing process
    _hands_for(load_scenario(SCENARIOS / "niagara-region.yaml"), Drawing())
    assert asked == ["hand"]
