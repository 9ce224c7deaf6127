"""Speed and memory of the model beside Mesa's bundled Schelling example, in one run.

    .venv/bin/python benchmarks/bench_model.py            # full: 1,500, 20,000 and 100,000 households
    .venv/bin/python benchmarks/bench_model.py --quick    # a smaller smoke version
    .venv/bin/python benchmarks/bench_model.py --repeats 5   # more runs of each case (default 3)

Each measurement runs in a fresh subprocess, so peak memory (max RSS) is per case. In the full run
both models run the same number of steps: Schelling's steps get cheaper as its agents settle (its first ten take
about 30% longer than its average over 156), so a short Schelling run would flatter the ratio.
Prints a Markdown table (the one in docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

CASE = r"""
import json, resource, statistics, sys, time
kind, n, steps, builds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if kind == "lilong":
    from sim import LilongModel, load_scenario
    from sim.params import scenario_path
    params = load_scenario(scenario_path("planner_platform")).replace({"neighbourhood.households": n,
                               "neighbourhood.main_alleys": max(3, round((n / 700) ** 0.5 * 3))})
    make = lambda seed: LilongModel(params, seed)
else:
    from mesa.examples.basic.schelling.model import Schelling, SchellingScenario
    side = round((n / 0.8) ** 0.5)
    make = lambda seed: Schelling(SchellingScenario(width=side, height=side, density=0.8, rng=seed))
times = []
for seed in range(builds):
    t = time.perf_counter(); model = make(seed); times.append(time.perf_counter() - t)
agents = model.households.n if kind == "lilong" else len(model.agents)
t = time.perf_counter()
for _ in range(steps):
    model.step()
run = time.perf_counter() - t
print(json.dumps({"model": kind, "agents": agents, "steps": steps, "build_s": statistics.median(times),
                  "run_s": run, "agent_steps_per_s": agents * steps / run,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(kind: str, n: int, steps: int, builds: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CASE, kind, str(n), str(steps), str(builds)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few steps")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each case (medians reported)")
    args = parser.parse_args()
    if args.quick:
        cases = [("lilong", 1500, 20, 2), ("schelling", 1500, 5, 1)]
    else:
        cases = [("lilong", 1500, 156, 5), ("schelling", 1500, 156, 3),
                 ("lilong", 20_000, 156, 3), ("schelling", 20_000, 156, 1),
                 ("lilong", 100_000, 156, 1)]
    start = time.perf_counter()
    # Every case several times, the cases interleaved so that both models meet the same machine
    # (a shared 2-core VM drifts by 10-20% within minutes); medians reported, peak RSS the largest.
    runs = [[measure(*case) for case in cases] for _ in range(args.repeats)]
    rows = []
    for i in range(len(cases)):
        reps = [rep[i] for rep in runs]
        row = dict(reps[0])
        for key in ("build_s", "run_s", "agent_steps_per_s"):
            row[key] = statistics.median(r[key] for r in reps)
        row["peak_rss_mib"] = max(r["peak_rss_mib"] for r in reps)
        row["spread"] = (min(r["agent_steps_per_s"] for r in reps), max(r["agent_steps_per_s"] for r in reps))
        rows.append(row)
    print(f"Medians of {args.repeats} runs of each case (agent-steps/s: lowest to highest in brackets).\n")
    print("| model | agents | steps | build (s) | build + steps (s) | agent-steps/s | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        low, high = r["spread"]
        print(f"| {r['model']} | {r['agents']:,} | {r['steps']} | {r['build_s']:.4f} | "
              f"{r['build_s'] + r['run_s']:.1f} | {r['agent_steps_per_s']:,.0f} [{low:,.0f} to {high:,.0f}] | "
              f"{r['peak_rss_mib']:.0f} |")
    for size in sorted({r["agents"] for r in rows if r["model"] == "lilong"}):
        mine = next(i for i, r in enumerate(rows) if r["model"] == "lilong" and r["agents"] == size)
        theirs = min((i for i, r in enumerate(rows) if r["model"] == "schelling"),
                     key=lambda i: abs(rows[i]["agents"] - size))
        # The ratio within each repeat (the two models measured minutes apart), then their median.
        ratios = sorted(rep[mine]["agent_steps_per_s"] / rep[theirs]["agent_steps_per_s"] for rep in runs)
        print(f"\nlilong {size:,} residents: {statistics.median(ratios):.1f}x Schelling's agent-steps/s at "
              f"{rows[theirs]['agents']:,} agents (per repeat: {', '.join(f'{r:.1f}x' for r in ratios)})")
    print(f"\n(total {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
