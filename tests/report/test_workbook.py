"""results.xlsx for a region: the detail rows of the most delayed plazas, and it says so."""

from __future__ import annotations

from bordersim.compare import compare
from bordersim.report import workbook
from bordersim.runner import run_study
from bordersim.scenario import load_scenario
from tests.helpers import SCENARIOS


def test_a_regions_workbook_holds_the_most_delayed_plazas_and_says_so(monkeypatch):
    monkeypatch.setattr(workbook, "MAX_PLAZAS", 1)
    s = load_scenario(SCENARIOS / "niagara-region.yaml").model_copy(update={"horizon": 24 * 3600.0})
    study = run_study(s, list(s.plans)[:2], reps=2, jobs=1)
    result = compare(study)
    book = workbook.workbook(result)
    every = next(sh for sh in book.sheets if sh.title == "every figure")
    crossing, direction = every.head.index("crossing"), every.head.index("direction")
    plazas = {f"{r[crossing]}.{r[direction]}" for r in every.rows if r[direction]}
    assert plazas == {result.worst_plaza().key}
    assert any(not r[direction] for r in every.rows)  # crossings and the region stay
    said = " ".join(str(v) for line in book.headline for v, _ in line)
    assert f"holds the 1 most delayed plazas of {len(result.context.plazas)}" in said

    run = workbook.workbook(study.results(result.reference))
    every = next(sh for sh in run.sheets if sh.title == "every figure")
    crossing, direction = every.head.index("crossing"), every.head.index("direction")
    assert {f"{r[crossing]}.{r[direction]}" for r in every.rows if r[direction]} == plazas
