"""CPU time per run by batch size: K runs of one scenario stepped as one model (docs/performance.md).

    .venv/bin/python benchmarks/batch_cost.py                        # planner, 700 households, 312 weeks
    .venv/bin/python benchmarks/batch_cost.py --sizes 1 30 --repeats 3

Each size runs in a fresh process (after one untimed batch of one, which loads the compiled kernels) and
reports the CPU time of ``run_batch`` (building, 312 weeks and the tables) divided by the runs, and per
neighbourhood-week; the lowest of ``--repeats``. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CASE = r"""
import json, sys, time
from sim import load_scenario
from sim.execution.runs import RunSpec, run_batch
from sim.params import scenario_path
scenario, k, weeks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
params = load_scenario(scenario_path(scenario)).replace({"run.weeks": weeks})
run_batch([RunSpec(scenario, params, 10_000)])  # untimed: loads the kernels
start = time.process_time()
run_batch([RunSpec(scenario, params, seed) for seed in range(k)])
print(json.dumps({"cpu_s": time.process_time() - start}))
"""


def cpu_per_batch(scenario: str, k: int, weeks: int) -> float:
    out = subprocess.run([sys.executable, "-c", CASE, scenario, str(k), str(weeks)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)["cpu_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="planner")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 15, 30, 60])
    parser.add_argument("--weeks", type=int, default=312)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    per_run = {k: min(cpu_per_batch(args.scenario, k, args.weeks) for _ in range(args.repeats)) / k
               for k in args.sizes}
    print("| runs in the batch | " + " | ".join(str(k) for k in per_run) + " |")
    print("|---|" + "---|" * len(per_run))
    print("| ms CPU per run | " + " | ".join(f"{1000 * c:.0f}" for c in per_run.values()) + " |")
    weekly = " | ".join(f"{1000 * c / args.weeks:.2f}" for c in per_run.values())
    print(f"| ms per neighbourhood-week | {weekly} |")


if __name__ == "__main__":
    main()
