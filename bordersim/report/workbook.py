"""results.xlsx: the tables of a run or a comparison as an Excel workbook.

Planners live in Excel. The workbook holds the same tidy rows as the CSV files (one
figure a row, nothing packed into one cell), with a header row frozen and filters on, plus
the headline in sentences and what made the results. Written with openpyxl in its
streaming (write-only) mode (:mod:`bordersim.report.xlsx`) by the main process, while the
drawing process draws the figures (it would otherwise wait for them); a region's detail
rows are those of its MAX_PLAZAS most delayed plazas (and every crossing and region
total), so writing stays quick whatever the number of plazas: every figure is in the CSV
files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..results import FIGURE_COLUMNS, TABLE_COLUMNS, Comparison, Results, figure_rows
from .briefing import compare_briefing, run_briefing
from .tables import OVERVIEW_HEAD, overview_rows, ranking_head, ranking_rows
from .xlsx import Book, Sheet

if TYPE_CHECKING:
    from .drawing import Drawing

MAX_PLAZAS = 50  # plazas whose every figure is in the workbook (all are in the CSV files)


def write_workbook(path: Path, data: Results | Comparison, drawing: Drawing) -> None:
    """Write results.xlsx while the figures are drawn: here, or, for a region of more
    than MAX_PLAZAS plazas (whose time series keep this process busy), by the second
    drawing process after its figure (see Drawing.write_book)."""
    drawing.write_book(path, workbook(data), elsewhere=len(data.context.plazas) > MAX_PLAZAS)


def workbook(data: Results | Comparison) -> Book:
    """What results.xlsx holds, as plain rows."""
    ctx = data.context
    compare = isinstance(data, Comparison)
    shown, more = _plazas_shown(data)
    headline: list[list[tuple[Any, bool]]] = [
        [(ctx.scenario, True)],
        [(ctx.description, False)],
        [(f"replications: {data.replications}, seed {ctx.seed}", False)],
        [],
    ]
    for p in compare_briefing(data) if compare else run_briefing(data):
        headline.append([(p.heading, True), (p.text, False)])
    if more:
        headline.append([])
        headline.append(
            [
                ("", False),
                (
                    f"The 'every figure' sheet holds the {len(shown)} most delayed plazas of "
                    f"{len(shown) + more}, every crossing and the region; every figure of every "
                    f"plaza is in {'table.csv' if compare else 'figures.csv'}.",
                    False,
                ),
            ]
        )
    book = Book(headline)
    if compare:
        book.sheets.append(
            Sheet("ranking", ranking_head(data), [_plain(r) for r in ranking_rows(data)])
        )
        rows = [
            [r[c] for c in TABLE_COLUMNS]
            for r in data.table_rows()
            if not r["direction"] or f"{r['crossing']}.{r['direction']}" in shown
        ]
        book.sheets.append(Sheet("every figure", list(TABLE_COLUMNS), rows))
    else:
        book.sheets.append(Sheet("plazas", OVERVIEW_HEAD, overview_rows(data)[:MAX_PLAZAS]))
        where = FIGURE_COLUMNS.index("crossing"), FIGURE_COLUMNS.index("direction")
        rows = [
            row
            for row in figure_rows(data)
            if not row[where[1]] or f"{row[where[0]]}.{row[where[1]]}" in shown
        ]
        book.sheets.append(Sheet("every figure", list(FIGURE_COLUMNS), rows))
    return book


def _plazas_shown(data: Results | Comparison) -> tuple[set[str], int]:
    """The keys of the plazas whose detail goes in (the most delayed), and how many not."""
    keys = [p.key for p in data.plazas_by_delay()]  # under the reference, for a comparison
    return set(keys[:MAX_PLAZAS]), max(0, len(keys) - MAX_PLAZAS)


def _plain(row: list[Any]) -> list[Any]:
    return [c[0] if isinstance(c, tuple) else c for c in row]
