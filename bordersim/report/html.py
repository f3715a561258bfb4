"""report.html: one self-contained page for a briefing, built from a results folder.

The page opens with what happened (or, for a comparison, the plan to brief), in
sentences with clock times; then the ranking or the plazas' table, an hour-by-hour chart
to read values off, the figures, the detail tables (collapsed) and a glossary.

Everything the page needs is in the folder (summary.json or table.json, the figures,
recovery_chart.json and scenario.yaml), so ``bordersim report DIR`` rebuilds it without
running anything. Figures are embedded as data URIs and the chart library (uPlot, MIT)
is shipped with bordersim and inlined: the file opens anywhere, with no network access.
The page is rendered by a Jinja2 template with escaping on for every value (the chart's
data goes through ``tojson``), so nothing read from a file can put markup or script into
the page. A part missing from the folder is named on the page, and the rest is shown.
"""

from __future__ import annotations

import base64
import json
import math
import os
import tempfile
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..explain import explain
from ..results import (
    ARRIVED,
    BETTER,
    GAVE_UP,
    ON_DETOUR,
    PLAZA_ACCOUNTING,
    WORSE,
    Comparison,
    Results,
    ResultsError,
)
from ..scenario import Scenario, ScenarioError, parse_scenario
from ..units import format_duration
from .briefing import GLOSSARY, compare_briefing, run_briefing
from .formatting import figure
from .series import CHART_FILE
from .tables import (
    CROSSING_HEAD,
    OVERVIEW_HEAD,
    RECOVERY_HEAD,
    TRANSIT_HEAD,
    crossing_rows,
    every_figure_rows,
    overview_rows,
    ranking_head,
    ranking_rows,
    recovery_rows,
    transit_rows,
)

VERDICT_CLASS = {BETTER: "better", WORSE: "worse"}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em auto;
max-width:1200px;padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.1em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.4em}
.sub{color:#444;margin:.2em 0;font-size:1.05em}.meta{color:#666;font-size:.9em;margin-top:.2em}
.headline{background:#f5f8fb;border-left:5px solid #0072B2;padding:.3em 1.2em .6em}
.headline h2{border:none;margin-top:.4em}.headline p{margin:.5em 0}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}
figcaption,.note{color:#555;font-size:.88em}
table{border-collapse:collapse;margin:.6em 0 1em;font-size:.9em}
.scroll{overflow-x:auto}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right;vertical-align:top}
th{background:#f4f6f8}td:first-child,th:first-child,td.l,th.l{text-align:left}
tr.total td{font-weight:bold;background:#fafafa}
.better{color:#0a6b2a;font-weight:bold}.worse{color:#b00020;font-weight:bold}.same{color:#666}
.missing{background:#fff4e5;border-left:4px solid #e08a00;padding:.5em .8em}
details{margin:.4em 0}summary{cursor:pointer;font-weight:600;padding:.3em 0}
pre{background:#f7f7f7;padding:.8em;white-space:pre-wrap;font-size:.85em}
dt{font-weight:600;margin-top:.5em}dd{margin-left:1.5em}
.chart-controls{margin:.4em 0}.chart-controls label{margin-right:1.5em}#chart{min-height:380px}
"""

# The page checks itself once loaded: how many figures rendered, how many tables, and any
# script error, so a test in a headless browser can read them from the DOM.
SELF_CHECK = """
window.addEventListener('error', function (e) {
  document.documentElement.setAttribute('data-script-error', String(e.message));
});
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute('data-figures-loaded', ok + '/' + imgs.length);
  document.body.setAttribute('data-tables', document.querySelectorAll('table').length);
});
"""

RUN_FIGURES = [
    ("overview.png", "Every crossing at a glance"),
    ("recovery.png", "Recovery against the baseline: transit time and queue length"),
    ("timeline.png", "Timeline of the disruption"),
    ("transit.png", "Share of vehicles by transit time"),
]
COMPARE_FIGURES = [
    ("key_figures.png", "Key figures by plan"),
    ("overview.png", "Every crossing at a glance"),
    ("recovery.png", "Recovery of each plan against the baseline"),
    ("timeline.png", "Timeline of the disruption and the plans' actions"),
]
OPTIONAL_FIGURES = {"overview.png"}  # only for regions of several crossings

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


MAX_RESULTS_BYTES = 200 * 1024**2  # summary.json of a very large region is tens of MB
MAX_FIGURE_BYTES = 50 * 1024**2
MAX_CHART_BYTES = 20 * 1024**2


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
    if compare:
        kind = f"Comparison of {len(data.plans)} response plans"
    else:
        kind = "Run" + ("" if data.plan == "scenario" else f" with plan '{data.plan}'")
    intro = f"{kind}, {reps} replication{'s' if reps != 1 else ''}, seed {ctx.seed}. " + _when_made(
        folder
    )
    figures = []
    for file, title in COMPARE_FIGURES if compare else RUN_FIGURES:
        image = _image(folder / file)
        if image is not None:
            figures.append({"file": file, "title": title, "image": image})
        elif file not in OPTIONAL_FIGURES or len(ctx.crossings) > 1:
            missing.append(file)
    chart = _chart(folder, missing)
    after_action = _after_action(folder, missing)
    try:
        if compare:
            headline = compare_briefing(data)
            top = [_ranking_table(data)]
            details = _compare_details(data)
        else:
            headline = run_briefing(data)
            top = [_overview_table(data)]
            details = _run_details(data)
    except MALFORMED as e:
        raise ReportError(
            f"{folder}: the results do not have the expected shape ({e!r}); "
            "run the scenario again to rebuild them"
        ) from None
    assets = files("bordersim.report") / "assets"

    def asset(name: str) -> str:
        return (assets / name).read_text(encoding="utf-8") if chart else ""

    return _TEMPLATES.get_template("report.html.j2").render(
        name=ctx.scenario,
        description=description,
        intro=intro,
        missing=missing,
        after_action=after_action,
        headline_title="Recommendation" if compare else "What happened",
        headline=headline,
        top_tables=top,
        chart_data=chart,
        chart_note=_chart_note(chart),
        chart_js=asset("uPlot.iife.min.js"),
        chart_css=asset("uPlot.min.css"),
        chart_app=asset("chart.js"),
        figures=figures,
        detail_tables=details,
        # the scenario as run: its replications are the study's (--reps), not the file's
        setup="\n".join(explain(scenario.model_copy(update={"replications": reps})))
        if scenario is not None
        else "",
        glossary=GLOSSARY,
        css=CSS,
        self_check=SELF_CHECK,
    )


AFTER_ACTION_FILE = "exercise.json"  # written beside the results of an exercise's replay


def _after_action(folder: Path, missing: list[str]) -> dict[str, Any] | None:
    """The after-action words of an exercise (bordersim.exercise.after_action), checked
    for shape: a folder's files are data, and the page shows only text from them."""
    path = folder / AFTER_ACTION_FILE
    if not path.exists():
        return None
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_RESULTS_BYTES:
            raise ValueError("not a regular file of a sensible size")
        data = json.loads(path.read_text(encoding="utf-8"))

        def text(v: Any) -> str:
            if not isinstance(v, str):
                raise ValueError("text expected")
            return v

        paragraphs = [
            {
                "heading": text(p["heading"]),
                "sentences": [
                    {
                        "text": text(x["text"]),
                        "tone": x["tone"] if x.get("tone") in ("better", "worse") else None,
                    }
                    for x in p["sentences"]
                ],
            }
            for p in data["paragraphs"]
        ]
        rows = [
            [text(r["clock"]), text(r["kind"]), text(r["who"]), text(r["what"])]
            for r in data["timeline"]
        ]
        decisions: list[list[Any]] = [[text(c) for c in r] for r in data.get("decision_rows", [])]
        if any(len(r) != 6 for r in decisions):
            raise ValueError("a decision row has six cells")
        tone = {"it helped": BETTER, "it made things worse": WORSE}
        decisions = [[*r[:5], (r[5], tone.get(r[5]))] for r in decisions]  # said in colour too
        return {
            "title": text(data["title"]),
            "clock": text(data["clock"]),
            "paragraphs": paragraphs,
            "decisions": _table(
                "Each decision, removed in turn",
                ["", "when", "who", "decision", "without it: total excess delay", "so"],
                decisions,
                id="decisions",
                left=4,
                notes=[
                    "The decisions as played, less this one, against the decisions as played: "
                    "paired on the same replications. More delay without it means it helped."
                ],
            )
            if decisions
            else None,
            "timeline": _table(
                "Timeline of the exercise: injects and decisions",
                ["when", "what", "who", "message or decision"],
                rows,
                id="timeline",
                left=4,
            ),
        }
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError):
        missing.append(f"{AFTER_ACTION_FILE} (unreadable)")
        return None


def _when_made(folder: Path) -> str:
    """When the results were simulated and, for a page rebuilt later, when it was."""
    from ..folders import read_marker

    now = f"{datetime.now():%Y-%m-%d %H:%M}"
    marker = read_marker(folder)
    created = marker.get("created") if marker else None
    if not isinstance(created, str):
        return f"Simulated {now} by bordersim."
    try:
        made = f"{datetime.fromisoformat(created):%Y-%m-%d %H:%M}"
    except ValueError:
        return f"Simulated {now} by bordersim."
    return f"Simulated {made} by bordersim; this page rebuilt {now}."


def _chart(folder: Path, missing: list[str]) -> dict[str, Any] | None:
    """The interactive chart's data from the folder, checked for shape (None if absent)."""
    path = folder / CHART_FILE
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_CHART_BYTES:
            missing.append(CHART_FILE)
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if not _chart_shape(data):
            raise ValueError("not the chart's shape")
        return data
    except (OSError, UnicodeDecodeError, *MALFORMED):
        missing.append(f"{CHART_FILE} (unreadable)")
        return None


def _chart_shape(data: Any) -> bool:
    def number(v: Any) -> bool:  # finite: JSON's NaN would break the page's JSON.parse
        return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)

    def numbers(c: Any, n: int) -> bool:
        return isinstance(c, list) and len(c) == n and all(v is None or number(v) for v in c)

    n = len(data["x"])
    plans = data["plans"]
    every = data.get("every_minutes", 5)
    ok = (
        isinstance(data["calendar"], bool)
        and number(every)
        and 0 < every <= 7 * 24 * 60
        and n > 0
        and None not in data["x"]
        and numbers(data["x"], n)
        and len(plans) > 0
        and all(isinstance(p, str) for p in plans)
        and len(data["colours"]) == len(plans) == len(data["dashes"])
        and all(isinstance(c, str) and c.startswith("#") and len(c) == 7 for c in data["colours"])
        and isinstance(data["plazas"], list)
        and len(data["plazas"]) > 0
    )
    for p in data["plazas"]:
        ok = ok and isinstance(p["name"], str)
        ok = ok and all(
            isinstance(e, list)
            and len(e) == 3
            and numbers(e[:2], 2)
            and None not in e[:2]
            and isinstance(e[2], str)
            for e in p.get("events", [])
        )
        for series in ("queue_km", "transit"):
            s = p[series]
            ok = ok and numbers(s["baseline"], n) and all(numbers(s["plans"][q], n) for q in plans)
            ok = ok and all(isinstance(v, str) for v in s["same_as"].values())
    return bool(ok)


def _chart_note(chart: dict[str, Any] | None) -> str:
    if not chart:
        return ""
    every = format_duration(float(chart.get("every_minutes", 5)) * 60)
    return (
        f"Medians over the replications, one value every {every}; drag across to zoom, "
        "double-click to zoom out. The most delayed plazas come first."
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


def _table(
    title: str,
    head: list[str],
    rows: list[list[Any]],
    *,
    id: str = "",
    total_rows: int = 0,
    notes: list[str] | None = None,
    left: int = 1,
) -> dict[str, Any]:
    """A table for the template; its first ``left`` columns are text, aligned left."""
    return {
        "title": title,
        "left": left,
        "id": id,
        "head": [h.replace("veh-h", "veh\u2011h") for h in head],  # never broken at its hyphen
        "total_rows": total_rows,
        "rows": [[_cell(c) for c in row] for row in rows],
        "notes": notes or [],
        "open": False,
    }


def _cell(c: Any) -> dict[str, Any]:
    """A table cell: text (escaped by the template), a (text, verdict) pair coloured by
    its verdict, or lines each with a class."""
    if isinstance(c, dict):
        return c
    if isinstance(c, tuple):
        text, verdict = c
        return _lines((text, VERDICT_CLASS.get(verdict, "same")))
    return _lines((str(c), None))


def _lines(*parts: tuple[str, str | None]) -> dict[str, Any]:
    return {"lines": [{"text": t, "cls": cls} for t, cls in parts], "cls": None}


def _overview_table(r: Results) -> dict[str, Any]:
    return _table("By plaza, most delayed first", OVERVIEW_HEAD, overview_rows(r), id="plazas")


def _run_details(s: Results) -> list[dict[str, Any]]:
    ctx = s.context
    out = [
        _table(
            "Recovery by plaza",
            RECOVERY_HEAD,
            recovery_rows(s, "no disruption"),
            left=2,
            notes=[
                "Backlog, time to clear and time to recover are measured from the end of the "
                "disruption; with replications, times are medians with their 95% interval "
                "(or, under six replications, their range)."
            ],
        ),
        _table(
            "Transit time by plaza and class (after the warm-up)",
            TRANSIT_HEAD,
            [row for group in transit_rows(s) for row in group],
            left=2,
            notes=[
                "Times of the vehicles that crossed. Drivers who gave up are not in them: the "
                "last column says how many, and how long they had waited."
            ],
        ),
    ]
    if len(ctx.crossings) > 1:
        out.append(_table("By crossing", CROSSING_HEAD, crossing_rows(s), total_rows=1))
    rows = []
    for info in ctx.plazas:
        at = info.place
        for cls in ctx.classes:
            if s.get(ARRIVED, at, cls) is None:
                continue
            rows.append(
                [ctx.name(at), cls, *(figure(s.get(m, at, cls), ",.0f") for m in PLAZA_ACCOUNTING)]
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
        _table(
            "Accounting: where every vehicle is at the end",
            ["plaza", "class", *(m.label for m in PLAZA_ACCOUNTING)],
            rows,
            total_rows=1,
            left=2,
            notes=[
                "Per plaza: arrived = released + queued + staged + at primary + at secondary "
                "+ diverted + gave up. For the region each vehicle counts once, where it first "
                "arrived; diverted vehicles still driving at the end are on the road."
            ],
        )
    )
    return out


def _ranking_table(t: Comparison) -> dict[str, Any]:
    return _table(
        "Plans ranked by total excess delay",
        ranking_head(t),
        ranking_rows(t),
        id="ranking",
        left=2,
        notes=[
            f"Mean ±95% interval over {t.replications} replications. Differences are paired "
            f"replication by replication (common random numbers) against '{t.reference}'. "
            f"Green says better and red worse: the 95% interval excludes zero and the "
            f"difference is over {t.practical:.0%} of the value under '{t.reference}'. Grey: no "
            "practical difference (the whole interval within that share), or not clear. "
            "Times to recover are medians."
        ],
    )


def _compare_details(t: Comparison) -> list[dict[str, Any]]:
    by_place: dict[str, list] = {}
    for where, what, cells in every_figure_rows(t):
        row: list[Any] = [what]
        for main, diff in cells:
            parts = [(main, None)]
            if diff is not None:
                parts.append((diff[0], VERDICT_CLASS.get(diff[1], "same")))
            row.append(_lines(*parts))
        by_place.setdefault(where, []).append(row)
    return [
        _table(
            f"{where}: every figure by plan" if where != "the region" else "All plazas",
            ["figure", *t.plans],
            rows,
            notes=[f"Under each plan but '{t.reference}': its difference to '{t.reference}'."],
        )
        for where, rows in by_place.items()
    ]
