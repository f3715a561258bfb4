"""Results folders: bordersim's own, written whole, never replacing what it did not write.

A **results folder** holds what one ``run`` or ``compare`` wrote, and a marker file,
``bordersim.json``, that says what made it and lists every file in it. By default each
command writes a new folder, ``results/<scenario>/<run|compare>-<date>-<time>/``, so no
earlier results are ever replaced; ``latest-run`` and ``latest-compare`` beside them
point to the newest (where the system allows links). ``--out DIR`` names the folder
instead: DIR must be new, empty, or bordersim's own results folder, and the latter is
replaced only with ``--overwrite`` and only when it holds nothing bordersim did not write.

Beside the results folders, a hidden ``.bordersim/`` working folder holds the folders
being written (renamed into place only when complete), the locks that keep two commands
from writing the same results, and the replications saved for ``--resume``. Folders
being written by a command that died are removed by the next command, and only those:
each is guarded by a lock its writer holds while it lives.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .interrupts import deferred

MARKER = "bordersim.json"
WORK = ".bordersim"
WORK_MARKER = "made-by-bordersim"  # in the working folder: it is bordersim's, not yours
KINDS = ("run", "compare", "exercise")  # exercise: an after-action report
RESULTS_NAME = re.compile(r"^(run|compare|exercise)-\d{4}-\d{2}-\d{2}-\d{6}(-\d+)?$")
OUR_TEMPORARY = re.compile(r"^\.report-[A-Za-z0-9_]+\.html$")  # a report being written


class FolderError(Exception):
    """A problem with where results go (an option or the environment): one line, exit 2."""


def _describe(e: OSError) -> str:
    return e.strerror or type(e).__name__


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of a bordersim results folder, or None if the folder is not one."""
    path = folder / MARKER
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 10_000_000:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("made_by") != "bordersim":
        return None
    files = data.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return data


def foreign_files(folder: Path, marker: dict[str, Any]) -> list[str]:
    """Files and folders in a results folder that bordersim did not write there."""
    ours = set(marker["files"]) | {MARKER}
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if OUR_TEMPORARY.match(rel):
            continue  # left by a report command that was killed: ours
        if path.is_symlink():
            out.append(rel)  # bordersim writes no links: one in its place is yours
        elif path.is_dir():
            if not any(f.startswith(rel + "/") for f in ours):
                out.append(rel + "/")
        elif rel not in ours or not path.is_file():
            out.append(rel)
    return out


def _is_same_or_inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@dataclass
class Destination:
    """Where a command's results will go, checked before anything is simulated."""

    kind: str
    container: Path  # the folder the results folder is made in
    name: str | None  # the results folder's name; None: a new dated name at the end
    overwrite: bool = False
    started: datetime = field(default_factory=datetime.now)

    @property
    def path(self) -> Path | None:
        return None if self.name is None else self.container / self.name


def destination(
    out: str | Path | None,
    default_container: Path,
    kind: str,
    overwrite: bool = False,
    protect: tuple[Path, ...] = (),
) -> Destination:
    """Check where results will go; raise FolderError before any work if they cannot.

    ``protect`` lists files that must never end up inside a folder being replaced (the
    scenario file).
    """
    assert kind in KINDS
    try:
        return _destination(out, Path(default_container), kind, overwrite, protect)
    except OSError as e:
        where = f"--out {out}" if out is not None else str(default_container)
        raise FolderError(f"{where}: {_describe(e)}") from None


def _destination(
    out: str | Path | None,
    default_container: Path,
    kind: str,
    overwrite: bool,
    protect: tuple[Path, ...],
) -> Destination:
    if out is None:
        container = Path(default_container)
        for folder in (container, *container.parents):
            if folder.exists() and not folder.is_dir():
                raise FolderError(
                    f"{folder}: exists and is not a folder; results go to "
                    f"{container}/ (use --out to put them elsewhere)"
                )
        return Destination(kind, container, None)
    text = str(out)
    if not text.strip():
        raise FolderError("--out: empty folder name")
    dest = Path(text)
    if dest.name in ("", ".", "..") or text.rstrip("/\\").endswith(("/.", "/..")):
        raise FolderError(f"--out {text}: name a new folder for the results, not '.' or '..'")
    if WORK in dest.parts:
        raise FolderError(f"--out {text}: {WORK} is bordersim's working folder; name another")
    full = dest.resolve()
    try:
        cwd = Path.cwd().resolve()
    except FileNotFoundError:
        cwd = None  # the current folder was deleted: only absolute paths can work
    if cwd is None and not dest.is_absolute():
        raise FolderError(f"--out {text}: the current folder no longer exists")
    if cwd is not None and _is_same_or_inside(cwd, full):
        raise FolderError(
            f"--out {text}: that is the current folder or one of its parents; "
            "name a new folder for the results"
        )
    for f in protect:
        if _is_same_or_inside(Path(f).resolve(), full):
            raise FolderError(f"--out {text}: the folder holds {f}; name a new folder")
    for folder in dest.parents:
        if folder.exists() and not folder.is_dir():
            raise FolderError(f"--out {text}: {folder} exists and is not a folder")
    if dest.is_symlink():
        raise FolderError(f"--out {text}: is a link; name a real, new folder")
    if dest.exists():
        if not dest.is_dir():
            raise FolderError(f"--out {text}: exists and is not a folder")
        if os.path.ismount(dest):
            raise FolderError(
                f"--out {text}: is a mount point (a drive); name a new folder inside it"
            )
        _check_replaceable(dest, text, kind, overwrite)
    return Destination(kind, dest.parent, dest.name, overwrite)


def _check_replaceable(dest: Path, text: str, kind: str, overwrite: bool) -> None:
    try:
        empty = not any(dest.iterdir())
    except OSError as e:
        raise FolderError(f"--out {text}: cannot read the folder ({_describe(e)})") from None
    if empty:
        return  # nothing to lose
    marker = read_marker(dest)
    if marker is None:
        raise FolderError(
            f"--out {text}: the folder exists and holds files bordersim did not "
            "write; bordersim never replaces them: name a new folder"
        )
    if not overwrite:
        made = f"{marker.get('kind', 'results')} of {marker.get('created', 'an earlier run')}"
        raise FolderError(
            f"--out {text}: holds earlier bordersim results ({made}); add "
            "--overwrite to replace them, or name a new folder"
        )
    foreign = foreign_files(dest, marker)
    if foreign:
        raise FolderError(
            f"--out {text}: also holds files bordersim did not write "
            f"({_list(foreign)}); move them out first or name a new folder"
        )


def _list(names: list[str], most: int = 3) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _short(name: str) -> str:
    """A short, fixed-length stand-in for a name in the working folder's file names."""
    return hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16]


class Workspace:
    """The hidden working folder of one command: its locks and its folder being written.

    Use as a context manager around the whole command. On entry it makes the folders it
    needs (failing at once, with a FolderError, where it cannot write), removes what
    commands that died left there, and takes the locks; on exit without :meth:`commit`
    it removes its folder being written, and the folders it made if they are empty.

    The working folder holds a marker file: a folder of that name without it is yours,
    and bordersim refuses to use it rather than touch anything in it.
    """

    def __init__(self, dest: Destination) -> None:
        self.dest = dest
        self.work = dest.container / WORK
        self.tmp: Path | None = None
        self._locks: list[FileLock] = []
        self._made: list[Path] = []  # folders this command created, outermost first
        self._ours = False  # the working folder is known to be bordersim's
        self.committed: Path | None = None

    # -- entry and exit
    def __enter__(self) -> Workspace:
        try:
            self._make_folders()
            self._clean_leftovers()
            token = f"{self.dest.started:%Y%m%d-%H%M%S}-{os.getpid()}-{secrets.token_hex(3)}"
            self._lock(self.work / f"tmp-{token}.lock", "")
            self.tmp = self.work / f"tmp-{token}"
            self.tmp.mkdir()
            if self.dest.name is not None:
                self._lock(
                    self.work / f"out-{_short(self.dest.name)}.lock",
                    f"another bordersim command is writing {self.dest.path}; wait for "
                    "it to finish, or name another folder with --out",
                )
        except OSError as e:
            self._undo()
            where = self.dest.container
            raise FolderError(f"cannot write results in {where}: {_describe(e)}") from None
        except BaseException:
            self._undo()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.committed is None:
            self._undo()
        else:
            self._release()

    def _make_folders(self) -> None:
        work = self.work
        if work.is_symlink() or (work.exists() and not work.is_dir()):
            raise FolderError(
                f"{work} is in the way: bordersim keeps its working files in a "
                "folder of that name; move or rename it"
            )
        if work.exists():
            if not (work / WORK_MARKER).is_file():
                raise FolderError(
                    f"{work} is a folder bordersim did not make; bordersim keeps "
                    "its working files there: move or rename it"
                )
            self._ours = True
            return
        missing = [f for f in (work, *work.parents) if not f.exists()]
        for folder in reversed(missing):
            folder.mkdir()
            self._made.append(folder)
        self._ours = True
        (work / WORK_MARKER).write_text(
            "bordersim's working folder: results being written, locks, replications saved "
            "for --resume. bordersim removes it when it is done with it.\n"
        )

    def _lock(self, path: Path, busy: str) -> None:
        lock = FileLock(path, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise FolderError(busy or f"{path} is locked by another command") from None
        self._locks.append(lock)

    def lock_study(self, fingerprint: str) -> Path:
        """Lock the saved replications of this very study; return their folder."""
        self._lock(
            self.work / f"partial-{fingerprint[:16]}.lock",
            f"another bordersim command is running this same study (results in "
            f"{self.dest.container}); wait for it to finish",
        )
        return self.work / f"partial-{fingerprint[:16]}"

    def _free(self, name: str) -> FileLock | None:
        """The lock of a leftover, if no living command holds it (then it is ours)."""
        lock = FileLock(self.work / f"{name}.lock", timeout=0)
        try:
            lock.acquire()
        except Timeout:
            return None
        return lock

    def _clean_leftovers(self) -> None:
        """Undo what commands that died left half done (their locks are free).

        A folder being written is removed. A results folder that was being replaced is
        put back if its replacement never arrived, else the old one is removed.
        """
        for tmp in self.work.glob("tmp-*"):
            if not tmp.is_dir() or tmp.is_symlink():
                continue
            lock = self._free(tmp.name)
            if lock is None:
                continue  # its writer is alive
            try:
                shutil.rmtree(tmp, ignore_errors=True)
            finally:
                lock.release()
            (self.work / f"{tmp.name}.lock").unlink(missing_ok=True)
        for old in self.work.glob("old-*"):
            if not old.is_dir() or old.is_symlink():
                continue
            lock = self._free(old.name)
            if lock is None:
                continue
            try:
                journal = self.work / f"{old.name}.json"
                try:
                    back = Path(json.loads(journal.read_text(encoding="utf-8"))["dest"])
                except (OSError, ValueError, KeyError, TypeError):
                    continue  # cannot tell where it belongs: leave it
                if back.exists() or back.is_symlink():
                    shutil.rmtree(old, ignore_errors=True)  # the new results are in place
                else:
                    os.rename(old, back)  # the replacement never arrived: put it back
                journal.unlink(missing_ok=True)
            finally:
                lock.release()
            (self.work / f"{old.name}.lock").unlink(missing_ok=True)

    def _release(self) -> None:
        for lock in reversed(self._locks):
            lock.release()
        self._locks.clear()
        if self._ours:  # never tidy a folder of that name that is not bordersim's
            self._tidy()

    def _tidy(self) -> None:
        """Leave no idle working folder: remove our lock files nobody holds, then the
        folder if nothing else is in it. Saved replications and folders being written
        by other commands stay."""
        try:
            for folder in self.work.glob("partial-*"):
                if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
                    with contextlib.suppress(OSError):
                        folder.rmdir()  # no replication saved: nothing to resume
            entries = list(self.work.iterdir())
        except OSError:
            return
        busy = {e.name for e in entries if not e.name.endswith(".lock")}
        for e in entries:
            stem = e.name.removesuffix(".lock")
            if not e.name.endswith(".lock") or stem in busy:
                continue
            lock = self._free(stem)
            if lock is None:
                continue  # held by another command
            try:
                e.unlink(missing_ok=True)
            finally:
                lock.release()
        with contextlib.suppress(OSError):
            if [e.name for e in self.work.iterdir()] == [WORK_MARKER]:
                (self.work / WORK_MARKER).unlink()
                self.work.rmdir()

    def _undo(self) -> None:
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
        self._release()
        for folder in reversed(self._made):  # innermost first
            try:
                folder.rmdir()  # only if empty
            except FileNotFoundError:
                continue
            except OSError:
                break

    # -- the end
    def commit(self, files_of: dict[str, Any]) -> Path:
        """Write the marker and put the folder being written in place; return where.

        ``files_of`` is the marker's description of the results (what made them). An
        interruption during this short step is held until it is done (the command then
        says the results are complete).
        """
        assert self.tmp is not None
        files = sorted(
            p.relative_to(self.tmp).as_posix() for p in self.tmp.rglob("*") if p.is_file()
        )
        marker = {
            "made_by": "bordersim",
            "kind": self.dest.kind,
            "created": self.dest.started.isoformat(timespec="seconds"),
            **files_of,
            "files": files,
        }
        (self.tmp / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        os.chmod(self.tmp, 0o755)
        with deferred(raise_after=False), FileLock(self.work / "commit.lock", timeout=30):
            final = self._final_name()
            if final.exists():
                self._replace(final)
            else:
                os.rename(self.tmp, final)
            self.tmp = None
            self.committed = final
            if self.dest.name is None:
                self._point_latest(final)
        return final

    def _final_name(self) -> Path:
        if self.dest.path is not None:
            return self.dest.path
        stem = f"{self.dest.kind}-{self.dest.started:%Y-%m-%d-%H%M%S}"
        final, n = self.dest.container / stem, 1
        while final.exists() or final.is_symlink():
            n += 1
            final = self.dest.container / f"{stem}-{n}"
        return final

    def _replace(self, final: Path) -> None:
        """Replace an empty folder, or (with --overwrite) bordersim's own results.

        The old folder is first moved into the working folder with a note of where it
        belongs, so that if this command dies halfway, the next one puts it back.
        """
        assert self.tmp is not None
        if any(final.iterdir()):
            marker = read_marker(final)
            if not self.dest.overwrite or marker is None or foreign_files(final, marker):
                raise FolderError(
                    f"{final}: changed while the results were computed and now "
                    "holds files bordersim did not write; nothing replaced"
                )
        name = f"old-{secrets.token_hex(4)}"
        self._lock(self.work / f"{name}.lock", "")
        journal = self.work / f"{name}.json"
        journal.write_text(json.dumps({"dest": str(final.resolve())}), encoding="utf-8")
        old = self.work / name
        os.rename(final, old)
        os.rename(self.tmp, final)
        shutil.rmtree(old, ignore_errors=True)
        journal.unlink(missing_ok=True)

    def _point_latest(self, final: Path) -> None:
        """latest-run / latest-compare: a link to the newest, where links can be made.

        Only a link that bordersim made (to one of its dated folders) is replaced.
        """
        link = final.parent / f"latest-{self.dest.kind}"
        if link.is_symlink():
            try:
                target = os.readlink(link)
            except OSError:
                return
            if not RESULTS_NAME.match(target):
                return  # yours: leave it
        elif link.exists():
            return  # not a link: yours
        tmp = final.parent / f".{link.name}-{secrets.token_hex(3)}"
        try:
            tmp.symlink_to(final.name, target_is_directory=True)
            os.replace(tmp, link)
        except OSError:
            tmp.unlink(missing_ok=True)
