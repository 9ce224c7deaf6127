"""Transient or steady state? Yearly means over a long horizon (docs/ODD.md, "Transient and steady state").

    .venv/bin/python benchmarks/horizon.py                      # 15 years, 5 seeds, three scenarios
    .venv/bin/python benchmarks/horizon.py --years 30 --seeds 10

Prints, per scenario, the seed-averaged yearly mean of each metric at every third year.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from sim import LilongModel, load_scenario
from sim.analysis import markdown_table
from sim.compare import scenario_path
from sim.metrics import WEEKS_PER_YEAR

METRICS = ["trust_government", "external_efficacy", "involved_share", "satisfaction_overall", "spaces_in_use",
           "spaces_completed_per_year"]


def yearly(scenario: str, seed: int, years: int) -> pd.DataFrame:
    model = LilongModel(load_scenario(scenario_path(scenario)), seed)
    model.run_weeks(years * WEEKS_PER_YEAR)
    weekly = model.dataframe().iloc[1:]
    return weekly.groupby((weekly["week"] - 1) // WEEKS_PER_YEAR + 1)[METRICS].mean()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--scenarios", nargs="+", default=["top_down", "planner", "planner_platform"])
    args = parser.parse_args()
    start = time.perf_counter()
    shown = list(range(3, args.years + 1, 3))
    for scenario in args.scenarios:
        mean = sum(yearly(scenario, seed, args.years) for seed in range(args.seeds)) / args.seeds
        print(f"\n**{scenario}** (mean of seeds 0-{args.seeds - 1})\n")
        rows = [[year, *(f"{v:.3f}" for v in mean.loc[year])] for year in shown]
        print("\n".join(markdown_table(["year", *METRICS], rows)))
    print(f"\n({args.seeds} seeds x {len(args.scenarios)} scenarios x {args.years} years in "
          f"{time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
