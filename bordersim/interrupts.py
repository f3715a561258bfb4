"""Short steps that an interruption must not cut in half.

Ctrl-C and SIGTERM stop bordersim by raising KeyboardInterrupt wherever the main thread
is. Saving a replication or putting a results folder in place takes milliseconds but
must not be cut in half (a zip file with no directory, a folder half renamed): inside
:func:`deferred`, such a signal is held and acted on as soon as the step is done.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done, then raise KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous: dict[int, Any] = {}

    def hold(signum: int, _frame: Any) -> None:
        caught.append(signum)

    for s in SIGNALS:
        previous[s] = signal.signal(s, hold)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if caught:
        raise KeyboardInterrupt
