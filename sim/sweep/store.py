"""The results store: a folder of Parquet datasets written one finished run at a time.

Layout::

    STORE/manifest.json        experiment, versions, git commit, machine, sessions
    STORE/experiment.toml      the experiment file as run
    STORE/plan.parquet         every planned run: run id, design point, scenario, preset, replication
    STORE/runs/<run_id>.parquet      one row: the run's point, seed and final-year metrics
    STORE/steps/<run_id>.parquet     the kept weeks of the run's metrics
    STORE/failures/<run_id>.parquet  a run that failed, with its error

Every file is written to a hidden temporary name and renamed into place (atomic on
POSIX), steps before runs: a run counts as finished only once its ``runs`` file exists,
so a sweep killed at any moment leaves nothing half-written that counts. Readers
(pandas/pyarrow) skip names starting with '.', so temporary files are never read.
"""

from __future__ import annotations

import json
import os
import platform
import socket
from datetime import datetime
from pathlib import Path

import pandas as pd

from sim.provenance import git_commit, package_versions
from sim.sweep.experiment import Experiment, ExperimentError
from sim.sweep.plan import SweepRun

TABLES = ("runs", "steps", "failures")


def _write_atomic(df: pd.DataFrame, path: Path) -> int:
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    df.to_parquet(tmp, index=False)
    size = tmp.stat().st_size
    os.replace(tmp, path)
    return size


def _write_json_atomic(obj: dict, path: Path) -> None:
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    tmp.write_text(json.dumps(obj, indent=2, default=str))
    os.replace(tmp, path)


class Store:
    """A results store folder."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def table_dir(self, table: str) -> Path:
        return self.path / table

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    def manifest(self) -> dict:
        return json.loads(self.manifest_path.read_text())

    def write_plan(self, runs: list[SweepRun]) -> None:
        """Which run serves which design point (a repeated point is one run serving several)."""
        plan = pd.DataFrame([(r.run_id, r.point_index, r.scenario, r.preset, r.replication) for r in runs],
                            columns=["run_id", "point_index", "scenario", "preset", "replication"])
        _write_atomic(plan, self.path / "plan.parquet")

    def read_plan(self) -> pd.DataFrame:
        return pd.read_parquet(self.path / "plan.parquet")

    def open(self, exp: Experiment, resume: bool, n_runs: int, executor: str) -> None:
        """Create the store, or reopen it to resume the same experiment."""
        if self.manifest_path.exists():
            if not resume:
                raise ExperimentError(f"{self.path}: a results store is already here; pass --resume to "
                                      "complete it, or choose another --store")
            manifest = self.manifest()
            if manifest["experiment_digest"] != exp.digest:
                raise ExperimentError(
                    f"{self.path}: this store holds experiment {manifest['experiment_name']!r} run with "
                    f"{manifest['settings']}; the one given now differs (its file or --replications/--samples/"
                    "--weeks); resume with the same file and options, or use another --store")
        else:
            for table in TABLES:
                self.table_dir(table).mkdir(parents=True, exist_ok=True)
            (self.path / "experiment.toml").write_text(exp.text)
            manifest = {"experiment_name": exp.name, "experiment_file": str(exp.source),
                        "experiment_digest": exp.digest, "settings": exp.reductions,
                        "versions": package_versions(), "git_commit": git_commit(),
                        "machine": {"host": socket.gethostname(), "platform": platform.platform(),
                                    "cpus": os.cpu_count()},
                        "runs_planned": n_runs, "sessions": []}
        manifest["sessions"].append({"start": datetime.now().isoformat(timespec="seconds"), "end": None,
                                     "executor": executor})
        _write_json_atomic(manifest, self.manifest_path)

    def close_session(self, done: int, failed: int) -> None:
        manifest = self.manifest()
        manifest["sessions"][-1].update({"end": datetime.now().isoformat(timespec="seconds"),
                                         "runs_done": done, "runs_failed": failed})
        _write_json_atomic(manifest, self.manifest_path)

    def finished_ids(self) -> set[str]:
        return {p.stem for p in self.table_dir("runs").glob("*.parquet") if not p.name.startswith(".")}

    def write_result(self, run: SweepRun, result: dict) -> int:
        """Store a finished run (steps, then the run row that marks it finished). Returns bytes written."""
        size = _write_atomic(result["steps"], self.table_dir("steps") / f"{run.run_id}.parquet")
        row = {"run_id": run.run_id, "point_index": run.point_index, "point_id": run.point_id,
               "scenario": run.scenario, "preset": run.preset, "replication": run.replication, "seed": run.seed,
               **dict(run.point), **result["final"], "wall_s": result["wall_s"]}
        size += _write_atomic(pd.DataFrame([row]), self.table_dir("runs") / f"{run.run_id}.parquet")
        stale = self.table_dir("failures") / f"{run.run_id}.parquet"
        if stale.exists():  # it failed in an earlier session and succeeded now
            stale.unlink()
        return size

    def write_failure(self, run: SweepRun, error: str, attempts: int) -> None:
        row = {"run_id": run.run_id, "point_index": run.point_index, "scenario": run.scenario,
               "preset": run.preset, "replication": run.replication, "seed": run.seed,
               "attempts": attempts, "error": error}
        _write_atomic(pd.DataFrame([row]), self.table_dir("failures") / f"{run.run_id}.parquet")

    def read(self, table: str) -> pd.DataFrame:
        """A whole table as a DataFrame (empty if nothing is stored yet)."""
        files = sorted(p for p in self.table_dir(table).glob("*.parquet") if not p.name.startswith("."))
        if not files:
            return pd.DataFrame()
        return pd.concat((pd.read_parquet(p) for p in files), ignore_index=True)
