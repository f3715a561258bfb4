"""The exercise's log on disk: saved after every change, atomically, by one room at a time.

Each save writes a temporary file beside the log, flushes it to the disk and renames it
over the log, so a crash (the server killed mid-decision, the power cut) leaves the last
complete log, never half of one. A lock beside it (``LOG.lock``, filelock) keeps two
``bordersim exercise`` commands from driving the same log. A file at the log's path that
is not a bordersim exercise log is never overwritten.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..scenario import Scenario
from ..scenario.decisions import LOG_FORMAT, Log


class LogError(Exception):
    """The log cannot be used or written: one line."""


def is_log(path: Path) -> bool:
    """Whether the file at ``path`` is a bordersim exercise log (read only its start)."""
    try:
        with path.open("rb") as f:
            head = f.read(200)
    except OSError:
        return False
    return LOG_FORMAT.encode() in head


class LogFile:
    """The log at ``path``, locked while the exercise runs."""

    def __init__(self, path: Path, scenario: Scenario) -> None:
        self.path = Path(path)
        self.scenario = scenario
        self.lock: Any = None
        self.made_folder = False  # the log's folder was made here (removed if left empty)
        self.made_lock = False  # the lock file was made here (removed at the end)
        self.new_mode = _default_mode()  # read here, before the server's threads start

    def __enter__(self) -> LogFile:
        from filelock import FileLock, Timeout

        if self.path.is_symlink():
            raise LogError(
                f"{self.path}: is a link; give the log's own path with --log (a link would "
                "be replaced by the log, and the file it points to left behind)"
            )
        if self.path.exists() and (not self.path.is_file() or not is_log(self.path)):
            raise LogError(
                f"{self.path}: exists and is not a bordersim exercise log; not touched "
                "(choose another --log)"
            )
        lock_path = Path(str(self.path) + ".lock")
        if lock_path.is_symlink() or (lock_path.exists() and lock_path.stat().st_size > 0):
            raise LogError(
                f"{lock_path}: exists and is not the log's lock; not touched (choose another --log)"
            )
        try:
            if not self.path.parent.exists():
                self.path.parent.mkdir(parents=True)
                self.made_folder = True
            if not os.access(self.path.parent, os.W_OK | os.X_OK):
                raise PermissionError(13, "Permission denied")
            self.made_lock = not lock_path.exists()
            self.lock = FileLock(str(lock_path))
            self.lock.acquire(timeout=0.5)
        except Timeout:
            raise LogError(
                f"{self.path}: another bordersim exercise is driving this log; stop it first "
                "(or choose another --log)"
            ) from None
        except OSError as e:
            raise LogError(
                f"cannot write the exercise log in {self.path.parent}: {e.strerror}"
            ) from None
        # Our own temporary files of a save cut short (the machine stopped mid-save).
        for left in self.path.parent.glob(f".{glob.escape(self.path.name)}.*.tmp"):
            with contextlib.suppress(OSError):
                left.unlink()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.lock is not None:
            self.lock.release()
            if self.made_lock:  # an empty lock file that was there before stays
                with contextlib.suppress(OSError):
                    Path(self.lock.lock_file).unlink()
        if self.made_folder:  # nothing was saved in it (a port taken): leave no trace
            with contextlib.suppress(OSError):
                self.path.parent.rmdir()

    def save(self, log: Log) -> None:
        """Write the log whole, or not at all (an OSError says why)."""
        text = json.dumps(log.to_json(self.scenario), indent=1, allow_nan=False) + "\n"
        if self.path.is_symlink() or (self.path.exists() and not is_log(self.path)):
            raise LogError(f"{self.path}: is no longer a bordersim exercise log; not touched")
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else self.new_mode
        fd, tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)  # as the log was (mkstemp makes files only we can read)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _default_mode() -> int:
    """A new file's mode under this process's umask (as open() would make it)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
