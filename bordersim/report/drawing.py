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
crosses the pipe. Tasks are sent by a thread of their own: the
drawing process reads them only once it has loaded matplotlib, and the main process
does not wait for that.
"""

from __future__ import annotations

from typing import Any


def _warm_up(_: Any) -> None:
    """Load what drawing needs (in the drawing process, at its start)."""
    from . import figures  # noqa: F401 - matplotlib, at last


def _draw(task: tuple[str, tuple[Any, ...]]) -> tuple[Any, ...] | None:
    """Draw; an OSError (a full disk) comes back as its (errno, strerror, filename), to be
    raised as one in the main process, which says it in one line."""
    name, args = task
    try:
        from . import figures

        getattr(figures, name)(*args)
    except OSError as e:
        return (e.errno, e.strerror, e.filename)
    return None


class Drawing:
    """A drawing process; ``draw`` sends a figure to draw, ``wait`` waits for them all.
    Without a process (``Drawing(background=False)``) figures are drawn on the spot."""

    def __init__(self, background: bool = True) -> None:
        self.background = background
        self.pool: Any = None
        self.pending = 0

    def __enter__(self) -> Drawing:
        if self.background:
            import queue
            import threading

            from ..workers import WorkerPool

            self.pool = WorkerPool(1).__enter__()
            self.outbox: queue.Queue[Any] = queue.Queue()
            self.sender = threading.Thread(target=self._send, daemon=True)
            self.sender.start()
            self.outbox.put((_warm_up, None))
            self.pending = 1
        return self

    def _send(self) -> None:
        while True:
            task = self.outbox.get()
            if task is None:
                return
            try:
                self.pool.submit(0, *task)
            except (OSError, ValueError):
                return  # the drawing process is gone: wait() says so

    def __exit__(self, *exc: Any) -> None:
        if self.pool is not None:
            self.outbox.put(None)
            self.pool.close()
            self.pool = None

    def draw(self, name: str, *args: Any) -> None:
        """Draw ``figures.<name>(*args)``: in the drawing process, or here and now."""
        if self.pool is None:
            failed = _draw((name, args))
            if failed is not None:
                raise OSError(*failed)
            return
        self.outbox.put((_draw, (name, args)))
        self.pending += 1

    def wait(self) -> None:
        """Everything sent is drawn (a failure in the drawing process is raised here)."""
        if self.pool is not None and self.pending:
            failed = [r for r in self.pool.collect(self.pending) if r is not None]
            self.pending = 0
            if failed:
                raise OSError(*failed[0])
