"""The reports of a run, a comparison and a region, opened in a real headless Chromium.

Each page is loaded by Playwright driving the machine's own Chromium (Debian's package;
nothing is downloaded), offline. The test reads what a planner sees first: the headline
in sentences, the ranking in the order of the results, every figure rendered, the chart
drawn and answering the pointer, and no error in the console. Screenshots are saved
beside each report (``screenshot-top.png``, ``screenshot-full.png``) to look at.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bordersim.cli import main
from tests.helpers import PLANS


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("browser")
    f = root / "plans.yaml"
    f.write_text(PLANS.replace("name: small", "name: small\nstart: 2025-06-10 00:00"))
    out = {"run": root / "run", "compare": root / "compare", "region": root / "region"}
    for args in (
        ["run", str(f), "--reps", "2", "--out", str(out["run"]), "-q"],
        ["compare", str(f), "--reps", "3", "--out", str(out["compare"]), "-q"],
        ["compare", "maine-new-brunswick", "--reps", "2", "--out", str(out["region"]), "-q"],
    ):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0, r.output
    return out


def _open(browser, folder: Path):
    """The report loaded offline, with every console message and page error kept."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "request",
        lambda r: (
            problems.append(f"request: {r.url}")
            if not r.url.startswith(("file:", "data:"))
            else None
        ),
    )
    page.goto((folder / "report.html").resolve().as_uri())
    page.wait_for_function("document.body.hasAttribute('data-figures-loaded')")
    return context, page, problems


def _figures_loaded(page) -> tuple[int, int]:
    ok, total = page.evaluate("document.body.getAttribute('data-figures-loaded')").split("/")
    return int(ok), int(total)


def _screenshots(page, folder: Path) -> None:
    page.screenshot(path=str(folder / "screenshot-top.png"))
    page.screenshot(path=str(folder / "screenshot-full.png"), full_page=True)
    assert (folder / "screenshot-top.png").stat().st_size > 20_000


def _hover_reads_a_value(page) -> str:
    """Point at the middle of the chart: its legend shows the time and the values."""
    page.locator("#chart").scroll_into_view_if_needed()
    box = page.locator("#chart .u-over").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    return page.locator("#chart .u-legend").inner_text()


def test_a_run_report_opens_with_what_happened(browser, reports):
    context, page, problems = _open(browser, reports["run"])
    headline = page.locator("#headline").inner_text()
    assert headline.startswith("What happened")
    assert "Closure from Tue 10 Jun 2025" not in headline  # the year once, in the figures
    assert "The queue peaked at" in headline and "Tue 10 Jun" in headline
    # the headline is at the top: the first thing after the title, above the fold
    top = page.locator("#headline").bounding_box()
    assert top["y"] < 250 and page.locator("h2").first.inner_text() == "What happened"
    ok, total = _figures_loaded(page)
    assert total == 3 and ok == total  # recovery, timeline, transit (one crossing: no overview)
    assert page.evaluate("document.body.getAttribute('data-chart')") == "drawn"
    legend = _hover_reads_a_value(page)
    assert "Tue 10 Jun 2025" in legend and " km" in legend
    assert page.locator("details").count() >= 3  # detail tables, collapsed
    assert not page.locator("details[open]").count()
    assert "time to recover" in page.locator("#glossary").inner_text()
    _screenshots(page, reports["run"])
    context.close()
    assert not problems, problems


def test_a_comparison_report_opens_with_the_plan_to_brief_and_the_ranking(browser, reports):
    folder = reports["compare"]
    table = json.loads((folder / "table.json").read_text())
    context, page, problems = _open(browser, folder)
    headline = page.locator("#headline").inner_text()
    assert headline.startswith("Recommendation")
    best = table["ranking"][0]
    assert f"Brief '{best}'" in headline or "No plan does clearly better" in headline
    rows = page.locator("#table-ranking tbody tr")
    assert rows.count() == len(table["plans"])
    plans = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())]
    assert plans == table["ranking"]
    # better or worse said in words and colour: the words and the class agree
    for i in range(rows.count()):
        cell = rows.nth(i).locator("td").nth(3)
        text, cls = cell.inner_text(), cell.locator("span").get_attribute("class")
        if text.endswith(" better"):
            assert cls == "better"
        elif text.endswith(" worse"):
            assert cls == "worse"
        else:
            assert cls in ("same", None)
    # the ranking comes before the figures and the details
    y = {s: page.locator(s).bounding_box()["y"] for s in ("#headline", "#ranking", "#figures")}
    assert y["#headline"] < y["#ranking"] < y["#figures"]
    ok, total = _figures_loaded(page)
    assert total == 3 and ok == total  # key figures, recovery, timeline
    legend = _hover_reads_a_value(page)
    assert all(plan in legend for plan in table["plans"])
    _screenshots(page, folder)
    context.close()
    assert not problems, problems


def test_a_region_report_has_an_overview_and_every_plaza_in_the_chart(browser, reports):
    folder = reports["region"]
    context, page, problems = _open(browser, folder)
    assert page.locator("#headline").inner_text().startswith("Recommendation")
    ok, total = _figures_loaded(page)
    assert total == 4 and ok == total  # key figures, overview, recovery, timeline
    assert page.locator("figcaption", has_text="overview.png").count() == 1
    options = page.locator("#chart-plaza option")
    assert options.count() >= 4  # every plaza of the region can be looked at
    page.select_option("#chart-plaza", index=options.count() - 1)
    page.select_option("#chart-series", "transit")
    legend = _hover_reads_a_value(page)
    assert " km" not in legend and ("min" in legend or "no value here" in legend)
    _screenshots(page, folder)
    context.close()
    assert not problems, problems
