"""Transient or steady state? Yearly means over a long horizon (docs/ODD.md, "Transient and steady state").

    .venv/bin/python benchmarks/horizon.py                      # 20 years, 5 seeds, the five scenarios
    .venv/bin/python benchmarks/horizon.py --years 30 --seeds 10

The main job's year-by-year table (sim.analysis.by_year) over a longer horizon, five years shown, and each
metric's trend over the last five years (sim.analysis.trend; tests/test_steady_state.py bounds it).
"""

from __future__ import annotations

import argparse
import time

from sim.analysis import by_year, by_year_markdown, trend
from sim.execution.runs import RunSpec, run_many
from sim.metrics import WEEKS_PER_YEAR
from sim.params import load_scenario, scenario_path

METRICS = ("trust_government", "external_efficacy", "involved_share", "satisfaction_overall", "spaces_in_use",
           "spaces_completed_per_year")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--preset", default="guizhou_west", help="as the main job (default guizhou_west)")
    parser.add_argument("--scenarios", nargs="+",
                        default=["top_down", "consultation", "platform", "planner", "planner_platform"])
    args = parser.parse_args()
    start = time.perf_counter()
    weeks = {"run.weeks": args.years * WEEKS_PER_YEAR}
    specs = [RunSpec(s, load_scenario(scenario_path(s), args.preset).replace(weeks), seed)
             for s in args.scenarios for seed in range(args.seeds)]
    steps, _ = run_many(specs, workers=args.workers, progress=False)
    yearly = by_year(steps, METRICS)
    every = max(1, args.years // 5)
    shown = yearly.index.get_level_values("year").isin(range(every, args.years + 1, every))
    print(by_year_markdown(yearly[shown]))
    last = trend(steps, METRICS, args.years - 4, args.years)
    print(f"Trend over years {args.years - 4}-{args.years} (change over five years, mean over seeds [95% CI]):\n")
    print("| scenario | " + " | ".join(METRICS) + " |")
    print("|---|" + "---|" * len(METRICS))
    for scenario, g in last.groupby("scenario", sort=False):
        cells = [f"{5 * r.slope_per_year:+.3f} [{5 * r.ci_low:+.3f}, {5 * r.ci_high:+.3f}]" for r in g.itertuples()]
        print(f"| {scenario} | " + " | ".join(cells) + " |")
    print(f"(seeds 0-{args.seeds - 1} x {len(args.scenarios)} scenarios x {args.years} years in "
          f"{time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
