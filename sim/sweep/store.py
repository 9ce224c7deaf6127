"""The results store: a folder of Parquet datasets written one finished run at a time.

Layout::

    STORE/manifest.json        experiment, input files with hashes, versions, git commit, machine, sessions
    STORE/experiment.toml      the experiment file as run
    STORE/plan.parquet         every planned run: run id, design point, scenario, preset, replication
    STORE/finished.jsonl       one line per finished run: its id and the SHA-256 of its two files
    STORE/runs/<run_id>.parquet      one row: the run's point, seed and final-year metrics
    STORE/steps/<run_id>.parquet     the kept weeks of the run's metrics
    STORE/failures/<run_id>.parquet  a run that failed, with its error
    STORE/.lock                the writing session's lock (one writer per store)

The store is created under a temporary name and renamed into place (sim.integrity). Every
file is written to a hidden temporary name, fsynced and renamed into place, steps before
runs, and only then is the run's line (with both checksums) appended to ``finished.jsonl``
and fsynced: a run counts as finished when its line is there *and* its files still match,
so a kill or power loss at any moment leaves nothing that counts half-written, and a file
damaged later is found and recomputed by ``--resume`` and named by ``sim analyse``. Only runs
in the store's plan are ever read.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd

from sim.integrity import (
    ResultFolder,
    WriterLock,
    changed_inputs,
    clean_stale_temporaries,
    damaged_files,
    read_manifest,
    reason,
    write_atomic,
    write_json_atomic,
)
from sim.provenance import git_commit, package_versions
from sim.sweep.experiment import Experiment, ExperimentError
from sim.sweep.plan import SweepRun

TABLES = ("runs", "steps", "failures")
LEDGER = "finished.jsonl"


def _parquet_bytes(df: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False)
    return buffer.getvalue()


class Store:
    """A results store folder."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock: WriterLock | None = None
        self._plan_ids: set[str] | None = None
        self.verified: set[str] = set()  # finished runs whose files matched when the session opened

    def table_dir(self, table: str) -> Path:
        return self.path / table

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    def manifest(self) -> dict:
        return read_manifest(self.path, ExperimentError)

    # ------------------------------------------------------------ plan and ledger

    def write_plan(self, runs: list[SweepRun], folder: Path | None = None) -> None:
        """Which run serves which design point (a repeated point is one run serving several)."""
        plan = pd.DataFrame([(r.run_id, r.point_index, r.scenario, r.preset, r.replication) for r in runs],
                            columns=["run_id", "point_index", "scenario", "preset", "replication"])
        write_atomic((folder or self.path) / "plan.parquet", _parquet_bytes(plan))

    def read_plan(self) -> pd.DataFrame:
        try:
            return pd.read_parquet(self.path / "plan.parquet")
        except (OSError, ValueError) as exc:  # pyarrow raises both for a missing or damaged file
            raise ExperimentError(f"{self.path / 'plan.parquet'}: missing or damaged ({type(exc).__name__}); "
                                  "the store cannot be trusted") from None

    def plan_ids(self) -> set[str]:
        if self._plan_ids is None:
            self._plan_ids = set(self.read_plan()["run_id"])
        return self._plan_ids

    def ledger(self) -> dict[str, dict[str, str]]:
        """Finished runs in the plan: run id -> {relative file: SHA-256} (the last line per run wins).

        A torn last line (a kill while appending) is skipped: its run is simply not finished.
        """
        entries: dict[str, dict[str, str]] = {}
        try:
            lines = (self.path / LEDGER).read_bytes().splitlines()
        except FileNotFoundError:
            raise ExperimentError(f"{self.path}: no {LEDGER}; not a store made by this version of sim "
                                  "(run the experiment again into a new --store)") from None
        plan = self.plan_ids()
        for line in lines:
            try:
                entry = json.loads(line)
                run_id, files = entry["run_id"], entry["files"]
            except (ValueError, KeyError, TypeError):
                continue
            if run_id in plan and isinstance(files, dict):
                entries[run_id] = files
        return entries

    def finished_ids(self) -> set[str]:
        """Runs of the plan recorded as finished (checksums not verified: see :meth:`check`)."""
        return set(self.ledger())

    def check(self) -> tuple[set[str], list[str]]:
        """(finished runs whose files match their checksums, files that do not)."""
        good, damaged = set(), []
        for run_id, files in self.ledger().items():
            bad = damaged_files(self.path, files)
            if bad:
                damaged += bad
            else:
                good.add(run_id)
        return good, sorted(damaged)

    def stray_files(self) -> list[str]:
        """Run files present that are not in the plan (copied in, or from another version): never read."""
        plan = self.plan_ids()
        return sorted(f"{table}/{p.name}" for table in TABLES for p in self.table_dir(table).glob("*.parquet")
                      if not p.name.startswith(".") and p.stem not in plan)

    # ------------------------------------------------------------ sessions

    def open(self, exp: Experiment, resume: bool, planned: list[SweepRun], executor: str,
             inputs: list[dict[str, str]]) -> list[str]:
        """Create the store, or reopen it to resume the same experiment; hold its writer lock.

        Returns the damaged files found (they are removed, and their runs are run again).
        """
        if not self.manifest_path.exists():
            if resume:
                raise ExperimentError(f"{self.path}: nothing to resume (no results store here); run the same "
                                      "command without --resume to start one")
            if self.path.exists() and not self.path.is_dir():
                raise ExperimentError(f"{self.path}: exists and is not a folder; choose another --store")
            if self.path.is_dir() and any(self.path.iterdir()):
                raise ExperimentError(f"{self.path}: not a results store (no manifest.json) and not empty; "
                                      "choose another --store")
            self._create(exp, planned, executor, inputs)
        elif not resume:
            raise ExperimentError(f"{self.path}: a results store is already here; pass --resume to "
                                  "complete it, or choose another --store")
        self._lock = WriterLock(self.path).__enter__()
        try:
            return self._reopen(exp, planned, executor)
        except BaseException:
            self.release()
            raise

    def _create(self, exp: Experiment, planned: list[SweepRun], executor: str, inputs: list[dict[str, str]]) -> None:
        with ResultFolder(self.path, keep=False) as folder:  # another job's store arriving first: FolderTaken
            for table in TABLES:
                (folder.path / table).mkdir()
            (folder.path / "experiment.toml").write_text(exp.text)
            (folder.path / LEDGER).touch()
            self.write_plan(planned, folder.path)
            folder.commit({"experiment_name": exp.name, "experiment_file": str(exp.source),
                           "experiment_digest": exp.digest, "settings": exp.reductions, "inputs": inputs,
                           "versions": package_versions(), "git_commit": git_commit(),
                           "machine": {"host": socket.gethostname(), "platform": platform.platform(),
                                       "cpus": os.cpu_count()},
                           "runs_planned": len({r.run_id for r in planned}), "sessions": []})

    def _reopen(self, exp: Experiment, planned: list[SweepRun], executor: str) -> list[str]:
        manifest = self.manifest()
        if manifest.get("experiment_digest") != exp.digest:
            raise ExperimentError(
                f"{self.path}: this store holds experiment {manifest.get('experiment_name')!r} run with "
                f"{manifest.get('settings')}; the one given now differs (its file or --replications/--samples/"
                "--weeks); resume with the same file and options, or use another --store")
        if "inputs" not in manifest:
            raise ExperimentError(f"{self.path}: made by an older version of sim (no input file hashes); "
                                  "run the experiment again into a new --store")
        changed = changed_inputs(manifest["inputs"])
        if changed:
            raise ExperimentError(f"{self.path}: input files changed since this store was created: "
                                  f"{'; '.join(changed)}; resuming would mix versions: restore them, or run "
                                  "into a new --store")
        if {r.run_id for r in planned} != self.plan_ids():
            raise ExperimentError(f"{self.path}: the runs planned now differ from the store's plan (the model "
                                  "or its defaults changed since); run into a new --store")
        for folder in (self.path, *(self.table_dir(t) for t in TABLES)):
            clean_stale_temporaries(folder)
        _end_torn_line(self.path / LEDGER)
        self.verified, damaged = self.check()
        for rel in damaged:
            (self.path / rel).unlink(missing_ok=True)
        manifest["sessions"].append({"start": datetime.now().isoformat(timespec="seconds"), "end": None,
                                     "executor": executor, "damaged_files_recomputed": damaged})
        write_json_atomic(manifest, self.manifest_path)
        return damaged

    def close_session(self, done: int, failed: int) -> None:
        try:
            manifest = self.manifest()
            manifest["sessions"][-1].update({"end": datetime.now().isoformat(timespec="seconds"),
                                             "runs_done": done, "runs_failed": failed})
            with contextlib.suppress(OSError):  # a full disk: the session stays without an end, as if killed
                write_json_atomic(manifest, self.manifest_path)
        finally:
            self.release()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Around storing a finished run: a failed write (a full or read-only disk) becomes one line naming the
        store and saying that the runs finished so far are kept there and how to complete the rest."""
        try:
            yield
        except OSError as exc:
            raise ExperimentError(
                f"{self.path}: cannot write run results ({reason(exc)}); the {len(self.finished_ids())} finished "
                "runs stored so far are kept there, the runs in hand are not; free some space, then complete the "
                "sweep with the same command plus --resume") from None

    def release(self) -> None:
        if self._lock is not None:
            self._lock.__exit__(None, None, None)
            self._lock = None

    # ------------------------------------------------------------ writing runs

    def write_result(self, run: SweepRun, result: dict) -> int:
        """Store a finished run: steps, the run row, then its ledger line. Returns bytes written."""
        steps = _parquet_bytes(result["steps"])
        row = {"run_id": run.run_id, "point_index": run.point_index, "point_id": run.point_id,
               "scenario": run.scenario, "preset": run.preset, "replication": run.replication, "seed": run.seed,
               **dict(run.point), **result["final"], "wall_s": result["wall_s"]}
        runs = _parquet_bytes(pd.DataFrame([row]))
        files = {f"steps/{run.run_id}.parquet": write_atomic(self.table_dir("steps") / f"{run.run_id}.parquet", steps),
                 f"runs/{run.run_id}.parquet": write_atomic(self.table_dir("runs") / f"{run.run_id}.parquet", runs)}
        self._append_ledger({"run_id": run.run_id, "files": files})
        stale = self.table_dir("failures") / f"{run.run_id}.parquet"
        if stale.exists():  # it failed in an earlier session and succeeded now
            stale.unlink()
        return len(steps) + len(runs)

    def _append_ledger(self, entry: dict) -> None:
        path = self.path / LEDGER
        with path.open("ab") as fh:
            fh.write(json.dumps(entry).encode() + b"\n")
            fh.flush()
            os.fsync(fh.fileno())

    def write_failure(self, run: SweepRun, error: str, attempts: int) -> None:
        row = {"run_id": run.run_id, "point_index": run.point_index, "scenario": run.scenario,
               "preset": run.preset, "replication": run.replication, "seed": run.seed,
               "attempts": attempts, "error": error}
        write_atomic(self.table_dir("failures") / f"{run.run_id}.parquet", _parquet_bytes(pd.DataFrame([row])))

    # ------------------------------------------------------------ reading

    def read(self, table: str, verify: bool = True) -> pd.DataFrame:
        """A whole table of the plan's runs as a DataFrame (empty if nothing is stored yet).

        ``runs`` and ``steps`` hold only finished runs; with ``verify`` their files must match
        their checksums, or ExperimentError names the damaged ones.
        """
        if table == "failures":
            plan = self.plan_ids()
            files = sorted(p for p in self.table_dir(table).glob("*.parquet")
                           if not p.name.startswith(".") and p.stem in plan)
        else:
            ids, damaged = self.check() if verify else (self.finished_ids(), [])
            if damaged:
                shown = ", ".join(damaged[:5]) + (f" and {len(damaged) - 5} more" if len(damaged) > 5 else "")
                raise ExperimentError(f"{self.path}: {len(damaged)} damaged run file(s) (checksum mismatch, "
                                      f"truncated or missing): {shown}; recompute them with `sim sweep "
                                      f"EXPERIMENT --store {self.path} --resume`")
            files = [self.table_dir(table) / f"{run_id}.parquet" for run_id in sorted(ids)]
        if not files:
            return pd.DataFrame()
        return pd.concat((pd.read_parquet(p) for p in files), ignore_index=True)


def _end_torn_line(path: Path) -> None:
    """After a kill while appending, start the next entry on a line of its own."""
    with path.open("rb+") as fh:
        if fh.seek(0, os.SEEK_END) and (fh.seek(-1, os.SEEK_END), fh.read(1))[1] != b"\n":
            fh.write(b"\n")

