"""results.xlsx: the tables of a run or a comparison as an Excel workbook.

Planners live in Excel. The workbook holds the same tidy rows as the CSV files (one
figure a row, nothing packed into one cell), with a header row frozen and filters on, plus
the headline in sentences and what made the results. Written with openpyxl, imported only
here, when a results folder is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..results import FIGURE_COLUMNS, TABLE_COLUMNS, Comparison, Results, figure_rows
from .briefing import compare_briefing, run_briefing
from .tables import OVERVIEW_HEAD, overview_rows, ranking_head, ranking_rows


def write_workbook(path: Path, data: Results | Comparison) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    about = wb.active
    about.title = "headline"
    ctx = data.context
    compare = isinstance(data, Comparison)
    about.append([ctx.scenario])
    about["A1"].font = Font(bold=True, size=14)
    about.append([ctx.description])
    about.append([f"replications: {data.replications}, seed {ctx.seed}"])
    about.append([])
    for p in compare_briefing(data) if compare else run_briefing(data):
        about.append([p.heading, p.text])
        about.cell(about.max_row, 1).font = Font(bold=True)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 140

    if compare:
        _sheet(wb, "ranking", ranking_head(data), [_plain(r) for r in ranking_rows(data)])
        rows = [[r[c] for c in TABLE_COLUMNS] for r in data.table_rows()]
        _sheet(wb, "every figure", TABLE_COLUMNS, rows)
    else:
        _sheet(wb, "plazas", OVERVIEW_HEAD, overview_rows(data))
        _sheet(wb, "every figure", FIGURE_COLUMNS, list(figure_rows(data)))
    wb.save(path)


def _plain(row: list[Any]) -> list[Any]:
    return [c[0] if isinstance(c, tuple) else c for c in row]


def _sheet(wb, title: str, head: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(head)
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append([_excel(v) for v in row])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for i, h in enumerate(head, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(str(h)) + 4))


def _excel(v: Any) -> Any:
    """A cell: numbers stay numbers; text that a spreadsheet would run as a formula is
    kept as text (names in a scenario file are the user's, not the workbook's)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v
