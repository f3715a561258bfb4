"""The briefing's figures are drawn, as PNG files, whatever they show, and the same in
the drawing process as here."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bordersim.report import figures
from bordersim.report.drawing import Drawing
from bordersim.report.files import key_figure_keys, write_comparison
from bordersim.report.series import lines
from bordersim.report.sketch import sketch
from bordersim.runner import BASELINE


def _png(path) -> bool:
    return path.stat().st_size > 5000 and path.read_bytes()[:4] == b"\x89PNG"


def test_timeline_recovery_and_key_figures(small_study, tmp_path):
    study, result = small_study
    sk = sketch(study.scenario, study.plans)
    figures.timeline(sk, tmp_path / "t.png")
    keys = [p.key for p in study.results("nothing").plazas_by_delay()]
    runs = {label: {k: lines(study, label, k) for k in keys} for label in result.plans}
    base = {k: lines(study, BASELINE, k) for k in keys}
    figures.recovery(sk, runs, base, study.bin_seconds, tmp_path / "r.png", n_reps=3)
    keys = key_figure_keys(result)
    assert keys[0] == result.ranked_by and len(keys) == 4
    figures.key_figures(result, keys, tmp_path / "k.png")
    classes = list(study.scenario.vehicle_classes())
    figures.transit_distributions(sk, study.transit("nothing"), classes, tmp_path / "d.png")
    assert all(_png(tmp_path / f) for f in ("t.png", "r.png", "k.png", "d.png"))


@pytest.mark.parametrize("hands", [1, 2])
def test_the_drawing_processes_draw_what_would_be_drawn_here(small_study, tmp_path, hands):
    """One drawing process, or two (a region's: the recovery figure in the second)."""
    study, result = small_study
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    write_comparison(here, study, result)
    with Drawing() as drawing:
        if hands == 2:
            drawing.another_hand()
        assert len(drawing.drawers) == hands
        write_comparison(there, study, result, drawing=drawing)
        assert [d.pending for d in drawing.drawers] == [0] * hands  # all drawn and waited for
    for png in ("timeline.png", "recovery.png", "key_figures.png"):
        assert (here / png).read_bytes() == (there / png).read_bytes(), png
    from openpyxl import load_workbook

    def cells(path):
        wb = load_workbook(path, read_only=True)
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}

    written_there = cells(there / "results.xlsx")
    assert written_there == cells(here / "results.xlsx")
    assert len(written_there["every figure"]) > 20


def test_a_full_disk_in_the_drawing_process_is_an_oserror_here(small_study, tmp_path):
    """What the drawing process cannot write (a full disk, a folder gone) comes back as an
    OSError, which the command reports in one line, not as an internal error."""
    import errno

    study, _ = small_study
    with Drawing() as drawing:
        drawing.draw("timeline", sketch(study.scenario, study.plans), tmp_path / "gone" / "t.png")
        with pytest.raises(OSError) as e:
            drawing.wait()
    assert e.value.errno == errno.ENOENT and "t.png" in e.value.filename


def test_drawing_loads_neither_pydantic_nor_scipy_nor_the_model():
    """What the drawing process loads: figures and the results they get (and what the
    workbook's writing needs, which the main process loads)."""
    code = (
        "import sys, bordersim.report.figures, bordersim.report.xlsx, bordersim.results\n"
        "print(sorted(m for m in ('pydantic', 'scipy', 'simpy', 'bordersim.scenario') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr


@pytest.mark.parametrize("hands", [1, 2])
def test_the_workbook_of_a_large_region_is_written_by_the_second_drawing_process(tmp_path, hands):
    """results.xlsx is written here while the figures are drawn, or, for a region of
    many plazas, by the second drawing process: the same file either way."""
    from openpyxl import load_workbook

    from bordersim.report.xlsx import Book

    book = Book([[("headline", True)], [("a line", False)]])
    with Drawing() as drawing:
        if hands == 2:
            drawing.another_hand()
        drawing.write_book(tmp_path / "results.xlsx", book, elsewhere=True)
        if hands == 1:
            assert (tmp_path / "results.xlsx").exists()  # here, at once
        assert drawing.drawers[-1].pending == (2 if hands == 2 else 1)  # warm-up (+ book)
        drawing.wait()
    rows = list(load_workbook(tmp_path / "results.xlsx")["headline"].values)
    assert rows[:2] == [("headline",), ("a line",)]
