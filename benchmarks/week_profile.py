"""Where a simulated week goes: CPU time of each step of the weekly schedule (docs/performance.md).

    .venv/bin/python benchmarks/week_profile.py                     # 20,000 households, planner_platform
    .venv/bin/python benchmarks/week_profile.py --households 700 --weeks 200

Runs ``--warmup`` weeks first (so the pipeline, the core and the caches are past their start),
then times every function of the package that the model's ``step`` calls (cProfile's cumulative time of those functions;
the profiler's own overhead is included, so the parts add up to a little more than a plain week).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

from sim import LilongModel, load_scenario
from sim.params import scenario_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--scenario", default="planner_platform")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--weeks", type=int, default=100)
    args = parser.parse_args()
    params = load_scenario(scenario_path(args.scenario)).replace({
        "neighbourhood.households": args.households,
        "neighbourhood.main_alleys": max(3, round((args.households / 700) ** 0.5 * 3))})
    model = LilongModel(params, 1)
    model.run_weeks(args.warmup)
    start = time.process_time()
    model.run_weeks(args.weeks)
    plain = (time.process_time() - start) / args.weeks * 1000
    profile = cProfile.Profile()
    profile.enable()
    model.run_weeks(args.weeks)
    profile.disable()
    # Every function of this package that the model's step calls directly: the steps of the schedule.
    rows = [(f"{Path(file).stem}.{name}", cumulative / args.weeks * 1000)
            for (file, _, name), (_, _, _, cumulative, callers) in pstats.Stats(profile).stats.items()
            if "/sim/" in file and any(c[0].endswith("sim/model.py") and c[2] == "step" for c in callers)]
    print(f"{args.scenario}, {model.households.n:,} households, weeks {args.warmup + args.weeks + 1}-"
          f"{args.warmup + 2 * args.weeks}: {plain:.2f} ms CPU a week without the profiler\n")
    print("| step of the week | ms CPU a week (profiled) |\n|---|---|")
    for label, ms in sorted(rows, key=lambda r: -r[1]):
        print(f"| {label} | {ms:.2f} |")
    print(f"| all of the above | {sum(ms for _, ms in rows):.2f} |")


if __name__ == "__main__":
    main()
