"""Sweep throughput, parallel efficiency, store overhead and driver memory.

    .venv/bin/python benchmarks/bench_sweep.py              # full (about 10 minutes on 2 cores)
    .venv/bin/python benchmarks/bench_sweep.py --quick      # a smoke version

Prints Markdown (the tables in docs/performance.md).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from sim import sweep
from sim.sweep.orchestrate import experiment_inputs
from sim.sweep.plan import plan_runs
from sim.sweep.store import Store
from sim.sweep.task import execute_run

TEMPLATE = """
name = "bench"
scenarios = ["planner_platform"]
replications = {reps}
master_seed = 1
keep = "final"
weeks = {weeks}
[parameters."planner.hours_per_week"]
values = [4, 8, 12, 16]
"""


def experiment(folder: Path, runs: int, weeks: int) -> Path:
    path = folder / f"bench-{runs}-{weeks}.toml"
    path.write_text(TEMPLATE.format(reps=max(1, runs // 4), weeks=weeks))
    return path


def throughput(folder: Path, runs: int, executor: str, workers: int, scheduler: str | None = None) -> float:
    """Runs per minute for the default neighbourhood and horizon (156 weeks), start-up included."""
    exp = sweep.load_experiment(experiment(folder, runs, 156))
    store = folder / f"store-{executor}-{workers}-{bool(scheduler)}"
    start = time.perf_counter()
    sweep.run(exp, store=store, executor=executor, workers=workers, scheduler=scheduler, quiet=True, pilot=False)
    return len(plan_runs(exp)) / (time.perf_counter() - start) * 60


def warm_dask_throughput(folder: Path, runs: int, workers: int) -> float:
    """The same on a LocalCluster that is already running (as on a cluster)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        return throughput(folder, runs, "dask", workers, scheduler=cluster.scheduler_address)


def store_overhead(folder: Path, runs: int) -> tuple[float, float]:
    """(seconds to write one run to the store, seconds to simulate it), measured apart."""
    exp = sweep.load_experiment(experiment(folder, runs, 156))
    plan = plan_runs(exp)
    store = Store(folder / "overhead")
    store.open(exp, resume=False, planned=plan, executor="sequential", inputs=experiment_inputs(exp))
    sim_s = write_s = 0.0
    for run in plan:
        t = time.perf_counter()
        result = execute_run(run, exp.keep, exp.metrics)
        sim_s += time.perf_counter() - t
        t = time.perf_counter()
        store.write_result(run, result)
        write_s += time.perf_counter() - t
    return write_s / len(plan), sim_s / len(plan)


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def driver_memory(folder: Path, runs: int, checkpoints: list[int]) -> list[tuple[int, float]]:
    """Driver resident memory (MiB) as a sweep of very short runs passes each checkpoint."""
    exp = sweep.load_experiment(experiment(folder, runs, 2))
    store = folder / "memory"
    seen: list[tuple[int, float]] = []
    stop = threading.Event()

    def watch() -> None:
        pending = list(checkpoints)
        while pending and not stop.is_set():
            folder_runs = store / "runs"
            done = sum(1 for _ in folder_runs.iterdir()) if folder_runs.exists() else 0
            if done >= pending[0]:
                seen.append((pending.pop(0), _rss_mib()))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    sweep.run(exp, store=store, executor="local", workers=2, quiet=True, pilot=False)
    time.sleep(0.2)
    stop.set()
    watcher.join()
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 16 if args.quick else 200
    checkpoints = [40, 80] if args.quick else [1000, 5000, 10000]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rates = {("local", 1): throughput(folder, runs, "local", 1),
                 ("local", 2): throughput(folder, runs, "local", 2),
                 ("dask", 2): throughput(folder, runs, "dask", 2),
                 ("dask, cluster already up", 2): warm_dask_throughput(folder, runs, 2)}
        write_s, sim_s = store_overhead(folder, max(8, runs // 10))
        memory = driver_memory(folder, checkpoints[-1], checkpoints)
    base = rates[("local", 1)]
    print(f"Default neighbourhood (700 households, 156 weeks, planner_platform), {runs} runs per case:\n")
    print("| executor | workers | runs/min | parallel efficiency |\n|---|---|---|---|")
    for (kind, workers), rate in rates.items():
        print(f"| {kind} | {workers} | {rate:,.0f} | {rate / (base * workers):.2f} |")
    print(f"\nStore write per run: {write_s * 1000:.1f} ms ({write_s / sim_s:.1%} of a run's "
          f"{sim_s * 1000:.0f} ms simulation)")
    print("\nDriver resident memory (MiB) as a sweep of 2-week runs on 2 local workers passes N runs:\n")
    for n, mib in memory:
        print(f"- {n:,} runs: {mib:.0f} MiB")


if __name__ == "__main__":
    main()
