"""report.html: one self-contained page for a briefing, built from a results folder.

Everything the page needs is in the folder (summary.json or table.json, the figures
and scenario.yaml), so ``bordersim report DIR`` rebuilds it without running anything.
Figures are embedded as data URIs: the file opens anywhere, with no network access.
The page is rendered by a Jinja2 template with escaping on for every value, so nothing
read from a file can put markup or script into the page. A part missing from the
folder is named on the page, and the rest is still shown.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..explain import explain
from ..results import (
    ARRIVED,
    BETTER,
    DELAY_COST,
    DIVERTED,
    EXCESS_DELAY,
    GAVE_UP,
    ON_DETOUR,
    PLAZA_ACCOUNTING,
    RELEASED,
    WORSE,
    Comparison,
    Difference,
    FigureKey,
    Results,
    ResultsError,
)
from ..scenario import Scenario, ScenarioError, parse_scenario
from .formatting import difference, figure
from .tables import TRANSIT_HEAD, crossing_rows, recovery_rows, transit_rows

VERDICT_CLASS = {BETTER: "better", WORSE: "worse"}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
max-width:1200px;padding:0 1em;color:#222;line-height:1.4}
h1{margin-bottom:.1em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
.sub{color:#666;margin-top:0}img{max-width:100%;border:1px solid #eee}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right}
th{background:#f4f6f8}td:first-child,th:first-child,td.l{text-align:left}
tr.total td{font-weight:bold;background:#fafafa}
.better{color:#0a6b2a;font-weight:bold}.worse{color:#b00020;font-weight:bold}.same{color:#777}
.missing{background:#fff4e5;border-left:4px solid #e08a00;padding:.5em .8em}
pre{background:#f7f7f7;padding:.8em;white-space:pre-wrap;font-size:.85em}
"""

# The page checks itself: once loaded it records how many figures rendered and how many
# tables there are, so a test in a headless browser can read them from the DOM.
SELF_CHECK = """
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute('data-figures-loaded', ok + '/' + imgs.length);
  document.body.setAttribute('data-tables', document.querySelectorAll('table').length);
});
"""

RUN_FIGURES = [
    ("timeline.png", "Timeline of the disruption and the plans' actions"),
    ("recovery.png", "Recovery against the baseline: transit time and queue length"),
    ("transit.png", "Transit time by class"),
]
COMPARE_FIGURES = [
    ("timeline.png", "Timeline of the disruption and the plans' actions"),
    ("recovery.png", "Recovery against the baseline: transit time and queue length"),
    ("key_figures.png", "Key figures by plan"),
]

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


MAX_RESULTS_BYTES = 200 * 1024**2  # summary.json of a very large region is tens of MB
MAX_FIGURE_BYTES = 50 * 1024**2


# What results that were edited, damaged or nested absurdly raise when read or shown.
MALFORMED = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    OverflowError,
    IndexError,
    RecursionError,
)


class ReportError(Exception):
    """A results folder whose report cannot be built: one line, exit 2."""


def write_report(folder: Path, scenario: Scenario | None = None) -> Path:
    """Build report.html in ``folder`` from what the folder holds; written atomically.

    ``scenario`` is the scenario as run, when the caller has it (else it is read back
    from the folder's scenario.yaml).
    """
    folder = Path(folder)
    target = folder / "report.html"
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise ReportError(f"{target}: exists and is not a file; nothing written")
    page = build(folder, scenario)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(page)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def is_results_folder(folder: Path) -> bool:
    return (folder / "summary.json").is_file() or (folder / "table.json").is_file()


def _read_results(folder: Path) -> Results | Comparison:
    compare = (folder / "table.json").is_file()
    path = folder / ("table.json" if compare else "summary.json")
    try:
        if not path.is_file() or path.stat().st_size > MAX_RESULTS_BYTES:
            raise ValueError("not a regular file of a sensible size")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as e:
        raise ReportError(
            f"{path}: not readable bordersim results ({type(e).__name__}); "
            "run the scenario again to rebuild them"
        ) from None
    try:
        return Comparison.from_json(data) if compare else Results.from_json(data)
    except ResultsError as e:
        raise ReportError(f"{path}: {e}; run the scenario again to rebuild them") from None
    except MALFORMED as e:
        raise ReportError(
            f"{path}: not bordersim results (a part is missing or of the wrong "
            f"kind: {type(e).__name__}); run the scenario again to rebuild "
            "them"
        ) from None


def build(folder: Path, scenario: Scenario | None = None) -> str:
    data = _read_results(folder)
    compare = isinstance(data, Comparison)
    ctx = data.context
    missing: list[str] = []
    if scenario is None and (folder / "scenario.yaml").is_file():
        try:
            text = (folder / "scenario.yaml").read_text(encoding="utf-8")
            scenario = parse_scenario(text, "scenario.yaml")
            scenario = scenario.model_copy(update={"seed": ctx.seed})
        except (ScenarioError, OSError, UnicodeDecodeError):
            missing.append("scenario.yaml (unreadable)")
    elif scenario is None:
        missing.append("scenario.yaml")
    description = scenario.description if scenario else ctx.description
    reps = data.replications
    kind = "Comparison of response plans" if compare else "Run"
    plan = "" if compare or data.plan == "scenario" else f" with plan '{data.plan}'"
    intro = (
        f"{kind}{plan}, {reps} replication(s). Figures with ± are means with the "
        f"half-width of their 95% confidence interval. Generated "
        f"{datetime.now():%Y-%m-%d %H:%M} by bordersim."
    )
    sections: list[dict[str, Any]] = []
    for file, title in COMPARE_FIGURES if compare else RUN_FIGURES:
        image = _image(folder / file)
        if image is None:
            missing.append(file)
        else:
            sections.append(_section(title, image=image))
    try:
        sections += _compare_tables(data) if compare else _run_tables(data)
    except MALFORMED as e:
        raise ReportError(
            f"{folder}: the results do not have the expected shape ({e!r}); "
            "run the scenario again to rebuild them"
        ) from None
    return _TEMPLATES.get_template("report.html.j2").render(
        name=ctx.scenario,
        description=description,
        intro=intro,
        missing=missing,
        setup="\n".join(explain(scenario)) if scenario is not None else "",
        sections=sections,
        css=CSS,
        self_check=SELF_CHECK,
    )


def _image(path: Path) -> str | None:
    """A figure of the folder, base64; None if missing, or not a plain PNG file."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_FIGURE_BYTES:
            return None  # a link, a pipe or a device is never one of bordersim's figures
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(b"\x89PNG"):
        return None
    return base64.b64encode(data).decode("ascii")


def _section(
    title: str,
    image: str | None = None,
    head: list[str] | None = None,
    rows: list[list[Any]] | None = None,
    total_rows: int = 0,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "title": title,
        "image": image,
        "head": head or [],
        "total_rows": total_rows,
        "rows": [[_cell(c) for c in row] for row in rows or []],
        "notes": notes or [],
    }


def _cell(c: Any) -> dict[str, Any]:
    """A table cell: text (escaped by the template), or lines each with a class."""
    if isinstance(c, dict):
        return c
    return {"lines": [{"text": str(c), "cls": None}], "cls": None}


def _lines(*parts: tuple[str, str | None]) -> dict[str, Any]:
    return {"lines": [{"text": t, "cls": cls} for t, cls in parts], "cls": None}


def _run_tables(s: Results) -> list[dict[str, Any]]:
    out = []
    ctx = s.context
    rows = [row for group in transit_rows(s) for row in group]
    out.append(_section("Transit time (minutes, after the warm-up)", rows=rows, head=TRANSIT_HEAD))
    rows = recovery_rows(s, "no disruption")
    out.append(
        _section(
            "Recovery",
            rows=rows,
            head=[
                "plaza",
                "disruption",
                "backlog (vehicles)",
                "time to clear",
                "time to recover",
                "max queue (km)",
                "excess delay (veh-h)",
            ],
        )
    )
    crossings = ctx.crossings
    if len(crossings) > 1:
        rows = crossing_rows(s)
        rows.append(
            [
                "region",
                figure(s.get(RELEASED), ",.0f"),
                figure(s.get(DIVERTED), ",.0f"),
                "-",
                figure(s.get(EXCESS_DELAY), ",.0f"),
                figure(s.get(DELAY_COST), ",.0f"),
            ]
        )
        out.append(
            _section(
                "By crossing",
                rows=rows,
                total_rows=1,
                head=[
                    "crossing",
                    "released",
                    "diverted away",
                    "diverted in",
                    "excess delay (veh-h)",
                    "cost of delay",
                ],
            )
        )
    rows = []
    for info in ctx.plazas:
        at = info.place
        for cls in ctx.classes:
            if s.get(ARRIVED, at, cls) is None:
                continue
            rows.append(
                [at.label, cls, *(figure(s.get(m, at, cls), ",.0f") for m in PLAZA_ACCOUNTING)]
            )
    region = [figure(s.get(m), ",.0f") for m in PLAZA_ACCOUNTING[:6]]
    rows.append(
        [
            "region",
            "all",
            *region,
            f"{figure(s.get(ON_DETOUR), ',.0f')} on the road",
            figure(s.get(GAVE_UP), ",.0f"),
        ]
    )
    out.append(
        _section(
            "Accounting: where every vehicle is at the end",
            rows=rows,
            total_rows=1,
            head=["plaza", "class", *(m.name.replace("_", " ") for m in PLAZA_ACCOUNTING)],
            notes=[
                "Per plaza: arrived = released + queued + staged + at primary + at secondary "
                "+ diverted + gave up. For the region each vehicle counts once, where it first "
                "arrived; diverted vehicles still driving at the end are on the road."
            ],
        )
    )
    return out


def _compare_tables(t: Comparison) -> list[dict[str, Any]]:
    ref = t.reference
    ranked = t.row(t.ranked_by)
    assert ranked is not None
    rows = []
    for rank, plan in enumerate(t.ranking, 1):
        d = ranked.differences.get(plan)
        diff = _cell("-") if plan == ref else _lines(_diff(d))
        rows.append(
            [
                str(rank),
                plan,
                figure(ranked.by_plan[plan], ",.0f"),
                diff,
                figure(t.get(FigureKey(GAVE_UP), plan), ",.0f"),
            ]
        )
    out = [
        _section(
            f"Plans ranked by {t.ranked_by.label}",
            rows=rows,
            head=["rank", "plan", "excess delay (veh-h)", f"difference to {ref}", "gave up (veh)"],
            notes=[
                f"Differences are paired replication by replication (common random numbers) "
                f"against '{ref}'. Green is better and red worse: the 95% interval excludes "
                f"zero and the difference is over {t.practical:.0%} of '{ref}''s value. Grey: "
                "no practical difference (smaller than that), or not clear (the interval "
                "includes no change)."
            ],
        )
    ]
    rows = []
    for r in t.rows:
        cells: list[Any] = [r.key.label]
        for plan in t.plans:
            parts = [(figure(r.by_plan[plan]), None)]
            d = r.differences.get(plan)
            if d is not None and d.estimate.mean is not None:
                parts.append(_diff(d))
            cells.append(_lines(*parts))
        rows.append(cells)
    out.append(_section("Every figure, by plan", rows=rows, head=["figure", *t.plans]))
    return out


def _diff(d: Difference | None) -> tuple[str, str | None]:
    """A paired difference in words, with the class that colours it by its verdict."""
    text, verdict = difference(d, ",.1f")
    return text, VERDICT_CLASS.get(verdict, "same")
