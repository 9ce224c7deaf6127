"""A sweep end to end: plan, open the store, pilot, execute, record."""

from __future__ import annotations

import os
import sys
import time
from functools import partial
from pathlib import Path

from sim.progress import Progress
from sim.sweep.executors import ExecutorFactory, run_resilient
from sim.sweep.experiment import Experiment, load_experiment
from sim.sweep.plan import SweepRun, plan_runs
from sim.sweep.store import Store
from sim.sweep.task import execute_run


def default_store(exp: Experiment) -> Path:
    return Path("results") / "sweeps" / exp.name


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, file=sys.stderr)


def run(experiment: str | Path | Experiment, store: str | Path | None = None, resume: bool = False,
        executor: str = "local", workers: int | None = None, scheduler: str | None = None,
        quiet: bool = False, pilot: bool = True) -> Path:
    """Run (or, with ``resume``, complete) an experiment; return the store's path.

    Every run is validated before the first starts. Finished runs are written to the
    store as they complete; a run that raises is recorded as failed and the sweep goes on.
    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    planned = plan_runs(exp)
    runs = list({r.run_id: r for r in planned}.values())  # a design may repeat a point: run it once
    store_obj = Store(store or default_store(exp))
    factory = ExecutorFactory(executor, workers, scheduler)
    store_obj.open(exp, resume, len(runs), factory.kind)
    store_obj.write_plan(planned)
    finished = store_obj.finished_ids()
    pending = [r for r in runs if r.run_id not in finished]
    repeats = f" ({len(planned) - len(runs)} repeated design points run once)" if len(planned) > len(runs) else ""
    _say(quiet, f"{exp.name}: {len(runs)} runs{repeats}, {len(runs) - len(pending)} already in {store_obj.path}; "
                f"executor {factory.kind} with {factory.workers} worker(s)")
    progress = Progress(len(runs), done=len(runs) - len(pending), enabled=not quiet)
    work = partial(execute_run, keep=exp.keep, metrics=exp.metrics)
    failed = 0

    def done(run: SweepRun, result: dict) -> None:
        nonlocal failed
        if result["ok"]:
            store_obj.write_result(run, result)
        else:
            store_obj.write_failure(run, result["error"], attempts=1)
            failed += 1
        progress.tick(failed=not result["ok"])

    def lost(run: SweepRun, error: str, attempts: int) -> None:
        nonlocal failed
        store_obj.write_failure(run, error, attempts)
        failed += 1
        progress.tick(failed=True)

    if pilot and len(pending) > factory.workers:
        first, pending = pending[0], pending[1:]
        start = time.perf_counter()
        result = work(first)
        seconds = time.perf_counter() - start
        done(first, result)
        size = sum(p.stat().st_size for t in ("runs", "steps")
                   for p in [store_obj.table_dir(t) / f"{first.run_id}.parquet"] if p.exists())
        estimate = seconds * len(pending) / max(1, min(factory.workers, os.cpu_count() or 1))
        _say(quiet, f"  pilot run {seconds:.2f} s, {size / 1024:.0f} KiB: the remaining {len(pending)} runs "
                    f"need about {estimate:.0f} s and {size * len(pending) / 2**20:.1f} MiB")
    try:
        run_resilient(pending, work, factory, done, lost)
    finally:
        progress.close()
        factory.close()
        store_obj.close_session(len(store_obj.finished_ids()), failed)
    _say(quiet, f"{exp.name}: {len(store_obj.finished_ids())}/{len(runs)} runs stored, {failed} failed -> "
                f"{store_obj.path}")
    return store_obj.path
