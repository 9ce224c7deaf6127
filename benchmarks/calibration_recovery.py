"""Synthetic recovery: do the calibration's 90% credible intervals contain the true values 90% of the time?

    .venv/bin/python benchmarks/calibration_recovery.py              # full (docs/calibration.md)
    .venv/bin/python benchmarks/calibration_recovery.py --quick      # a smoke version

Each repetition draws true values from the prior, makes targets from one model run there plus the
assumed error, calibrates to them (sim.calibration.recovery) and checks the 90% intervals. The
calibration is the turnout part of the shipped one (participation intercept and interest by age
against turnout by age; one run per particle), with the shipped tolerance, norm and threshold
quantile; runs are cut to 60 weeks (the method, not the horizon, is under test) so that 20
repetitions fit in about an hour on 2 cores. Prints Markdown: coverage per parameter with a 95%
interval, the intervals' width relative to the prior, runs and wall time; writes every interval to
results/calibration_recovery.csv.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from sim.calibration.recovery import recovery, summary
from sim.calibration.spec import load_calibration

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = """name = "recovery"
targets = ["{targets}"]
fit = ["turnout_young", "turnout_working", "turnout_retired"]
[parameters."behaviour.base_logit"]
range = [-10.0, -4.0]
source = "the shipped calibration's posterior lies well inside; a narrower box keeps each repetition short"
[parameters."population.interest_young"]
[parameters."population.interest_working"]
[parameters."population.interest_retired"]
[abc]
population_size = {population}
max_generations = {generations}
tolerance = 1.0
quantile = 0.3
min_acceptance_rate = 0.02
predictive_draws = 1
{weeks}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repetitions", type=int)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()
    population, generations, reps, weeks = (16, 3, 2, "weeks = 40") if args.quick else (60, 12, 20, "weeks = 60")
    reps = args.repetitions or reps
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "recovery.toml"
        path.write_text(TEMPLATE.format(targets=ROOT / "scenarios" / "targets" / "shanghai_turnout.toml",
                                        population=population, generations=generations, weeks=weeks))
        cal = load_calibration(path)
        start = time.perf_counter()
        table = recovery(cal, reps, master_seed=2026, workers=args.workers)
        minutes = (time.perf_counter() - start) / 60
    (ROOT / "results").mkdir(exist_ok=True)
    table.to_csv(ROOT / "results" / "calibration_recovery.csv", index=False)
    s = summary(table)
    print(f"Synthetic recovery: {reps} repetitions, population {population}, up to {generations} generations, "
          f"{args.workers} workers; {table.groupby('repetition')['particles'].first().sum():,} particles (one run "
          f"each) in {minutes:.1f} min; final thresholds {table['final_threshold'].min():.2f} to "
          f"{table['final_threshold'].max():.2f} (tolerance 1).\n")
    print("| parameter | 90% intervals containing the truth | coverage [95% CI] | mean width / prior width |")
    print("|---|---|---|---|")
    for r in s.itertuples():
        print(f"| `{r.parameter}` | {r.covered} of {r.repetitions} | {r.coverage:.2f} [{r.coverage_low:.2f}, "
              f"{r.coverage_high:.2f}] | {r.mean_relative_width:.2f} |")
    k, n = int(table["covered"].sum()), len(table)
    print(f"\nAll parameters: {k} of {n} intervals ({k / n:.2f}).")


if __name__ == "__main__":
    main()
