"""Writing a workbook of plain rows with openpyxl (streaming, write-only mode).

Kept apart from :mod:`bordersim.report.workbook`, which decides what goes in, so that
the drawing process can write the file while the main process writes the rest: this
module needs openpyxl and nothing of bordersim's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Sheet:
    """A table: a bold, frozen header row with filters, then the rows."""

    title: str
    head: list[str]
    rows: list[list[Any]]


@dataclass
class Book:
    """A workbook: the headline sheet (lines of cells; bold where marked) and tables."""

    headline: list[list[tuple[Any, bool]]]  # each line: (value, bold) cells
    sheets: list[Sheet] = field(default_factory=list)


def write_book(path: Path, book: Book) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    about = wb.create_sheet("headline")
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 140
    for line in book.headline:
        about.append([_bold(about, v) if bold else v for v, bold in line])
    for sheet in book.sheets:
        _sheet(wb, sheet)
    wb.save(path)


def _bold(ws, value: Any):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True)
    return cell


def _sheet(wb, sheet: Sheet) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sheet.title)
    ws.freeze_panes = "A2"
    head = sheet.head
    for i, h in enumerate(head, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(str(h)) + 4))
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{len(sheet.rows) + 1}"
    ws.append([_bold(ws, h) for h in head])
    for row in sheet.rows:
        ws.append([_excel(v) for v in row])


def _excel(v: Any) -> Any:
    """A cell: numbers stay numbers; text that a spreadsheet would run as a formula is
    kept as text (names in a scenario file are the user's, not the workbook's)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v
