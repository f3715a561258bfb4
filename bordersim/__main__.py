"""``python -m bordersim`` and the ``bordersim`` command.

Ctrl-C is made quiet before anything is imported, so an interruption in the first
moments (while Python loads the package) ends with one line, not a traceback. The
process ends with the command's own exit code once its cleanup is done: an
interruption is 130 however late it arrives (Python would otherwise, now and then,
turn a handled Ctrl-C into death by SIGINT at exit).
"""

import contextlib
import os
import signal
import sys

INTERRUPTED = 130


def _interrupted_while_starting(_signum, _frame) -> None:
    sys.stderr.write("interrupted: stopped cleanly, no results written\n")
    sys.exit(INTERRUPTED)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    signal.signal(signal.SIGTERM, _interrupted_while_starting)
    try:
        from .cli import main as cli

        cli()
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if isinstance(e.code, str):
            sys.stderr.write(e.code + "\n")
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: stopped cleanly, no results written\n")
        code = INTERRUPTED
    if code != INTERRUPTED:
        sys.exit(code)
    # Interrupted: every file is closed and every worker stopped by now (the commands
    # clean up as they unwind); leave at once, so that Python cannot turn the handled
    # Ctrl-C into death by SIGINT at exit.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
