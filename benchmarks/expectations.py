"""The ledger of expectations: what residents are promised, and what is kept, broken or still waiting.

    .venv/bin/python benchmarks/expectations.py                       # top_down and planner, budget x1 and x4
    .venv/bin/python benchmarks/expectations.py --years 20 --seeds 8 --budgets 1 2 4

Per scenario and budget (the street office's budget times each factor, the same in every scenario), over
seeds 500.. : expectations formed by source (voice alone, an announced project, a workshop), the share kept,
broken and still pending, how long the kept ones waited against their due windows, how long the pipeline
takes (proposal to use, from the event log), how often speakers are answered and ignored, and trust in
government by period (docs/ODD.md, "What drove the fall of trust").
"""

from __future__ import annotations

import argparse
import time
from multiprocessing import get_context

import numpy as np
import pandas as pd

from sim.metrics import WEEKS_PER_YEAR
from sim.model import LilongModel
from sim.params import load_scenario, scenario_path
from sim.population import ExpectationSource
from sim.submodels.voice import Ledger


def one_run(task: tuple[str, float, int, int]) -> dict:
    scenario, budget_factor, seed, years = task
    params = load_scenario(scenario_path(scenario))
    params = params.replace({"street_office.budget_yuan_per_year": params.street_office.budget_yuan_per_year
                             * budget_factor, "run.weeks": years * WEEKS_PER_YEAR})
    model = LilongModel(params, seed)
    model.run_weeks(params.run.weeks)
    steps = model.dataframe()
    h = model.households
    events = pd.DataFrame(model.events)
    proposed = events[events.event == "proposed"].groupby("site").week.apply(list)
    built = events[events.event == "built"]
    lead = [w - max(x for x in proposed[s] if x <= w) for s, w in zip(built.site, built.week, strict=True)]
    year = (steps.week - 1) // WEEKS_PER_YEAR + 1
    by_year = steps[steps.week > 0].groupby(year[steps.week > 0])
    return {"scenario": scenario, "budget": budget_factor, "seed": seed, "ledger": model.ledger.copy(),
            "pending": np.bincount(h.promised_source[h.promised_source >= 0], minlength=len(ExpectationSource)),
            "lead_weeks": lead, "trust": by_year.trust_government.mean().to_numpy(),
            "answered": by_year.voice_answered_per_year.mean().to_numpy(),
            "ignored": by_year.voice_ignored_per_year.mean().to_numpy()}


def report(runs: list[dict], years: int) -> str:
    lines = []
    periods = [(1, 3), (4, 6), (7, 10), (11, years)] if years > 10 else [(1, 3), (4, years)]
    for (scenario, budget), group in pd.DataFrame(runs).groupby(["scenario", "budget"], sort=False):
        ledger = np.sum(list(group.ledger), axis=0)
        pending = np.sum(list(group.pending), axis=0)
        lines.append(f"### `{scenario}`, budget x{budget:g} ({len(group)} seeds, {years} years)")
        lines.append("")
        lines.append("| source | formed | kept | broken | pending at the end | moved out | weeks to an answer (mean) |")
        lines.append("|---|---|---|---|---|---|---|")
        for source in ExpectationSource:
            row = ledger[source]
            formed = max(row[Ledger.FORMED], 1)
            waited = row[Ledger.KEPT_WEEKS] / row[Ledger.KEPT] if row[Ledger.KEPT] else float("nan")
            lines.append(f"| {source.name.lower()} | {row[Ledger.FORMED]:.0f} | {row[Ledger.KEPT] / formed:.0%} | "
                         f"{row[Ledger.BROKEN] / formed:.0%} | {pending[source] / formed:.0%} | "
                         f"{row[Ledger.MOVED_OUT] / formed:.0%} | {waited:.0f} |")
        lead = np.concatenate(list(group.lead_weeks))
        lines.append("")
        lines.append(f"Proposal to use: median {np.median(lead):.0f} weeks, 90th percentile "
                     f"{np.percentile(lead, 90):.0f} ({len(lead)} projects); voice waits up to the response "
                     f"window, an announcement up to its expected delivery (52 weeks each at the defaults), and "
                     f"longer while its project is under way.")
        answered, ignored, trust = (np.mean(list(group[k]), axis=0) for k in ("answered", "ignored", "trust"))
        cells = []
        for lo, hi in periods:
            a, i = answered[lo - 1:hi].mean(), ignored[lo - 1:hi].mean()
            cells.append(f"years {lo}-{hi}: answered {a:.0f}/year, ignored {i:.0f}/year "
                         f"(share answered {a / (a + i):.2f}), trust {trust[lo - 1:hi].mean():.3f}")
        lines += ["", "Speakers: " + "; ".join(cells) + ".", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--budgets", type=float, nargs="+", default=[1.0, 4.0])
    parser.add_argument("--scenarios", nargs="+", default=["top_down", "planner"])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    tasks = [(s, b, seed, args.years) for b in args.budgets for s in args.scenarios
             for seed in range(500, 500 + args.seeds)]
    with get_context("forkserver").Pool(args.workers) as pool:
        runs = pool.map(one_run, tasks)
    print(report(runs, args.years))
    print(f"(measured with `.venv/bin/python benchmarks/expectations.py --years {args.years} --seeds {args.seeds} "
          f"--budgets {' '.join(f'{b:g}' for b in args.budgets)}`: {len(tasks)} runs, "
          f"{time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
