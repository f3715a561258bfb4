"""report.html: self-contained, rebuilt from saved results, and shown in a real browser."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bordersim.cli import main
from tests.helpers import PLANS


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("report")
    f = root / "plans.yaml"
    f.write_text(
        PLANS.replace("trucks: {booths: 3,", "trucks: {booths: 4, open: 3,").replace(
            "name: small", "name: small\nstart: 2025-06-10 00:00"
        )
    )
    run, cmp = root / "run", root / "cmp"
    for args in (
        ["run", str(f), "--reps", "2", "--out", str(run), "-q"],
        ["compare", str(f), "--reps", "2", "--out", str(cmp), "-q"],
    ):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0, r.output
    return {"run": run, "compare": cmp}


@pytest.mark.parametrize("kind", ["run", "compare"])
def test_report_is_self_contained(results, kind):
    page = (results[kind] / "report.html").read_text()
    assert not re.search(r"""(src|href)=['"]?(https?:)?//""", page)  # nothing from a network
    images = re.findall(r"""<img [^>]*src=['"]data:image/png;base64,""", page)
    assert len(images) == 3  # timeline, recovery, and transit (run) or key figures (compare)
    assert page.count("<table>") >= (3 if kind == "run" else 2)  # transit, recovery, accounting
    assert "Timeline" in page and "small" in page
    assert ("Accounting" in page) if kind == "run" else ("ranked by" in page)
    assert "Tue 10 Jun" in page  # calendar times from the scenario's start


def test_report_command_rebuilds_from_saved_results(results):
    folder = results["compare"]
    before = (folder / "report.html").read_text()
    (folder / "report.html").unlink()
    r = CliRunner().invoke(main, ["report", str(folder)])
    assert r.exit_code == 0, r.output
    after = (folder / "report.html").read_text()
    marker = json.loads((folder / "bordersim.json").read_text())
    simulated = marker["created"].replace("T", " ")[:16]
    assert f"Simulated {simulated} by bordersim; this page rebuilt" in after  # not the rebuild's
    strip = lambda text: re.sub(r"Simulated [0-9: -]+by bordersim[^.]*\.", "", text)  # noqa: E731
    assert strip(after) == strip(before)
    assert "Seed 0, 2 replications." in after  # the study's, not the file's


def test_report_command_refuses_other_folders(tmp_path):
    r = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert r.exit_code == 2 and "not a results folder" in r.stderr
    (tmp_path / "summary.json").write_text("{}")  # looks like results, but not bordersim's
    r = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert r.exit_code == 2 and "not a folder bordersim wrote" in r.stderr
    assert not (tmp_path / "report.html").exists()


@pytest.fixture
def copy_of(results, tmp_path):
    def copy(kind: str) -> Path:
        folder = tmp_path / kind
        shutil.copytree(results[kind], folder)
        return folder

    return copy


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"scenario": "x"}'])
def test_report_of_a_damaged_summary_is_one_line_and_exit_2(copy_of, content):
    folder = copy_of("run")
    (folder / "summary.json").write_text(content)
    before = (folder / "report.html").read_bytes()
    r = CliRunner().invoke(main, ["report", str(folder)])
    assert r.exit_code == 2, r.output
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.output
    assert (folder / "report.html").read_bytes() == before  # nothing replaced
    assert not list(folder.glob(".report-*"))


def test_report_html_that_is_a_folder_is_refused(copy_of):
    folder = copy_of("run")
    (folder / "report.html").unlink()
    (folder / "report.html").mkdir()
    (folder / "report.html" / "mine.txt").write_text("keep me")
    r = CliRunner().invoke(main, ["report", str(folder)])
    assert r.exit_code == 2 and "not a file" in r.stderr
    assert (folder / "report.html" / "mine.txt").read_text() == "keep me"


def test_a_missing_figure_is_named_and_the_tables_are_still_shown(copy_of):
    folder = copy_of("run")
    (folder / "recovery.png").unlink()
    r = CliRunner().invoke(main, ["report", str(folder)])
    assert r.exit_code == 0, r.output
    page = (folder / "report.html").read_text()
    assert "Missing from this results folder" in page and "recovery.png" in page
    assert page.count("<table>") >= 3 and "Accounting" in page


def test_nothing_read_from_a_file_can_inject_markup(copy_of):
    import json

    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    for kind, file in (("run", "summary.json"), ("compare", "table.json")):
        folder = copy_of(kind)
        data = json.loads((folder / file).read_text())
        data["scenario"] = evil
        data["description"] = evil
        crossing = data["plazas"][0]["crossing"]
        data["plazas"][0]["crossing"] = evil
        data["classes"][0] = evil
        rows = data["figures"] if kind == "run" else data["rows"]
        for f in rows:
            f["crossing"] = evil if f["crossing"] == crossing else f["crossing"]
            f["class"] = evil if f["class"] == data["classes"][0] else f["class"]
        if kind == "compare":
            ref = data["reference"]
            data["reference"] = evil
            for key in ("plans", "ranking"):
                data[key] = [evil if p == ref else p for p in data[key]]
            for r in data["rows"]:
                r["plans"] = {evil if p == ref else p: v for p, v in r["plans"].items()}
        (folder / file).write_text(json.dumps(data))
        (folder / "scenario.yaml").write_text(f"name: x\ndescription: '{evil}'\n")
        r = CliRunner().invoke(main, ["report", str(folder)])
        assert r.exit_code == 0, r.output
        page = (folder / "report.html").read_text()
        assert "<script>alert" not in page and "<img src=x" not in page, kind
        assert "&lt;script&gt;" in page


def _first(d, measure):
    return next(f for f in d["figures"] if f["measure"] == measure)


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.__setitem__("plazas", [[[[[[[[1]]]]]]]] * 2),
        lambda d: d.__setitem__("figures", [[[[[[[[1]]]]]]]] * 2),
        lambda d: _first(d, "time_to_clear").__setitem__("mean", 1e306),
        lambda d: d["plazas"][0].__setitem__("disruption_h", [1e300, 2.0]),
        lambda d: _first(d, "max_queue_km").__setitem__("ci95", [1]),
        lambda d: _first(d, "max_queue_km").__setitem__("mean", {"mean": 1, "ci95": [1]}),
        lambda d: _first(d, "max_queue_km").__setitem__("missing", "<b>many</b>"),
        lambda d: _first(d, "max_queue_km").__setitem__("measure", "no_such_thing"),
        lambda d: d.__setitem__("schema_version", 1),
    ],
)
def test_report_of_edited_numbers_is_one_line_and_exit_2(copy_of, edit):
    import json

    folder = copy_of("run")
    data = json.loads((folder / "summary.json").read_text())
    edit(data)
    (folder / "summary.json").write_text(json.dumps(data))
    r = CliRunner().invoke(main, ["report", str(folder)])
    assert r.exit_code in (0, 2), r.output
    assert "Traceback" not in r.output and "internal error" not in r.output


def test_report_of_deeply_nested_json_is_one_line(copy_of):
    folder = copy_of("run")
    (folder / "summary.json").write_text("[" * 100_000 + "]" * 100_000)
    r = CliRunner().invoke(main, ["report", str(folder)])
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1, r.output


def test_a_figure_that_is_a_pipe_or_a_link_is_never_read(copy_of, tmp_path):
    import os

    folder = copy_of("run")
    (folder / "recovery.png").unlink()
    os.mkfifo(folder / "recovery.png")  # reading it would wait for ever
    (folder / "transit.png").unlink()
    (folder / "transit.png").symlink_to("/dev/zero")  # reading it would never end
    r = CliRunner().invoke(main, ["report", str(folder)])
    assert r.exit_code == 0, r.output
    page = (folder / "report.html").read_text()
    assert "recovery.png" in page and "transit.png" in page  # named as missing


def test_results_of_another_schema_version_are_named_as_such(copy_of):
    import json

    folder = copy_of("run")
    data = json.loads((folder / "summary.json").read_text())
    data["schema_version"] = 1
    (folder / "summary.json").write_text(json.dumps(data))
    r = CliRunner().invoke(main, ["report", str(folder)])
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1, r.output
    assert "schema version 1, not 3" in r.stderr


def _censored(d):
    return next(f for f in d["figures"] if f["statistic"] == "median")


@pytest.mark.parametrize(
    "edit",
    [  # found by a hostile tester: each gave nonsense on the page, or an internal error
        lambda d: _censored(d).__setitem__("missing", -3),
        lambda d: _censored(d).__setitem__("beyond", -5),
        lambda d: _censored(d).__setitem__("range", [50, -3]),
        lambda d: _first(d, "transit_mean").__setitem__("statistic", "median"),
        lambda d: _first(d, "max_queue_km").__setitem__("value", float("nan")),
        lambda d: _first(d, "max_queue_km").__setitem__("value", 1e300),
        lambda d: d.__setitem__("replications", -4),
        lambda d: d.__setitem__("horizon_h", float("inf")),
    ],
)
def test_edited_figures_are_refused_in_one_line(copy_of, edit):
    folder = copy_of("run")
    data = json.loads((folder / "summary.json").read_text())
    edit(data)
    (folder / "summary.json").write_text(json.dumps(data))
    before = (folder / "report.html").read_bytes()
    r = CliRunner().invoke(main, ["report", str(folder)])
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1, r.output
    assert (folder / "report.html").read_bytes() == before


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.__setitem__("rows", []),
        lambda d: d["ranked_by"].__setitem__("crossing", "zz"),
        lambda d: d.__setitem__("practical_share", 5),
        lambda d: next(
            v["difference"] for r in d["rows"] for v in r["plans"].values() if "difference" in v
        ).__setitem__("verdict", None),
        lambda d: next(
            v["difference"]
            for r in d["rows"]
            if r["measure"] == "excess_delay"
            for v in r["plans"].values()
            if "difference" in v
        ).__setitem__("bound", "at most"),
    ],
)
def test_edited_comparisons_are_refused_in_one_line(copy_of, edit):
    folder = copy_of("compare")
    data = json.loads((folder / "table.json").read_text())
    edit(data)
    (folder / "table.json").write_text(json.dumps(data))
    r = CliRunner().invoke(main, ["report", str(folder)])
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1, r.output


@pytest.mark.parametrize(
    "edit",
    [
        lambda c: c.__setitem__("every_minutes", "x"),
        lambda c: c.__setitem__("every_minutes", float("inf")),
        lambda c: c.__setitem__("x", [float("nan")] * len(c["x"])),
        lambda c: c["plazas"][0]["queue_km"]["baseline"].__setitem__(0, float("inf")),
        lambda c: c.__setitem__("plazas", []),
        lambda c: c["plazas"][0].__setitem__("name", "</script><script>alert(1)</script>"),
    ],
)
def test_an_edited_chart_is_named_unreadable_or_shown_escaped_never_broken(copy_of, edit):
    folder = copy_of("run")
    chart = json.loads((folder / "recovery_chart.json").read_text())
    edit(chart)
    (folder / "recovery_chart.json").write_text(json.dumps(chart))
    r = CliRunner().invoke(main, ["report", str(folder)])
    assert r.exit_code == 0, r.output
    page = (folder / "report.html").read_text()
    assert "<script>alert(1)" not in page
    data = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, re.S)
    if data is not None:  # what the page parses is strict JSON: no NaN, no Infinity
        json.loads(data.group(1), parse_constant=lambda c: pytest.fail(f"{c} in the chart"))
    if "alert" not in json.dumps(chart):
        assert "recovery_chart.json (unreadable)" in page
