"""Figures drawn in a process of their own, while the main process does the rest.

matplotlib takes about a third of a second to load and each figure a tenth or more to
draw. A results folder needs several figures and the main process has other files to
write, and a machine has more than one core: so a *drawing* process is started as soon
as the scenario is read. It loads matplotlib while the simulation runs, then draws the
figures it is sent while the main process writes the data files, the workbook and the
report's tables; the report waits for the figures at the end.

It is one of bordersim's own worker processes (:mod:`bordersim.workers`): tasks go to it
as pickles between bordersim's processes, and it stops when bordersim stops, however it
stops. Each task names a drawing function of :mod:`bordersim.report.figures` and its
arguments, trimmed beforehand to what the figure shows (a few plazas' curves), so little
crosses the pipe. Tasks are sent by a thread of their own: the drawing process reads
them only once it has loaded matplotlib, and the main process does not wait for that.

A region's recovery figure (a panel per plaza drawn) takes as long to draw as all the
others together: for a region, a second drawing process is started once the scenario is
read (:meth:`Drawing.another_hand`), and draws that figure while the first draws the
rest; past 50 plazas it also writes the workbook (:meth:`Drawing.write_book`), while the
main process writes the plazas' time series.
"""

from __future__ import annotations

import contextlib
from typing import Any


def _warm_up(_: Any) -> None:
    """Load what drawing needs (in the drawing process, at its start)."""
    from . import figures  # noqa: F401 - matplotlib, at last


def _draw(task: tuple[str, tuple[Any, ...]]) -> tuple[Any, ...] | None:
    """Draw; an OSError (a full disk) comes back as its (errno, strerror, filename), to be
    raised as one in the main process, which says it in one line."""
    name, args = task
    try:
        if name == "workbook":
            from .xlsx import write_book

            write_book(*args)
            return None
        from . import figures

        getattr(figures, name)(*args)
    except OSError as e:
        return (e.errno, e.strerror, e.filename)
    return None


class _Drawer:
    """One drawing process, and the thread that sends it its tasks (it reads them only
    once it has loaded matplotlib: the main process does not wait for that)."""

    def __init__(self) -> None:
        import queue
        import threading

        from ..workers import WorkerPool

        self.pool = WorkerPool(1).__enter__()
        self.outbox: queue.Queue[Any] = queue.Queue()
        self.pending = 0
        threading.Thread(target=self._send, daemon=True).start()
        self.put(_warm_up, None)

    def put(self, work: Any, item: Any) -> None:
        self.outbox.put((work, item))
        self.pending += 1

    def _send(self) -> None:
        while True:
            task = self.outbox.get()
            if task is None:
                return
            try:
                self.pool.submit(0, *task)
            except (OSError, ValueError):
                return  # the drawing process is gone: wait() says so

    def collect(self) -> list[Any]:
        """The results of every task sent (raises WorkerError if the process died)."""
        results = list(self.pool.collect(self.pending)) if self.pending else []
        self.pending = 0
        return results

    def close(self) -> None:
        self.outbox.put(None)
        self.pool.close()


HEAVY = "recovery"  # a panel per plaza drawn: the figure that takes longest in a region


class Drawing:
    """A drawing process; ``draw`` sends a figure to draw, ``wait`` waits for them all.
    Without a process (``Drawing(background=False)``) figures are drawn on the spot.
    :meth:`another_hand` adds a second process, for a region's figures."""

    def __init__(self, background: bool = True) -> None:
        self.background = background
        self.drawers: list[_Drawer] = []

    def __enter__(self) -> Drawing:
        if self.background:
            self.drawers.append(_Drawer())
        return self

    def another_hand(self) -> None:
        """A second drawing process, started now to load matplotlib while the study
        runs: the recovery figure, which for a region takes as long as all the others
        together, is drawn there while the first process draws the rest."""
        if len(self.drawers) == 1:
            # no process to spare (OSError): the first one draws everything
            with contextlib.suppress(OSError):
                self.drawers.append(_Drawer())

    def __exit__(self, *exc: Any) -> None:
        for drawer in self.drawers:
            drawer.close()
        self.drawers = []

    def draw(self, name: str, *args: Any) -> None:
        """Draw ``figures.<name>(*args)``: in a drawing process, or here and now."""
        if not self.drawers:
            failed = _draw((name, args))
            if failed is not None:
                raise OSError(*failed)
            return
        drawer = self.drawers[-1] if name == HEAVY else self.drawers[0]
        drawer.put(_draw, (name, args))

    def write_book(self, path: Any, book: Any, elsewhere: bool = False) -> None:
        """Write results.xlsx (xlsx.write_book): here, or with ``elsewhere`` in the second
        drawing process when there is one (a region of many plazas, whose files keep this
        process busy while the first draws most figures)."""
        if elsewhere and len(self.drawers) == 2:
            self.drawers[1].put(_draw, ("workbook", (path, book)))
            return
        from .xlsx import write_book

        write_book(path, book)

    def wait(self) -> None:
        """Everything sent is drawn (a failure in a drawing process is raised here)."""
        failed = [r for d in self.drawers for r in d.collect() if r is not None]
        if failed:
            raise OSError(*failed[0])
