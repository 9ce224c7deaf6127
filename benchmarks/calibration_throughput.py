"""Calibration runs per hour, side by side with an older commit of the project, in one run on the same machine.

    .venv/bin/python benchmarks/calibration_throughput.py --old /tmp/old --generations 4

The shipped calibration (scenarios/calibration/guizhou_west.toml) cut to its first ``--generations``
generations runs from scratch in each checkout, alternating (``--repeats``), with this interpreter and
``--workers`` processes; model runs are read from each run's generations.csv (the sampler's own count,
particles discarded when a generation fills included) and divided by the sampling's wall time (the
predictive checks and the report are not timed). Both checkouts sample the same particles only if their
models agree; the throughput compares the machinery, not the posteriors.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
from side_by_side import median_table

HERE = Path(__file__).resolve().parent.parent
SHIPPED = Path("scenarios/calibration/guizhou_west.toml")


def cut(checkout: Path, generations: int) -> Path:
    """A copy of the shipped calibration beside it (its relative target paths hold), ``generations`` long."""
    text = (checkout / SHIPPED).read_text()
    text = re.sub(r"(?m)^max_generations = \d+", f"max_generations = {generations}", text)
    text = re.sub(r"(?m)^predictive_draws = \d+", "predictive_draws = 1", text)
    with tempfile.NamedTemporaryFile("w", dir=checkout / SHIPPED.parent, prefix="_throughput-", suffix=".toml",
                                     delete=False) as fh:  # a name of its own: two runs at once do not collide
        fh.write(text.replace('name = "guizhou_west"', 'name = "throughput"'))
    return Path(fh.name)


def runs_per_hour(checkout: Path, generations: int, workers: int) -> tuple[float, int, float]:
    """(model runs per hour of sampling, model runs, sampling seconds) of one calibration in ``checkout``."""
    path = cut(checkout, generations)
    out = Path(tempfile.mkdtemp(prefix="calibration-throughput-")) / "out"
    try:
        subprocess.run([sys.executable, "-m", "sim", "calibrate", str(path.relative_to(checkout)), "--out", str(out),
                        "--workers", str(workers), "--quiet"], cwd=checkout, check=True, capture_output=True)
        costs = pd.read_csv(out / "generations.csv")
        runs, seconds = int(costs["model_runs"].sum()), float(costs["wall_s"].sum())
        return 3600 * runs / seconds, runs, seconds
    finally:
        path.unlink(missing_ok=True)
        shutil.rmtree(out.parent, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="a checkout of the older commit")
    parser.add_argument("--generations", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    rates: dict[str, list[float]] = {"old": [], "today": []}
    for _ in range(args.repeats):
        for name, checkout in (("old", args.old), ("today", HERE)):
            rate, runs, seconds = runs_per_hour(checkout, args.generations, args.workers)
            rates[name].append(rate)
            print(f"{name}: {runs} model runs in {seconds:.0f} s of sampling: {rate:,.0f} runs/hour", flush=True)
    print("\n" + median_table(rates, "model runs per hour", faster_when_smaller=False))

if __name__ == "__main__":
    main()
