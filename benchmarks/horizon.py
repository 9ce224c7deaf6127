"""Transient or steady state? Yearly means over a long horizon (docs/ODD.md, "Transient and steady state").

    .venv/bin/python benchmarks/horizon.py                      # 15 years, 5 seeds, three scenarios
    .venv/bin/python benchmarks/horizon.py --years 30 --seeds 10

The main job's year-by-year table (sim.analysis.by_year) over a longer horizon, every third year shown.
"""

from __future__ import annotations

import argparse
import time

from sim.analysis import by_year, by_year_markdown
from sim.metrics import WEEKS_PER_YEAR
from sim.params import load_scenario, scenario_path
from sim.runner import RunSpec, run_many

METRICS = ("trust_government", "external_efficacy", "involved_share", "satisfaction_overall", "spaces_in_use",
           "spaces_completed_per_year")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--scenarios", nargs="+", default=["top_down", "planner", "planner_platform"])
    args = parser.parse_args()
    start = time.perf_counter()
    specs = [RunSpec(s, load_scenario(scenario_path(s)).replace({"run.weeks": args.years * WEEKS_PER_YEAR}), seed)
             for s in args.scenarios for seed in range(args.seeds)]
    steps, _ = run_many(specs, workers=args.workers, progress=False)
    yearly = by_year(steps, METRICS)
    shown = yearly.index.get_level_values("year").isin(range(3, args.years + 1, 3))
    print(by_year_markdown(yearly[shown]))
    print(f"(seeds 0-{args.seeds - 1} x {len(args.scenarios)} scenarios x {args.years} years in "
          f"{time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
