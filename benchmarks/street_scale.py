"""How a street's time and memory grow with its size: 700 to 400,000 households, 312 weeks (docs/performance.md).

    .venv/bin/python benchmarks/street_scale.py                       # 1, 10, 100 and 570 neighbourhoods
    .venv/bin/python benchmarks/street_scale.py --sizes 1 16 --weeks 52

The shipped street (scenarios/streets/old_town_street.toml: sixteen neighbourhoods of 700-900 households,
four kinds) is repeated, kind by kind, to the size asked for, with the office's budget per household kept,
and one planner in the first lilong. Each size runs in a fresh process (so its peak memory is its own):
build time, run time, time per week, and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

SHIPPED = "old_town_street"


def street_of(neighbourhoods: int):  # noqa: ANN201 (sim.street.Street; imported in the child only)
    """The shipped street, its neighbourhoods repeated to ``neighbourhoods``, budget per household kept."""
    from sim.street import Assignment, load_street

    base = load_street(SHIPPED)
    members = [(f"{name}_{i // len(base.neighbourhoods)}", params)
               for i, (name, params) in enumerate(base.neighbourhoods[k % len(base.neighbourhoods)]
                                                  for k in range(neighbourhoods))]
    households = sum(p.neighbourhood.households for _, p in members)
    budget = base.budget_yuan_per_year * households / base.households
    return replace(base, neighbourhoods=tuple(members), budget_yuan_per_year=budget,
                   planners=(Assignment(members[0][0]),), placements=())


def measure(neighbourhoods: int, weeks: int) -> dict:
    """One size, in this process."""
    from sim.street import build

    street = street_of(neighbourhoods)
    start = time.perf_counter()
    run = build(street, seed=0)
    built = time.perf_counter() - start
    start = time.perf_counter()
    run.run(weeks)
    ran = time.perf_counter() - start
    table = run.model.weekly_table()
    return {"neighbourhoods": neighbourhoods, "households": street.households, "weeks": weeks,
            "build_s": round(built, 2), "run_s": round(ran, 2), "ms_per_week": round(1000 * ran / weeks, 1),
            "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
            "rows": len(table)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 570], help="neighbourhoods")
    parser.add_argument("--weeks", type=int, default=312)
    parser.add_argument("--plot", type=Path, help="write the scaling figure here (PNG)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child: one size, JSON out
    args = parser.parse_args()
    if args.one is not None:
        from sim.street import build

        build(street_of(1), seed=1).run(2)  # compile and load the kernels before timing (numba's cache)
        print(json.dumps(measure(args.one, args.weeks)))
        return
    rows = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n), "--weeks", str(args.weeks)],
                             check=True, capture_output=True, text=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        print(f"{r['neighbourhoods']:>5} neighbourhoods {r['households']:>8,} households: build {r['build_s']:6.2f} s, "
              f"{r['weeks']} weeks {r['run_s']:7.2f} s ({r['ms_per_week']:7.1f} ms/week), "
              f"peak memory {r['peak_rss_gib']:.2f} GiB", flush=True)
    print("\n| neighbourhoods | households | build (s) | run (s) | ms per week | µs per household-week | "
          "peak memory (GiB) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        per = 1000 * r["ms_per_week"] / r["households"]
        print(f"| {r['neighbourhoods']} | {r['households']:,} | {r['build_s']} | {r['run_s']} | {r['ms_per_week']} | "
              f"{per:.2f} | {r['peak_rss_gib']} |")
    if args.plot:
        plot(rows, args.plot)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hh = [r["households"] for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3.2))
    a.loglog(hh, [r["run_s"] for r in rows], "o-", label="312 weeks")
    a.loglog(hh, [r["build_s"] for r in rows], "s--", label="build")
    a.set_xlabel("households")
    a.set_ylabel("seconds")
    a.legend(fontsize=8)
    b.semilogx(hh, [r["peak_rss_gib"] for r in rows], "o-")
    b.set_xlabel("households")
    b.set_ylabel("peak memory (GiB)")
    fig.suptitle("A street of many neighbourhoods: time and memory by size", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
