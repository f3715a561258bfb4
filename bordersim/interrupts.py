"""Interruptions: noticed wherever they land, and never cutting a short step in half.

Ctrl-C and SIGTERM stop bordersim by raising KeyboardInterrupt wherever the main thread
is. Python swallows an exception raised inside a finaliser or a weak-reference callback,
and some libraries turn it into an error of their own, so the request is also recorded
(:func:`request`, :data:`requested`) and checked at safe points (:func:`check`).

Saving a replication or putting a results folder in place takes milliseconds but must not
be cut in half (a zip file with no directory, a folder half renamed): inside
:func:`deferred`, such a signal is held and acted on as soon as the step is done.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)
STOPPED = "interrupted: stopped cleanly, no results written"  # what the user is told
EXIT_CODE = 130  # as a shell reports Ctrl-C
requested = False  # an interruption was asked for (even if its exception was swallowed)
while_starting = False  # ...before the command had started


def request() -> None:
    global requested
    requested = True


def start() -> None:
    """A command starts: Ctrl-C and SIGTERM now raise KeyboardInterrupt, and one that
    came while Python was starting (and whose exit an import swallowed) stops it now."""
    global requested
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    if while_starting:
        raise KeyboardInterrupt
    requested = False


def check() -> None:
    """Raise KeyboardInterrupt if an interruption was asked for: call at safe points."""
    if requested:
        raise KeyboardInterrupt


def handler(_signum: int, _frame: Any) -> None:
    """The handler of Ctrl-C and SIGTERM while a command runs."""
    request()
    raise KeyboardInterrupt


@contextmanager
def deferred(raise_after: bool = True) -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done, then raise KeyboardInterrupt
    (or, with ``raise_after=False``, only record it: the caller checks ``requested``)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous: dict[int, Any] = {}

    def hold(signum: int, _frame: Any) -> None:
        caught.append(signum)
        request()

    for s in SIGNALS:
        previous[s] = signal.signal(s, hold)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if caught and raise_after:
        raise KeyboardInterrupt
