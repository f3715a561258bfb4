"""What the terminal shows after a run or a comparison: the headline first, in sentences,
then one short table. Every figure is in report.html and the results files.

Nothing a planner needs is ever cut: on a narrow terminal (under STACK_BELOW columns) a
table is printed as one block of lines per row, each value named, so a plan name or a
number is whole at 80 columns; wider, columns fold rather than end in an ellipsis.
"""

from __future__ import annotations

import textwrap

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..results import (
    ARRIVED,
    AT_PRIMARY,
    AT_SECONDARY,
    BETTER,
    DIVERTED,
    GAVE_UP,
    ON_DETOUR,
    QUEUED,
    RELEASED,
    STAGED,
    WORSE,
    Comparison,
    Results,
)
from .briefing import Paragraph, compare_briefing, run_briefing
from .tables import OVERVIEW_HEAD, overview_rows, ranking_head, ranking_rows

MAX_ROWS = 10  # plazas in the terminal's table; every one is in the report
STACK_BELOW = 110  # columns: narrower terminals get a block of lines per row
STYLES = {BETTER: "bold green", WORSE: "bold red"}  # the words say it too


def print_summary(results: Results, console: Console) -> None:
    """The headline of a run, its most delayed plazas, and where every vehicle is."""
    ctx = results.context
    plan = f" with plan '{results.plan}'" if results.plan != "scenario" else ""
    _title(console, f"{ctx.scenario}{plan}", ctx.description)
    _paragraphs(console, run_briefing(results))
    rows = overview_rows(results)
    _rows(console, "By plaza, most delayed first", OVERVIEW_HEAD, rows[:MAX_ROWS], heading=1)
    if len(rows) > MAX_ROWS:
        console.print(f"... and {len(rows) - MAX_ROWS} more plazas in report.html")
    acc = {m: results.get(m).value or 0.0 for m in (ARRIVED, RELEASED, QUEUED, STAGED)}
    inspected = sum(results.get(m).value or 0.0 for m in (AT_PRIMARY, AT_SECONDARY))
    gave_up = results.get(GAVE_UP).value or 0.0
    road = results.get(ON_DETOUR).value or 0.0
    per = " (mean per replication)" if results.replications > 1 else ""
    text = (
        f"Every vehicle{per}: {acc[ARRIVED]:,.0f} arrived = {acc[RELEASED]:,.0f} crossed "
        f"+ {acc[QUEUED]:,.0f} still queued + {acc[STAGED]:,.0f} staged + "
        f"{inspected:,.0f} in inspection + {road:,.0f} on a detour + {gave_up:,.0f} gave up"
    )
    diverted = results.get(DIVERTED).value or 0.0
    if diverted:
        text += f" ({diverted:,.0f} diverted to another crossing)"
    console.print(Text(text, style="dim"))


def print_comparison(result: Comparison, console: Console) -> None:
    """The recommendation, then the plans ranked by total excess delay."""
    ctx = result.context
    _title(console, ctx.scenario, ctx.description)
    _paragraphs(console, compare_briefing(result))
    _rows(
        console,
        f"Plans ranked by total excess delay ({result.replications} replications, "
        f"mean ±95% interval; against '{result.reference}' paired replication by "
        f"replication; better or worse only when clear and over {result.practical:.0%})",
        ranking_head(result),
        ranking_rows(result),
        heading=2,
    )


def _title(console: Console, name: str, description: str) -> None:
    console.print(Text(name, style="bold"))
    if description:
        console.print(Text(description, style="italic"))
    console.print()


def _paragraphs(console: Console, paragraphs: list[Paragraph]) -> None:
    for p in paragraphs:
        text = Text()
        text.append(p.heading + ". ", style="bold")
        for i, s in enumerate(p.sentences):
            text.append(("" if i == 0 else " ") + s.text, style=STYLES.get(s.tone or ""))
        console.print(text)
        console.print()


def _rows(
    console: Console, title: str, head: list[str], rows: list[list], heading: int = 1
) -> None:
    """A table, or on a narrow terminal one block per row: its first ``heading`` cells as
    a heading, then each other value after its column's name, wrapped under itself."""
    if console.width >= STACK_BELOW:
        t = _table(title, head)
        for row in rows:
            t.add_row(*(_cell(c) for c in row))
        console.print(t)
        return
    console.print(Text(title, style="bold"))
    for row in rows:
        console.print(Text("  ".join(str(c) for c in row[:heading]), style="bold"))
        for name, c in zip(head[heading:], row[heading:], strict=True):
            cell = _cell(c)
            lines = textwrap.wrap(
                f"{name}: {cell.plain}",
                max(30, console.width),
                initial_indent="    ",
                subsequent_indent="      ",
            )
            for line in lines:  # wrapped here: no padding to the terminal's width
                console.print(Text(line, style=cell.style), soft_wrap=True)
    console.print()


def _table(title: str, head: list[str]) -> Table:
    t = Table(title=title, title_justify="left", show_lines=False)
    for i, col in enumerate(head):
        # fold: a word longer than its column goes on the next line, never "…"
        t.add_column(col, justify="left" if i < 2 else "right", overflow="fold", no_wrap=i < 2)
    return t


def _cell(c: str | tuple[str, str]) -> Text:
    if isinstance(c, tuple):
        text, verdict = c
        return Text(text, style=STYLES.get(verdict, "dim"))
    return Text(c)
