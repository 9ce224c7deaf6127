"""What a calibration costs: model runs per second by executor and worker count, and where a run's time goes.

    .venv/bin/python benchmarks/bench_calibration.py             # the tables in docs/calibration.md (~10 min)
    .venv/bin/python benchmarks/bench_calibration.py --quick     # a smoke version

Each case runs the same small calibration of the shipped file (its full horizons, a fixed number of
generations) from scratch, start-up included, and reports model runs per second; the populations are
identical in every case (per-particle seeds). Then one calibration particle (the two settings of the
fitted targets) is profiled by module. Prints Markdown and the machine's load.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import os
import pstats
import tempfile
import time
import warnings
from collections import defaultdict
from pathlib import Path

import pandas as pd

from sim.calibration.engine import COSTS, calibrate
from sim.calibration.simulate import statistics
from sim.calibration.spec import load_calibration

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "scenarios" / "calibration" / "guizhou_west.toml"


def runs_per_second(cal, executor: str, workers: int) -> tuple[float, int]:  # noqa: ANN001
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cal"
        start = time.perf_counter()
        calibrate(cal, out, executor=executor, workers=workers, quiet=True, report=False)
        seconds = time.perf_counter() - start
        runs = int(pd.read_csv(out / COSTS)["model_runs"].sum())
    return runs / seconds, runs


def profile(cal, particles: int = 3) -> list[tuple[str, float]]:  # noqa: ANN001
    """Share of a particle's time by the module the time is spent in (own time, not cumulative)."""
    statistics({}, cal.fit_targets, 0)  # warm caches and imports
    prof = cProfile.Profile()
    prof.enable()
    for seed in range(particles):
        statistics({}, cal.fit_targets, seed)
    prof.disable()
    by_module: dict[str, float] = defaultdict(float)
    for (file, _, _), (_, _, own, _, _) in pstats.Stats(prof).stats.items():
        if "/sim/" in file:
            name = "sim/" + file.split("/sim/", 1)[1]
        elif "site-packages/" in file:
            name = file.split("site-packages/", 1)[1].split("/", 1)[0]
        else:
            name = "python"
        by_module[name] += own
    total = sum(by_module.values())
    return sorted(((k, v / total) for k, v in by_module.items()), key=lambda kv: -kv[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    cal = load_calibration(SHIPPED)
    population, generations = (8, 2) if args.quick else (40, 3)
    cal = dataclasses.replace(cal, abc=dataclasses.replace(cal.abc, population_size=population,
                                                           max_generations=generations))
    print(f"Load before: {os.getloadavg()[0]:.2f} (1-minute average) on {os.cpu_count()} CPUs\n")
    print(f"Calibration of `{SHIPPED.name}` cut to population {population} and {generations} generations, "
          "start-up included:\n")
    print("| executor | workers | model runs | runs per second | runs per hour |")
    print("|---|---|---|---|---|")
    cases = [("sequential", 1), ("local", 1), ("local", 2), ("dask", 1), ("dask", 2)]
    for executor, workers in cases[:3] if args.quick else cases:
        rate, runs = runs_per_second(cal, executor, workers)
        print(f"| {executor} | {workers} | {runs} | {rate:.2f} | {rate * 3600:,.0f} |")
    print("\nWhere one particle's time goes (own time by module, 3 particles, 2 runs each):\n")
    print("| module | share |")
    print("|---|---|")
    for name, share in profile(cal)[:12]:
        print(f"| {name} | {share:.1%} |")
    print(f"\nLoad after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
