"""Result folders a researcher can trust: complete or absent, never mixed, checked when read.

One model for every result folder (``sim run``, ``sim compare``, a sweep store, later a
calibration):

- a folder is written under a hidden temporary name beside its final place
  (``.tmp-NAME-PID``), every file and folder is fsynced, and it is renamed into place only
  when complete; an existing folder is refused unless the caller asked to overwrite;
- whether the place is free and the move into it are one step: commits in one parent folder
  take turns (an ``flock`` on the parent), and a rename never replaces a folder that is not
  empty; a job that finds its place taken by another job's results (or, with ``overwrite``, by
  results other than the ones it meant to replace) replaces nothing and keeps its own in a
  sibling folder (``NAME-2``, ...) that its error names (:class:`FolderTaken`);
- its ``manifest.json`` records every input file read (role, path, SHA-256: scenario chain,
  preset chain, experiment; targets and calibration files fit the same list) and the
  SHA-256 of every file written, so a reader can check nothing was edited or damaged since;
- files added to a long-lived folder (a store's runs) are written the same way, one at a time;
- one writer per folder at a time (an advisory ``flock``);
- temporaries left by a killed process are removed on the next start.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.inputs import InputError

if TYPE_CHECKING:
    import pandas as pd

MANIFEST = "manifest.json"
TEMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"


# ----------------------------------------------------------------- hashing and durable writes

def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's entries to disk (a rename is durable once its folder is synced)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(path: Path) -> Path:
    """The hidden name a file or folder is written under before it is renamed to ``path``."""
    return path.with_name(f"{TEMP_PREFIX}{path.name}-{os.getpid()}")


def write_atomic(path: Path, data: bytes) -> str:
    """Write ``data`` to ``path`` all or nothing (temporary, fsync, rename, fsync folder); its SHA-256."""
    tmp = temp_name(path)
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_path(path.parent)
    return sha256_bytes(data)


def write_json_atomic(obj: Any, path: Path) -> str:
    return write_atomic(path, json.dumps(obj, indent=2, default=str).encode())


def claim_file(path: Path) -> Path:
    """Create, empty and exclusively, the first free of ``path``, ``STEM-2.SUFFIX``, ``STEM-3.SUFFIX`` ...: a name
    no other writer holds (then :func:`write_atomic` fills it). Never replaces a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 10_000):
        candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(errno.EEXIST, "no free name", str(path))


# ----------------------------------------------------------------- inputs and checksums

def input_records(inputs: Iterable[tuple[str, Path]]) -> list[dict[str, str]]:
    """Each input file once, in order: its role (scenario, preset, experiment, ...), path and SHA-256."""
    records: dict[str, dict[str, str]] = {}
    for role, path in inputs:
        resolved = str(Path(path).resolve())
        records.setdefault(resolved, {"role": role, "path": resolved, "sha256": sha256_file(Path(resolved))})
    return list(records.values())


def changed_inputs(records: list[dict[str, str]]) -> list[str]:
    """Input files (from a manifest) that are gone or whose content differs now."""
    changed = []
    for record in records:
        path = Path(record["path"])
        try:
            now = sha256_file(path)
        except OSError:
            changed.append(f"{path} ({record['role']}, no longer readable)")
            continue
        if now != record["sha256"]:
            changed.append(f"{path} ({record['role']}, edited)")
    return changed


def folder_checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (except its manifest and hidden temporaries), by relative path."""
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MANIFEST and not p.name.startswith(TEMP_PREFIX)}


def damaged_files(folder: Path, checksums: dict[str, str]) -> list[str]:
    """Files whose content no longer matches ``checksums`` (missing, truncated, overwritten)."""
    bad = []
    for rel, digest in checksums.items():
        path = folder / rel
        try:
            ok = sha256_file(path) == digest
        except OSError:
            ok = False
        if not ok:
            bad.append(rel)
    return bad


def read_manifest(folder: Path, error: type[Exception] = InputError) -> dict[str, Any]:
    """A folder's manifest, or ``error`` with one line if it is missing or damaged."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise error(f"{folder}: no {MANIFEST}; not a results folder made by sim") from None
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError
        raise error(f"{path}: damaged (not valid JSON); the folder cannot be trusted") from None
    if not isinstance(manifest, dict):
        raise error(f"{path}: damaged (not a JSON object); the folder cannot be trusted")
    return manifest


# ----------------------------------------------------------------- temporaries of killed processes

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_temporaries(folder: Path) -> list[Path]:
    """Remove ``.tmp-*``/``.old-*`` entries in ``folder`` whose writing process is gone."""
    removed = []
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        if not entry.name.startswith((TEMP_PREFIX, OLD_PREFIX)):
            continue
        pid = entry.name.rsplit("-", 1)[-1]
        if pid.isdigit() and _pid_alive(int(pid)) and int(pid) != os.getpid():
            continue  # another live process is writing it
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


# ----------------------------------------------------------------- a folder written all at once

def _is_empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def _sync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        fsync_path(path)
    fsync_path(folder)


def _identity(path: Path) -> tuple[int, int, int] | None:
    """Which folder is at ``path`` now (None: nothing, or an empty folder): device, inode, manifest's mtime."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    if path.is_dir() and not path.is_symlink() and _is_empty_dir(path):
        return None
    try:
        stamp = (path / MANIFEST).stat().st_mtime_ns
    except OSError:
        stamp = 0
    return info.st_dev, info.st_ino, stamp


@contextlib.contextmanager
def _commits_in_turn(parent: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder ``parent`` itself: commits into it take turns (released at death)."""
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class FolderTaken(InputError):
    """Another job's results took the folder first; ``kept`` is where this job's are (None: not kept)."""

    def __init__(self, message: str, final: Path, kept: Path | None) -> None:
        super().__init__(message)
        self.final, self.kept = final, kept


class ResultFolder:
    """A results folder written under a temporary name and renamed into place by :meth:`commit`.

    ::

        with ResultFolder(Path("results/mine"), overwrite=False) as out:
            table.to_csv(out.path / "table.csv")
            out.commit({"inputs": ...})          # adds checksums, writes manifest.json, renames

    Leaving the block without ``commit`` (an error, Ctrl-C) removes the temporary folder;
    a ``kill -9`` leaves it, and the next ResultFolder in the same parent removes it.

    If another job's results reached the final place while this one was writing (or, with
    ``overwrite``, replaced the folder this one meant to replace), :meth:`commit` replaces
    nothing: with ``keep`` it renames this job's folder to the first free ``NAME-2``,
    ``NAME-3``, ... and raises :class:`FolderTaken` naming it; without (a store or a calibration
    being created, nothing computed yet) it removes it and raises FolderTaken.
    """

    def __init__(self, final: Path, overwrite: bool = False, keep: bool = True) -> None:
        self.final = Path(final)
        self.overwrite = overwrite
        self.keep = keep
        self.path = temp_name(self.final)
        self.committed = False
        self.seen: tuple[int, int, int] | None = None  # the folder there when the job started

    def __enter__(self) -> ResultFolder:
        if self.final.exists() and not self.final.is_dir():
            raise InputError(f"{self.final}: exists and is not a folder")
        if self.final.exists() and not self.overwrite and not _is_empty_dir(self.final):
            raise InputError(f"{self.final}: already exists; pass --overwrite to replace it, "
                             "or choose another --name or --out")
        try:
            self.final.parent.mkdir(parents=True, exist_ok=True)
            clean_stale_temporaries(self.final.parent)
            self.path.mkdir()
        except OSError as exc:
            raise InputError(f"{self.final}: cannot create: {exc.strerror or exc}") from None
        self.seen = _identity(self.final)
        return self

    def commit(self, manifest: dict[str, Any]) -> Path:
        """Record checksums in ``manifest.json``, sync everything to disk, rename into place."""
        manifest = {**manifest, "files": folder_checksums(self.path)}
        (self.path / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str))
        _sync_tree(self.path)
        old = None
        with _commits_in_turn(self.final.parent):
            now = _identity(self.final)
            if now is not None and (not self.overwrite or now != self.seen):
                raise self._taken()
            if now is not None:
                old = self.final.with_name(f"{OLD_PREFIX}{self.final.name}-{os.getpid()}")
                os.rename(self.final, old)  # a kill between the two renames leaves no folder, never a mixed one
            try:
                os.rename(self.path, self.final)  # never replaces a folder with anything in it
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
                    raise
                if old is not None:  # a writer that does not take turns got in; the old folder was to go anyway
                    shutil.rmtree(old, ignore_errors=True)
                raise self._taken() from None
            fsync_path(self.final.parent)
        self.committed = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.final

    def _taken(self) -> FolderTaken:
        """This job lost the folder to another: keep its results beside it (or remove them) and say so."""
        if not self.keep:
            shutil.rmtree(self.path, ignore_errors=True)
            return FolderTaken(f"{self.final}: another job created it while this one was starting; nothing "
                               "was replaced and nothing was run", self.final, None)
        for n in range(2, 10_000):
            candidate = self.final.with_name(f"{self.final.name}-{n}")
            try:
                os.rename(self.path, candidate)
            except OSError as exc:
                if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
                    continue
                break
            fsync_path(self.final.parent)
            self.committed = True  # kept: nothing to remove on the way out
            return FolderTaken(f"{self.final}: another job wrote its results there while this one was running; "
                               f"nothing was replaced; this job's results are in {candidate}/", self.final, candidate)
        self.committed = True  # no sibling could be made: leave the temporary folder where it is
        return FolderTaken(f"{self.final}: another job wrote its results there while this one was running; "
                           f"nothing was replaced; this job's results are in {self.path}/", self.final, self.path)

    def __exit__(self, *exc: object) -> None:
        if not self.committed:
            shutil.rmtree(self.path, ignore_errors=True)


def rescue(write: Any, what: str) -> Path | None:
    """After a failed write, try to keep computed results elsewhere: ``write(folder)`` into a new temp folder.

    Returns the folder, or None if nothing could be written there either.
    """
    try:
        folder = Path(tempfile.mkdtemp(prefix=f"sim-rescued-{what}-"))
    except OSError:
        return None
    try:
        write(folder)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return folder


def reason(exc: OSError) -> str:
    """Why a write failed, in a few words ("No space left on device"), also for pyarrow's errors."""
    return exc.strerror or str(exc)


def cannot_write(out: Path, exc: OSError, what: str, write: Any, kind: str) -> InputError:
    """One line for results that could not be written to ``out`` (a full or read-only disk), after keeping
    ``what`` was computed (``write(folder)``) in a rescue folder if possible, and saying where."""
    kept = rescue(write, kind)
    where = f"{what} are kept in {kept}/" if kept else f"{what} could not be kept"
    return InputError(f"{out}: cannot write results ({reason(exc)}); nothing was written there; {where}")


# ----------------------------------------------------------------- one writer at a time

class WriterLock:
    """An exclusive advisory lock on ``folder/.lock``: one writing session per results folder.

    The kernel releases it when the process dies, so a killed session never leaves the
    folder locked.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.fd: int | None = None

    def __enter__(self) -> WriterLock:
        path = self.folder / ".lock"
        try:
            self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise InputError(f"{self.folder}: cannot lock for writing: {exc.strerror or exc}") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(self.fd)
            self.fd = None
            raise InputError(f"{self.folder}: another session (pid {holder}) is writing here; wait for it to "
                             "finish or stop it, then --resume") from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, str(os.getpid()).encode(), 0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A large table as CSV, fast (pyarrow's writer; pandas' takes seconds for a comparison's weekly steps)."""
    import pyarrow as pa
    from pyarrow import csv

    csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), path)
