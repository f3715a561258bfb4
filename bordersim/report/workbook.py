"""results.xlsx: the tables of a run or a comparison as an Excel workbook.

Planners live in Excel. The workbook holds the same tidy rows as the CSV files (one
figure a row, nothing packed into one cell), with a header row frozen and filters on, plus
the headline in sentences and what made the results. Written with openpyxl in its
streaming (write-only) mode, imported only here; a region's detail rows are those of
its MAX_PLAZAS most delayed plazas (and every crossing and region total), so writing
stays quick whatever the number of plazas: every figure is in the CSV files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..results import FIGURE_COLUMNS, TABLE_COLUMNS, Comparison, Results, figure_rows
from .briefing import compare_briefing, run_briefing
from .tables import OVERVIEW_HEAD, overview_rows, ranking_head, ranking_rows

MAX_PLAZAS = 50  # plazas whose every figure is in the workbook (all are in the CSV files)


def write_workbook(path: Path, data: Results | Comparison) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ctx = data.context
    compare = isinstance(data, Comparison)
    shown, more = _plazas_shown(data)
    about = wb.create_sheet("headline")
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 140
    about.append([_bold(about, ctx.scenario)])
    about.append([ctx.description])
    about.append([f"replications: {data.replications}, seed {ctx.seed}"])
    about.append([])
    for p in compare_briefing(data) if compare else run_briefing(data):
        about.append([_bold(about, p.heading), p.text])
    if more:
        about.append([])
        about.append(
            [
                "",
                f"The 'every figure' sheet holds the {len(shown)} most delayed plazas of "
                f"{len(shown) + more}, every crossing and the region; every figure of every "
                f"plaza is in {'table.csv' if compare else 'figures.csv'}.",
            ]
        )
    if compare:
        _sheet(wb, "ranking", ranking_head(data), [_plain(r) for r in ranking_rows(data)])
        rows = [
            [r[c] for c in TABLE_COLUMNS]
            for r in data.table_rows()
            if not r["direction"] or f"{r['crossing']}.{r['direction']}" in shown
        ]
        _sheet(wb, "every figure", TABLE_COLUMNS, rows)
    else:
        _sheet(wb, "plazas", OVERVIEW_HEAD, overview_rows(data)[:MAX_PLAZAS])
        where = FIGURE_COLUMNS.index("crossing"), FIGURE_COLUMNS.index("direction")
        rows = [
            row
            for row in figure_rows(data)
            if not row[where[1]] or f"{row[where[0]]}.{row[where[1]]}" in shown
        ]
        _sheet(wb, "every figure", FIGURE_COLUMNS, rows)
    wb.save(path)


def _plazas_shown(data: Results | Comparison) -> tuple[set[str], int]:
    """The keys of the plazas whose detail goes in (the most delayed), and how many not."""
    if isinstance(data, Comparison):
        order = sorted(
            (r for r in data.rows if r.key.measure.name == "excess_delay" and r.key.place.is_plaza),
            key=lambda r: -(r.by_plan[data.reference].value or 0.0),
        )
        keys = [r.key.place.key for r in order]
    else:
        keys = [p.key for p in data.plazas_by_delay()]
    return set(keys[:MAX_PLAZAS]), max(0, len(keys) - MAX_PLAZAS)


def _bold(ws, value: Any):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True)
    return cell


def _plain(row: list[Any]) -> list[Any]:
    return [c[0] if isinstance(c, tuple) else c for c in row]


def _sheet(wb, title: str, head: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, h in enumerate(head, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(str(h)) + 4))
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{len(rows) + 1}"
    ws.append([_bold(ws, h) for h in head])
    for row in rows:
        ws.append([_excel(v) for v in row])


def _excel(v: Any) -> Any:
    """A cell: numbers stay numbers; text that a spreadsheet would run as a formula is
    kept as text (names in a scenario file are the user's, not the workbook's)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v
