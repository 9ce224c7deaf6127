"""Where a simulated week goes: CPU time of each step of the weekly schedule (docs/performance.md).

    .venv/bin/python benchmarks/week_profile.py                     # 20,000 households, planner_platform
    .venv/bin/python benchmarks/week_profile.py --households 700 --weeks 200

Runs ``--warmup`` weeks first (so the pipeline, the core and the caches are past their start),
then times every call the model's ``step`` makes (cProfile's cumulative time of those functions;
the profiler's own overhead is included, so the parts add up to a little more than a plain week).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

from sim import LilongModel, load_scenario
from sim.compare import scenario_path
from sim.submodels import channels

# The functions LilongModel.step calls, by (file suffix, function name), in schedule order.
SCHEDULE = [("submodels/turnover.py", "move"), ("submodels/participation.py", "weekly_disposition"),
            *(("submodels/channels.py", c.__name__) for c in channels.CHANNELS),
            ("submodels/voice.py", "aggregate_voice"), ("submodels/decision.py", "review"),
            ("submodels/decision.py", "progress"), ("submodels/upkeep.py", "use_of_spaces"),
            ("submodels/upkeep.py", "upkeep"), ("submodels/upkeep.py", "wear_out"),
            ("submodels/heritage.py", "inspections"), ("submodels/upkeep.py", "maintenance_rules"),
            ("submodels/volunteering.py", "recruit"), ("submodels/gatherings.py", "gatherings"),
            ("submodels/satisfaction.py", "satisfaction"), ("submodels/feedback.py", "responsiveness"),
            ("submodels/feedback.py", "leaders"), ("submodels/participation.py", "update_ladder"),
            ("sim/metrics.py", "collect"), ("sim/model.py", "_record")]


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
    cumulative = {(file, name): stats[3] for (file, _, name), stats in pstats.Stats(profile).stats.items()}
    rows = []
    for suffix, name in SCHEDULE:
        seconds = sum(t for (file, fn), t in cumulative.items() if fn == name and file.endswith(suffix))
        rows.append((f"{suffix.rsplit('/', 1)[-1].removesuffix('.py')}.{name}", seconds / args.weeks * 1000))
    print(f"{args.scenario}, {model.households.n:,} households, weeks {args.warmup + args.weeks + 1}-"
          f"{args.warmup + 2 * args.weeks}: {plain:.2f} ms CPU a week without the profiler\n")
    print("| step of the week | ms CPU a week (profiled) |\n|---|---|")
    for label, ms in sorted(rows, key=lambda r: -r[1]):
        print(f"| {label} | {ms:.2f} |")
    print(f"| all of the above | {sum(ms for _, ms in rows):.2f} |")


if __name__ == "__main__":
    main()
