"""Resource limits checked before a job starts: workers, memory and disk, with the numbers.

A job too big for this machine is refused within a second, saying how big it is and what
fits, instead of failing after minutes with a MemoryError or an OOM-killed sweep.
The per-unit sizes below are rough measurements on a 2-core machine (Python 3.12, the
default 700-household neighbourhood); estimates are for orders of magnitude, not budgets.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Sequence
from math import prod
from pathlib import Path
from typing import TYPE_CHECKING

from sim.inputs import InputError

if TYPE_CHECKING:
    from sim.execution.runs import RunSpec
    from sim.params import Params
    from sim.sweep.experiment import Experiment

WORKERS_PER_CORE = 4  # more processes than this only queue for the cores and cost memory
WORKER_BYTES = 250 * 2**20  # resident size of one worker running a default model (~200 MiB measured)
PLAN_BYTES_PER_RUN = 1_500  # a planned sweep run in the driver (measured ~1.45 KB)
PLAN_SECONDS_PER_RUN = 0.0005  # planning one run: validation and its id (measured ~0.45 ms)
STORE_BYTES_PER_RUN = 16 * 2**10  # the runs and steps files of one finished run (keep = final)
BYTES_PER_VALUE = 8
MEMORY_SHARE = 0.5  # a job may plan to use at most this share of the memory available now


def available_memory() -> int:
    """Bytes of memory available to new processes now (MemAvailable; physical memory elsewhere)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} PiB"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.0f} days"


def check_workers(workers: int | None, option: str = "--workers") -> None:
    """Refuse more local worker processes than WORKERS_PER_CORE per core or than memory holds."""
    if workers is None:
        return
    cores = os.cpu_count() or 1
    limit = WORKERS_PER_CORE * cores
    if workers > limit:
        raise InputError(f"{option} {workers}: at most {limit} on this machine ({WORKERS_PER_CORE} x {cores} "
                         "cores); more processes only wait for the cores and use memory")
    memory = available_memory()
    if workers * WORKER_BYTES > memory:
        raise InputError(f"{option} {workers}: {workers} workers need about {_size(workers * WORKER_BYTES)} of "
                         f"memory, {_size(memory)} is available; use at most {max(1, memory // WORKER_BYTES)}")


def _check_memory(need: int, what: str, advice: str) -> None:
    budget = int(available_memory() * MEMORY_SHARE)
    if need > budget:
        raise InputError(f"{what} needs about {_size(need)} of memory; at most {_size(budget)} is usable here "
                         f"(half of what is available); {advice}")


def planned_runs(exp: Experiment) -> int:
    """How many runs an experiment plans, counted without sampling the design."""
    k = len(exp.factors)
    if exp.design == "grid":
        points = prod(len(f.values) for f in exp.factors)
    elif exp.design == "lhs":
        points = exp.samples
    else:  # Saltelli: N (k + 2) points; Morris: r (k + 1)
        points = exp.samples * (k + (2 if exp.design == "sobol" else 1))
    return points * len(exp.presets) * len(exp.scenarios) * exp.replications


def check_design_size(exp: Experiment, store: Path | None = None, quiet: bool = False) -> int:
    """Refuse a design whose plan does not fit in memory or whose store does not fit on disk; return its runs."""
    runs = planned_runs(exp)
    what = (f"{exp.source}: the {exp.design} design ({runs:,} runs = points x {len(exp.presets)} preset(s) x "
            f"{len(exp.scenarios)} scenario(s) x {exp.replications} replications)")
    _check_memory(runs * PLAN_BYTES_PER_RUN, what, "reduce samples, values or replications")
    if store is not None:
        weeks = exp.weeks or 156
        kept = {"final": 1, "yearly": weeks // 52 + 2, "every": weeks + 1}[exp.keep]
        disk = runs * (STORE_BYTES_PER_RUN + kept * (len(exp.metrics) + 2) * BYTES_PER_VALUE)
        existing = next((p for p in [store.absolute(), *store.absolute().parents] if p.exists()), Path("/"))
        free = shutil.disk_usage(existing).free
        if disk > free:
            raise InputError(f"{what} needs about {_size(disk)} of disk for its store; {_size(free)} is free "
                             f"under {existing}")
    planning = runs * PLAN_SECONDS_PER_RUN
    if planning > 30 and not quiet:
        print(f"{exp.name}: planning {runs:,} runs takes about {_duration(planning)} before the first starts",
              file=sys.stderr)
    return runs


def check_compare_size(specs: Sequence[RunSpec], workers: int | None, progress: bool = True) -> None:
    """Refuse a comparison whose tables do not fit in memory; print an estimate for a large one."""
    from sim.sweep.experiment import metric_names

    check_workers(workers)
    if progress and len(specs) > 200:
        say_if_compiling()  # before the first model (the column names below), after the inputs were checked
    rows = sum(s.params.run.weeks + 1 for s in specs)
    columns = len(metric_names()) + 3
    need = 2 * rows * columns * BYTES_PER_VALUE  # every run's steps, and their concatenation
    what = f"the comparison ({len(specs):,} runs, {rows:,} weekly rows)"
    _check_memory(need, what, "use fewer --seeds or --steps, or a sweep (results go to disk as they finish)")
    if progress and len(specs) > 200:
        total = pilot_total_seconds(specs, workers or os.cpu_count() or 1)
        cores = os.cpu_count() or 1
        wanted = max(1, min(workers or cores, cores))
        lanes = effective_lanes(wanted, cores, os.getloadavg()[0])
        print(f"estimate: {len(specs):,} runs, about {_duration(total / lanes)} on {wanted} "
              f"core(s), {_size(need / 2)} of tables in memory", file=sys.stderr)


def effective_lanes(workers: int, cores: int, other_load: float) -> float:
    """How many runs' worth of CPU ``workers`` processes get when ``other_load`` processes already compete for the
    ``cores`` (the load average before the job): each gets its share of the cores, at most one."""
    return workers * min(1.0, cores / (max(0.0, other_load) + workers))


PILOT_WEEKS = 26  # long enough for renewals to start (the first weeks are cheaper than the rest)
WARM_WEEKS = 312  # a tiny model's whole horizon: every kernel a run reaches compiles and loads (about 0.1 s)


def pilot_seconds(specs: Sequence[RunSpec]) -> float:
    """CPU seconds a batch of ``specs`` (one horizon) takes, from building its model and a few weeks of it.

    A tiny copy of the model runs first, untimed: the first model of a kind in a process loads the
    compiled kernels it uses, and on a fresh checkout compiles them (seconds, once per kernel;
    docs/performance.md), which no later run pays. CPU time, not wall time: what other processes on
    the machine take now is :func:`effective_lanes`' business.
    """
    from sim.model import LilongModel

    first = specs[0]
    weeks = min(PILOT_WEEKS, first.params.run.weeks)
    warm_kernels(first.params, first.seed)
    start = time.process_time()
    model = LilongModel([s.params for s in specs], [s.seed for s in specs], agents=False)
    built = time.process_time()
    model.run_weeks(weeks)
    per_week = (time.process_time() - built) / weeks
    return (built - start) + per_week * first.params.run.weeks


def warm_kernels(params: Params, seed: int = 0) -> None:
    """Run a tiny copy of the model over its horizon, and a tiny batch of two for a few weeks: the compiled
    kernels of one neighbourhood and of a batch (its gathered draws) are loaded in this process and, on a
    fresh checkout, compiled and cached on disk (where worker processes then find them)."""
    from sim.model import LilongModel

    warm = params.replace({"neighbourhood.households": 40}, origin="pilot")
    LilongModel(warm, seed).run_weeks(min(WARM_WEEKS, params.run.weeks))
    LilongModel([warm, warm], [seed, seed + 1]).run_weeks(2)


def kernels_cached() -> bool:
    """Whether numba's on-disk cache holds any of the package's compiled kernels (beside the sources, or in
    NUMBA_CACHE_DIR when that is set)."""
    import numba

    where = Path(numba.config.CACHE_DIR) if numba.config.CACHE_DIR else Path(__file__).resolve().parent
    return next(where.rglob("*.nbi"), None) is not None


def say_if_compiling() -> None:
    """On a fresh checkout (nothing in numba's cache yet) say on stderr that the first model compiles the
    inner loops: seconds in which a job would otherwise print nothing, before its first estimate."""
    if not kernels_cached():
        print("compiling the model's inner loops (once per checkout: about 10 s on 2 cores) ...", file=sys.stderr,
              flush=True)


def pilot_total_seconds(specs: Sequence[RunSpec], workers: int = 1) -> float:
    """CPU seconds all of ``specs`` take in the batches they will run in (sim.execution.runs.plan_batches),
    from a pilot of the largest batch, scaled by each batch's households."""
    from sim.execution.runs import plan_batches

    batches = plan_batches(specs, workers)
    largest = max(batches, key=len)
    households = [sum(specs[i].params.neighbourhood.households * specs[i].params.run.weeks for i in b)
                  for b in batches]
    pilot = pilot_seconds([specs[i] for i in largest])
    return pilot * sum(households) / households[batches.index(largest)]
