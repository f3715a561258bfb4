"""report.html: one self-contained page for a briefing, built from a results folder.

Everything the page needs is in the folder (summary.json or table.json, the figures
and scenario.yaml), so ``bordersim report DIR`` rebuilds it without running anything.
Figures are embedded as data URIs: the file opens anywhere, with no network access.
"""

from __future__ import annotations

import base64
import html
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from ..explain import explain
from ..scenario import ScenarioError, parse_scenario
from .formatting import figure, hours, row_ci, when

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
max-width:1200px;padding:0 1em;color:#222;line-height:1.4}
h1{margin-bottom:.1em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
.sub{color:#666;margin-top:0}img{max-width:100%;border:1px solid #eee}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right}
th{background:#f4f6f8}td:first-child,th:first-child,td.l{text-align:left}
tr.total td{font-weight:bold;background:#fafafa}.clear{color:#0a6b2a;font-weight:bold}
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

FIGURES = [
    ("timeline.png", "Timeline of the disruption and the plans' actions"),
    ("recovery.png", "Recovery against the baseline: transit time and queue length"),
    ("transit.png", "Transit time by class"),
    ("key_figures.png", "Key figures by plan"),
]


def write_report(folder: Path) -> Path:
    """Build report.html in ``folder`` from what the folder holds; written atomically."""
    folder = Path(folder)
    page = build(folder)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(page)
    os.chmod(tmp, 0o644)
    os.replace(tmp, folder / "report.html")
    return folder / "report.html"


def is_results_folder(folder: Path) -> bool:
    return (folder / "summary.json").is_file() or (folder / "table.json").is_file()


def build(folder: Path) -> str:
    compare = (folder / "table.json").is_file()
    data = json.loads((folder / ("table.json" if compare else "summary.json")).read_text())
    scenario = None
    if (folder / "scenario.yaml").is_file():
        try:
            scenario = parse_scenario((folder / "scenario.yaml").read_text(), "scenario.yaml")
        except ScenarioError:
            scenario = None
    name = data["scenario"]
    description = scenario.description if scenario else data.get("description", "")
    parts = [f"<h1>{_e(name)}</h1>", f"<p class='sub'>{_e(description)}</p>"]
    reps = data.get("replications", 1)
    kind = "Comparison of response plans" if compare else "Run"
    plan = (
        "" if compare or data.get("plan") in (None, "scenario") else f" with plan '{data['plan']}'"
    )
    parts.append(
        f"<p>{kind}{_e(plan)}, {reps} replication(s). Figures with ± are means with the "
        f"half-width of their 95% confidence interval. Generated "
        f"{datetime.now():%Y-%m-%d %H:%M} by bordersim.</p>"
    )
    if scenario is not None:
        parts.append(
            "<h2>Scenario and timeline</h2><pre>" + _e("\n".join(explain(scenario))) + "</pre>"
        )
    for file, title in FIGURES:
        if (folder / file).is_file():
            parts.append(f"<h2>{_e(title)}</h2>{_img(folder / file, title)}")
            if file == "recovery.png":
                parts.extend(_compare_tables(data) if compare else _run_tables(data))
    body = "\n".join(parts)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(name)}: bordersim report</title><style>{CSS}</style>"
        f"<script>{SELF_CHECK}</script></head><body>{body}</body></html>\n"
    )


def _e(text: Any) -> str:
    return html.escape(str(text))


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"<p><img alt='{_e(alt)}' src='data:image/png;base64,{data}'></p>"


def _table(head: list[str], rows: list[list[str]], total_rows: int = 0) -> str:
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for i, row in enumerate(rows):
        cls = " class='total'" if i >= len(rows) - total_rows else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _run_tables(s: dict[str, Any]) -> list[str]:
    out = ["<h2>Transit time (minutes, after the warm-up)</h2>"]
    rows = []
    for p in s["plazas"]:
        for cls, f in p["transit_min"].items():
            r, b = f["run"], f["baseline"]
            rows.append(
                [
                    _e(f"{p['crossing']} {p['direction']}"),
                    _e(cls),
                    figure(r["count"], ",.0f"),
                    figure(r["mean"]),
                    figure(r["p50"]),
                    figure(r["p90"]),
                    figure(r["p95"]),
                    figure(r["max"]),
                    figure(b["mean"]),
                ]
            )
    out.append(
        _table(
            ["plaza", "class", "vehicles", "mean", "p50", "p90", "p95", "max", "baseline mean"],
            rows,
        )
    )
    out.append("<h2>Recovery</h2>")
    rows = []
    for p in s["plazas"]:
        rec = p["recovery"]
        name = _e(f"{p['crossing']} {p['direction']}")
        q = figure(p["queue"]["max_km"])
        delay = figure(p["excess_delay_vehicle_hours"], ",.0f")
        if rec is None:
            rows.append([name, "no disruption", "-", "-", "-", q, delay])
            continue
        window = f"{when(s, rec['disruption_start_h'])} to {when(s, rec['disruption_end_h'])}"
        rows.append(
            [
                name,
                _e(window),
                figure(rec["backlog_vehicles"], ",.0f"),
                _e(hours(rec["time_to_clear_h"], "not within horizon")),
                _e(hours(rec["time_to_recover_h"], "not within horizon")),
                q,
                delay,
            ]
        )
    out.append(
        _table(
            [
                "plaza",
                "disruption",
                "backlog (vehicles)",
                "time to clear",
                "time to recover",
                "max queue (km)",
                "excess delay (veh-h)",
            ],
            rows,
        )
    )
    crossings = s.get("crossings", {})
    if len(crossings) > 1:
        out.append("<h2>By crossing</h2>")
        rows = [
            [
                _e(n),
                figure(c["released"], ",.0f"),
                figure(c["diverted_away"], ",.0f"),
                figure(c["diverted_in"], ",.0f"),
                figure(c["excess_delay_vehicle_hours"], ",.0f"),
                figure(c["excess_delay_cost"], ",.0f"),
            ]
            for n, c in crossings.items()
        ]
        t = s["totals"]
        rows.append(
            [
                "region",
                figure(t["accounting"]["released"], ",.0f"),
                figure(t["accounting"]["diverted"], ",.0f"),
                "-",
                figure(t["excess_delay_vehicle_hours"], ",.0f"),
                figure(t["excess_delay_cost"], ",.0f"),
            ]
        )
        out.append(
            _table(
                [
                    "crossing",
                    "released",
                    "diverted away",
                    "diverted in",
                    "excess delay (veh-h)",
                    "cost of delay",
                ],
                rows,
                total_rows=1,
            )
        )
    out.append("<h2>Accounting: where every vehicle is at the end</h2>")
    keys = [
        "arrived",
        "released",
        "queued",
        "staged",
        "at_primary",
        "at_secondary",
        "diverted",
        "gave_up",
    ]
    rows = []
    for p in s["plazas"]:
        for cls, a in p["accounting"].items():
            rows.append(
                [
                    _e(f"{p['crossing']} {p['direction']}"),
                    _e(cls),
                    *(figure(a[k], ",.0f") for k in keys),
                ]
            )
    t = s["totals"]["accounting"]
    rows.append(
        [
            "region",
            "all",
            figure(t["arrived"], ",.0f"),
            figure(t["released"], ",.0f"),
            figure(t["queued"], ",.0f"),
            figure(t["staged"], ",.0f"),
            figure(t["at_primary"], ",.0f"),
            figure(t["at_secondary"], ",.0f"),
            f"{figure(t['on_detour'], ',.0f')} on the road",
            figure(t["gave_up"], ",.0f"),
        ]
    )
    out.append(_table(["plaza", "class", *(k.replace("_", " ") for k in keys)], rows, total_rows=1))
    out.append(
        "<p>Per plaza: arrived = released + queued + staged + at primary + at secondary "
        "+ diverted + gave up. For the region each vehicle counts once, where it first "
        "arrived; diverted vehicles still driving at the end are on the road.</p>"
    )
    return out


def _compare_tables(t: dict[str, Any]) -> list[str]:
    ref = t["reference"]
    by = {(r["figure"], r["plan"]): r for r in t["rows"]}
    out = [f"<h2>Plans ranked by {_e(t['ranked_by'])}</h2>"]
    rows = []
    for rank, plan in enumerate(t["ranking"], 1):
        r = by[(t["ranked_by"], plan)]
        diff = "-" if plan == ref else _diff(r)
        rows.append(
            [
                str(rank),
                _e(plan),
                figure(row_ci(r), ",.0f"),
                diff,
                figure(row_ci(by[("total: gave up (veh)", plan)]), ",.0f"),
            ]
        )
    out.append(
        _table(
            ["rank", "plan", "excess delay (veh-h)", f"difference to {_e(ref)}", "gave up (veh)"],
            rows,
        )
    )
    out.append(
        f"<p>Differences are paired replication by replication (common random "
        f"numbers) against '{_e(ref)}'; <span class='clear'>bold green</span> ones "
        f"are clear: their 95% interval excludes zero.</p>"
    )
    out.append("<h2>Every figure, by plan</h2>")
    names = list(dict.fromkeys(r["figure"] for r in t["rows"]))
    rows = []
    for name in names:
        cells = [_e(name)]
        for plan in t["plans"]:
            r = by[(name, plan)]
            cell = figure(row_ci(r))
            if plan != ref and r["diff_mean"] is not None:
                cell += f"<br>{_diff(r)}"
            cells.append(cell)
        rows.append(cells)
    out.append(_table(["figure", *(_e(p) for p in t["plans"])], rows))
    return out


def _diff(r: dict[str, Any]) -> str:
    """A paired difference: signed mean, unsigned half-width, green when clear."""
    text = f"{r['diff_mean']:+,.1f}"
    if r["diff_low"] is not None:
        text += f" ±{(r['diff_high'] - r['diff_low']) / 2:,.1f}"
    return f"<span class='clear'>{text}</span>" if r["clear"] else text
