"""The main job, side by side with an older commit of the project, in one run on the same machine.

    .venv/bin/python benchmarks/main_job.py --old /tmp/old             # a worktree of the older commit
    git worktree add /tmp/old c289dc2                                  # (the commit issue 17 started from)

Runs `sim compare --name bench-main --overwrite --quiet` (5 scenarios x 30 seeds x 312 weeks with the
robustness table) in each checkout, alternating, ``--repeats`` times, each in a fresh process with this
interpreter (so both use the same libraries), after one untimed warm-up each (numba's caches). Today's
main job also runs every seed on a posterior draw; `--posterior none` leaves that out, so the two jobs
differ only in the robustness variants (today's table has more). Reports wall time and runs per second.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from side_by_side import median_table

HERE = Path(__file__).resolve().parent.parent


def job(checkout: Path, extra: list[str]) -> float:
    """Wall time of one main job in ``checkout``."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim", "compare", "--name", "bench-main", "--overwrite", "--quiet",
                    *extra], cwd=checkout, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="a checkout of the older commit")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cases = {"old": (args.old, []), "today": (HERE, []), "today, --posterior none": (HERE, ["--posterior", "none"])}
    for checkout, extra in {c: e for c, e in cases.values()}.items():  # warm-up: compile and cache the kernels
        subprocess.run([sys.executable, "-m", "sim", "compare", "--seeds", "1", "--steps", "5", "--name",
                        "bench-warm", "--overwrite", "--quiet", "--robustness-seeds", "1", *extra],
                       cwd=checkout, check=True, capture_output=True)
    walls: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(args.repeats):
        for name, (checkout, extra) in cases.items():
            wall = job(checkout, extra)
            walls[name].append(wall)
            print(f"{name}: {wall:.1f} s", flush=True)
    print("\n" + median_table(walls, "wall time (s)", faster_when_smaller=True))

if __name__ == "__main__":
    main()
