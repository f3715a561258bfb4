"""``python -m bordersim`` and the ``bordersim`` command.

Ctrl-C is made quiet before anything is imported, so an interruption in the first
moments (while Python loads the package) ends with one line, not a traceback.
"""

import signal
import sys


def _interrupted_while_starting(_signum, _frame) -> None:
    sys.stderr.write("interrupted: stopped cleanly, no results written\n")
    sys.exit(130)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    signal.signal(signal.SIGTERM, _interrupted_while_starting)
    from .cli import main as cli

    cli()


if __name__ == "__main__":
    main()
