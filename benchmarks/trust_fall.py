"""What drove the fall of trust under a planner: the two changes of issue 15, each switched off in turn.

    .venv/bin/python benchmarks/trust_fall.py                  # 15 years, 6 seeds
    .venv/bin/python benchmarks/trust_fall.py --years 20 --seeds 10

Trust in government by year for `top_down` and `planner` under the four combinations of what voice
expects (`behaviour.voice_expects`: "any", the rule before issue 15, or "renewable") and of the fading of
experience toward each household's disposition (`behaviour.disposition_reversion_per_week`: 0, as before,
or the default). docs/ODD.md, "What drove the fall of trust", quotes its output.
"""

from __future__ import annotations

import argparse
import time

from sim.analysis import by_year
from sim.execution.runs import RunSpec, run_many
from sim.metrics import WEEKS_PER_YEAR
from sim.params import Params, load_scenario, scenario_path

DEFAULT_REVERSION = Params().behaviour.disposition_reversion_per_week


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--workers", type=int)
    args = parser.parse_args()
    start = time.perf_counter()
    specs = []
    for scope in ("any", "renewable"):
        for reversion in (0.0, DEFAULT_REVERSION):
            for scenario in ("top_down", "planner"):
                params = load_scenario(scenario_path(scenario)).replace({
                    "run.weeks": args.years * WEEKS_PER_YEAR, "behaviour.voice_expects": scope,
                    "behaviour.disposition_reversion_per_week": reversion})
                name = f"`{scenario}`, voice expects {scope}, reversion {reversion:g}"
                specs += [RunSpec(name, params, seed) for seed in range(40, 40 + args.seeds)]
    steps, _ = run_many(specs, workers=args.workers, progress=False)
    yearly = by_year(steps, ("trust_government",))["trust_government"].unstack("year")
    shown = sorted({1, 3, 6, 10, args.years} & set(yearly.columns))
    print("| scenario and mechanism | " + " | ".join(f"year {y}" for y in shown) + " |")
    print("|---|" + "---|" * len(shown))
    for name, row in yearly[shown].iterrows():
        print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in row) + " |")
    print(f"\n(seeds 40-{39 + args.seeds}; `.venv/bin/python benchmarks/trust_fall.py --years {args.years} "
          f"--seeds {args.seeds}`, {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
