"""``python -m bordersim`` and the ``bordersim`` command.

Ctrl-C is made quiet before anything is imported, so an interruption in the first
moments (while Python loads the package) ends with one line, not a traceback. The
process ends with the command's own exit code once its cleanup is done: an
interruption is 130 however late it arrives (Python would otherwise, now and then,
turn a handled Ctrl-C into death by SIGINT at exit).
"""

import contextlib
import gc
import os
import signal
import sys

from . import interrupts  # small: signal and threading only


def _interrupted_while_starting(_signum, _frame) -> None:
    interrupts.while_starting = True  # in case the exit below is swallowed by an import
    sys.stderr.write(interrupts.STOPPED + "\n")
    sys.exit(interrupts.EXIT_CODE)


def _quiet_streams() -> None:
    """Point standard output and error at nothing if they are closed or broken, so
    that Python's own flush at exit has nothing to complain about."""
    for fd, stream in ((1, sys.stdout), (2, sys.stderr)):
        try:
            if stream is None:
                raise OSError
            stream.flush()
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), fd)


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
        sys.stderr.write(interrupts.STOPPED + "\n")
        code = interrupts.EXIT_CODE
    except BaseException:
        if not interrupts.while_starting:
            raise
        # Ctrl-C while a library was being loaded, turned by it into its own error (pydantic
        # wraps it in a SchemaError while building a validator): the interruption was said.
        code = interrupts.EXIT_CODE
    for stream in (sys.stdout, sys.stderr):  # closed (>&-) or full: nothing more to say
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    if code != interrupts.EXIT_CODE:
        _quiet_streams()
        # The command is done and has closed its files. Python's collections at exit would
        # walk every object still alive (a tenth of a second or more after a run): leave
        # them out of those walks (what they would free, the system reclaims at exit).
        gc.freeze()
        sys.exit(code)
    # Interrupted: every file is closed and every worker stopped by now (the commands
    # clean up as they unwind); leave at once, so that Python cannot turn the handled
    # Ctrl-C into death by SIGINT at exit.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os._exit(code)


if __name__ == "__main__":
    main()
