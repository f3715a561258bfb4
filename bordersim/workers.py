"""Local worker processes that stop when bordersim stops, however it stops.

Each worker is ``python -m bordersim.workers``, started in a session of its own, so
that Ctrl-C at the terminal reaches only the main process, which then stops the
workers itself. Tasks reach a worker on its standard input and results leave on its
standard output, as length-prefixed pickles exchanged only between bordersim's own
processes (never read from a file). A thread in each worker reads its standard input:
when that pipe closes - the main process finished, was interrupted, or died by any
signal, SIGKILL included - the worker exits at once. No fork server, resource tracker
or shared semaphore is involved, so nothing is left behind.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from typing import IO, Any

_HEADER = struct.Struct("!Q")
PROGRESS_EVERY = 0.25  # seconds between a worker's progress messages


class WorkerError(RuntimeError):
    """A worker process failed (a bug, or the machine killed it)."""


def _send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    """The next message, or None at the end of the stream."""
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)  # from bordersim's own process, never from a file


# ---------------------------------------------------------------------------- the pool
class WorkerPool:
    """``jobs`` worker processes; use as a context manager, then :meth:`run`."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.procs: list[subprocess.Popen[bytes]] = []
        self.messages: queue.Queue[tuple[int, Any]] = queue.Queue()
        self.stderr: list[deque[str]] = []

    def __enter__(self) -> WorkerPool:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        extra: dict[str, Any] = (
            {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
            if sys.platform == "win32"
            else {"start_new_session": True}
        )
        try:
            for w in range(self.jobs):
                p = subprocess.Popen(
                    [sys.executable, "-m", "bordersim.workers"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=env,
                    **extra,
                )
                self.procs.append(p)
                self.stderr.append(deque(maxlen=30))
                threading.Thread(target=self._read, args=(w, p), daemon=True).start()
                threading.Thread(target=self._read_errors, args=(w, p), daemon=True).start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _read(self, w: int, p: subprocess.Popen[bytes]) -> None:
        assert p.stdout is not None
        while True:
            try:
                message = _receive(p.stdout)
            except Exception as e:  # noqa: BLE001 - a broken stream is a dead worker
                message = None
                self.stderr[w].append(f"unreadable message: {e!r}")
            self.messages.put((w, message))
            if message is None:
                return

    def _read_errors(self, w: int, p: subprocess.Popen[bytes]) -> None:
        assert p.stderr is not None
        for line in p.stderr:
            self.stderr[w].append(line.decode("utf-8", "replace").rstrip())

    def close(self) -> None:
        """Stop every worker: close their input (they exit at once), then make sure."""
        for p in self.procs:
            try:
                if p.stdin is not None:
                    p.stdin.close()
            except OSError:
                pass
        deadline = time.monotonic() + 2.0
        for p in self.procs:
            try:
                p.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def submit(self, w: int, work: Callable[[Any], Any], item: Any) -> None:
        """Send worker ``w`` a task without waiting; :meth:`collect` gets its result."""
        stdin = self.procs[w].stdin
        assert stdin is not None
        _send(stdin, (work, item, False))

    def collect(self, n: int) -> Iterator[Any]:
        """The results of ``n`` submitted tasks, as they come (raises WorkerError)."""
        while n:
            try:
                w, message = self.messages.get(timeout=0.5)
            except queue.Empty:
                continue
            if message is None:
                code = self.procs[w].wait()
                last = " | ".join(list(self.stderr[w])[-5:])
                raise WorkerError(f"a worker process stopped (exit code {code}) {last}")
            kind, payload = message
            if kind == "done":
                n -= 1
                yield payload
            elif kind == "error":
                raise WorkerError(f"a worker failed: {payload}")

    def run(
        self,
        work: Callable[..., Any],
        items: list[Any],
        progress: Callable[[Any, float, str], None] | None = None,
        here: bool = False,
    ) -> Iterator[tuple[Any, Any]]:
        """Yield ``(item, work(item))`` as they finish; ``progress(item, share, phase)``.

        ``here``: this process takes tasks too, side by side with its workers, the first
        one first (it starts at once: no process to start) and would otherwise only wait
        for them. While it works, what the workers send is handled at each of its own
        progress calls, so a worker that finishes gets its next task within moments: its
        ``work`` is called as ``work(item, progress=...)`` and must report progress.
        """
        pending = deque(items)
        busy: dict[int, Any] = {}
        finished: deque[tuple[Any, Any]] = deque()  # results in, not yet yielded

        def feed(w: int) -> None:
            if pending:
                item = pending.popleft()
                busy[w] = item
                stdin = self.procs[w].stdin
                assert stdin is not None
                _send(stdin, (work, item, progress is not None))

        def handle(w: int, message: Any) -> None:
            if message is None:
                if w in busy:
                    code = self.procs[w].wait()
                    last = " | ".join(list(self.stderr[w])[-5:])
                    raise WorkerError(f"a worker process stopped (exit code {code}) {last}")
                return
            kind, payload = message
            if kind == "progress":
                if progress is not None and w in busy:
                    progress(busy[w], *payload)
            elif kind == "done":
                item = busy.pop(w)
                feed(w)
                finished.append((item, payload))
            else:
                raise WorkerError(f"a worker failed: {payload}")

        def handle_waiting() -> None:
            while True:
                try:
                    w, message = self.messages.get_nowait()
                except queue.Empty:
                    return
                handle(w, message)

        first = pending.popleft() if here and pending else None
        for w in range(len(self.procs)):
            feed(w)
        if first is not None:
            pending.appendleft(first)  # for this process
        if not here and pending and not self.procs:
            raise ValueError("a pool without workers cannot run tasks on its own")
        while busy or finished or (here and pending):
            while finished:
                yield finished.popleft()
            if here and pending:
                item = pending.popleft()

                def tell(share: float, phase: str, item: Any = item) -> None:
                    handle_waiting()
                    if progress is not None:
                        progress(item, share, phase)

                yield item, work(item, progress=tell)
                handle_waiting()
                continue
            if not busy:
                continue
            try:
                w, message = self.messages.get(timeout=0.5)
            except queue.Empty:
                continue
            handle(w, message)


# ---------------------------------------------------------------------------- a worker
def _worker() -> None:
    """The worker's loop: run each task received, send back its result."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process stops the workers
    out = os.fdopen(os.dup(1), "wb")  # the result channel...
    os.dup2(2, 1)  # ...and stray prints go to stderr, not into it
    tasks: queue.Queue[Any] = queue.Queue()
    stdin = sys.stdin.buffer

    def read_tasks() -> None:
        while True:
            task = _receive(stdin)
            if task is None:  # the main process is gone or done: stop now
                os._exit(0)
            tasks.put(task)

    threading.Thread(target=read_tasks, daemon=True).start()
    last = [0.0]  # when progress was last sent

    def tell(share: float, phase: str) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            _send(out, ("progress", (share, phase)))

    frozen = False
    while True:
        work, item, wants_progress = tasks.get()
        if not frozen:  # what reading the first task loaded lives as long as the worker
            gc.freeze()
            frozen = True
        try:
            result = work(item, progress=tell) if wants_progress else work(item)
            _send(out, ("done", result))
        except Exception:  # noqa: BLE001 - reported to the main process
            _send(out, ("error", traceback.format_exc(limit=8)))


if __name__ == "__main__":
    _worker()
