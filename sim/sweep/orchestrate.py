"""A sweep end to end: plan, open the store, pilot, execute, record."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from sim.execution.executors import ExecutorFactory, run_resilient
from sim.execution.runs import plan_batches
from sim.integrity import input_records, reason
from sim.params import scenario_inputs
from sim.paths import results_path
from sim.progress import Progress
from sim.sizing import check_design_size, warm_kernels
from sim.sweep.experiment import Experiment, ExperimentError, load_experiment
from sim.sweep.plan import SweepRun, plan_runs
from sim.sweep.store import Store
from sim.sweep.task import execute_batch


def default_store(exp: Experiment) -> Path:
    return results_path("sweeps", exp.name)


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, file=sys.stderr)


def experiment_inputs(exp: Experiment) -> list[dict[str, str]]:
    """Every file the experiment's runs depend on, hashed: the experiment, its scenarios and presets."""
    files: list[tuple[str, Path]] = [("experiment", exp.source)]
    for scenario in exp.scenarios:
        for preset in exp.presets:
            files += scenario_inputs(exp.scenario_file(scenario), preset)
    return input_records(files)


def run(experiment: str | Path | Experiment, store: str | Path | None = None, resume: bool = False,
        executor: str = "local", workers: int | None = None, scheduler: str | None = None,
        quiet: bool = False, pilot: bool = True) -> Path:
    """Run (or, with ``resume``, complete) an experiment; return the store's path.

    Every run is validated, and the design's size checked, before the first starts. Finished
    runs are written to the store as they complete; a run that raises is recorded as failed
    and the sweep goes on. One session writes to a store at a time.
    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    store_path = Path(store) if store is not None else default_store(exp)
    check_design_size(exp, store_path, quiet)
    factory = ExecutorFactory(executor, workers, scheduler)
    planned = plan_runs(exp)
    runs = list({r.run_id: r for r in planned}.values())  # a design may repeat a point: run it once
    store_obj = Store(store_path)
    try:
        damaged = store_obj.open(exp, resume, planned, factory.kind, experiment_inputs(exp))
    except OSError as exc:  # a full or read-only disk while the store is set up: nothing has run
        store_obj.release()
        raise ExperimentError(f"{store_obj.path}: cannot write the store ({reason(exc)}); no run was started; "
                              "free some space, then run the same command again") from None
    failed = 0
    try:
        if damaged:
            _say(quiet, f"{store_obj.path}: {len(damaged)} damaged run file(s) found, their runs are run again: "
                        + ", ".join(damaged[:5]) + (" ..." if len(damaged) > 5 else ""))
        finished = store_obj.verified
        pending = [r for r in runs if r.run_id not in finished]
        repeats = (f" ({len(planned) - len(runs)} repeated design points run once)"
                   if len(planned) > len(runs) else "")
        _say(quiet, f"{exp.name}: {len(runs)} runs{repeats}, {len(runs) - len(pending)} already in "
                    f"{store_obj.path}; executor {factory.kind} with {factory.workers} worker(s)")
        progress = Progress(len(runs), done=len(runs) - len(pending), enabled=not quiet)
        work = partial(execute_batch, keep=exp.keep, metrics=exp.metrics)
        batches = [[pending[i] for i in b] for b in plan_batches(pending, factory.workers)]

        def done(batch: list[SweepRun], results: list[dict]) -> None:
            nonlocal failed
            with store_obj.writing():
                for run, result in zip(batch, results, strict=True):
                    if result["ok"]:
                        store_obj.write_result(run, result)
                    else:
                        store_obj.write_failure(run, result["error"], attempts=1)
            bad = sum(not r["ok"] for r in results)
            failed += bad
            progress.tick(len(batch), failed=bad)

        def lost(batch: list[SweepRun], error: str, attempts: int) -> None:
            nonlocal failed
            with store_obj.writing():
                for run in batch:
                    store_obj.write_failure(run, error, attempts)
            failed += len(batch)
            progress.tick(len(batch), failed=len(batch))

        try:
            with factory:
                if pilot and len(batches) > factory.workers:
                    first, batches = batches[0], batches[1:]
                    _pilot(first, work, factory, done, lost, store_obj, sum(len(b) for b in batches), quiet)
                run_resilient(batches, work, factory, done, lost)
        finally:
            progress.close()
    finally:
        store_obj.close_session(len(store_obj.finished_ids()), failed)
    _say(quiet, f"{exp.name}: {len(store_obj.finished_ids())}/{len(runs)} runs stored, {failed} failed -> "
                f"{store_obj.path}")
    return store_obj.path


def _pilot(first: list[SweepRun], work: Callable, factory: ExecutorFactory, done: Callable, lost: Callable,
           store: Store, remaining: int, quiet: bool) -> None:
    """Run the first batch through the executor and print what the rest will take, worker start-up included."""
    timing: dict[str, float] = {}

    def timed_done(batch: list[SweepRun], results: list[dict]) -> None:
        timing["run_s"] = sum(r["wall_s"] for r in results) / len(results)
        done(batch, results)

    warm_kernels(first[0].params, first[0].seed)  # a fresh checkout compiles them here once, not in the timed run
    start = time.perf_counter()
    run_resilient([first], work, factory, timed_done, lost)
    elapsed = time.perf_counter() - start
    if "run_s" not in timing:
        return
    run_s = timing["run_s"]
    startup = max(0.0, elapsed - run_s * len(first))  # starting a worker: a process, imports, the executor
    size = sum(p.stat().st_size for t in ("runs", "steps")
               for p in [store.table_dir(t) / f"{first[0].run_id}.parquet"] if p.exists())
    lanes = max(1, min(factory.workers, os.cpu_count() or 1))
    estimate = startup + run_s * remaining / lanes
    _say(quiet, f"  pilot batch of {len(first)} runs, {run_s:.2f} s a run, worker start-up {startup:.1f} s, "
                f"{size / 1024:.0f} KiB a run: the remaining {remaining} runs need about {estimate:.0f} s and "
                f"{size * remaining / 2**20:.1f} MiB")
