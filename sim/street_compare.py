"""The street job: where do one or two planners do the most, under each budget rule?

Every placement of the street file's ``[compare]`` (and "no planner") runs under each budget rule on the
same seeds; each neighbourhood's seed is spawned from the street's, so a neighbourhood draws the same numbers
in every placement and rule (common random numbers). Differences are paired on seeds against "no planner"
under the same rule, with 95% CIs over seeds and the share of seeds where the difference is positive. The
folder is written whole or not at all, like the main job's (sim.integrity).
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import FINAL_WINDOW_WEEKS, markdown_table, mean_ci
from sim.execution.executors import ExecutorFactory, run_resilient
from sim.integrity import ResultFolder, cannot_write, input_records
from sim.metrics import REGISTRY
from sim.progress import Progress
from sim.provenance import git_commit, package_versions
from sim.street import Street, build, load_street

METRICS = ("involved_share", "satisfaction_overall", "trust_government", "external_efficacy", "spaces_in_use",
           "spending_yuan_per_year", "core_share")
BASELINE = "no planner"


def run_one(task: tuple[Street, str, int, int]) -> pd.DataFrame:
    """One street run: each neighbourhood's final-year means (and its households), tagged."""
    street, rule, placement, seed = task
    chosen = street.placements[placement]
    model = build(street, seed, chosen.planners, rule).run()
    table = model.weekly_table()[:, -FINAL_WINDOW_WEEKS:]  # (neighbourhoods, weeks, metrics)
    columns = [model.metric_names.index(m) for m in METRICS]
    frame = pd.DataFrame(np.nanmean(table[:, :, columns], axis=1), columns=list(METRICS))
    frame.insert(0, "households", model.hseg.sizes)
    frame.insert(0, "planner", [name in {a.neighbourhood for a in chosen.planners} for name in street.names])
    frame.insert(0, "neighbourhood", street.names)
    frame.insert(0, "seed", seed)
    frame.insert(0, "placement", chosen.name)
    frame.insert(0, "budget_rule", rule)
    return frame


def street_means(per_nb: pd.DataFrame) -> pd.DataFrame:
    """Per run: the street's household-weighted mean of each metric (spaces and spending: summed)."""
    rows = []
    for key, g in per_nb.groupby(["budget_rule", "placement", "seed"], sort=False):
        w = g.households.to_numpy(float)
        row = dict(zip(("budget_rule", "placement", "seed"), key, strict=True))
        for m in METRICS:
            v = g[m].to_numpy(float)
            summed = m in ("spaces_in_use", "spending_yuan_per_year")
            row[m] = float(v.sum()) if summed else float((w * v).sum() / w.sum())
        rows.append(row)
    return pd.DataFrame(rows)


def paired(per_run: pd.DataFrame) -> pd.DataFrame:
    """Each placement minus "no planner" under the same rule, paired on seeds."""
    rows = []
    for rule, g in per_run.groupby("budget_rule", sort=False):
        base = g[g.placement == BASELINE].set_index("seed")
        for placement, p in g[g.placement != BASELINE].groupby("placement", sort=False):
            p = p.set_index("seed")
            common = p.index.intersection(base.index)
            for m in METRICS:
                d = (p.loc[common, m] - base.loc[common, m]).to_numpy(float)
                mean, lo, hi, n = mean_ci(d)
                rows.append({"budget_rule": rule, "placement": placement, "metric": m, "difference": mean,
                             "ci_low": lo, "ci_high": hi, "p_positive": float((d > 0).mean()), "n": n})
    return pd.DataFrame(rows)


def markdown(street: Street, diffs: pd.DataFrame, seeds: list[int], seconds: float) -> str:
    lines = [f"# Street `{street.name}`: where planners do the most", "", street.description, "",
             f"{len(street.neighbourhoods)} neighbourhoods, {street.households:,} households, "
             f"{street.weeks} weeks, seeds {seeds[0]}-{seeds[-1]} (the same for every placement and rule). "
             f"Final-year values; the street's household-weighted mean (spaces in use and spending: summed); "
             f"each placement minus `{BASELINE}` under the same budget rule, paired on seeds (95% CI over seeds; "
             f"P: share of seeds where the difference is positive). "
             f"{len(seeds) * len(street.placements) * len(street.budget_rules)} street runs in {seconds:.0f} s.", ""]
    for m in METRICS:
        rows = diffs[diffs.metric == m]
        lines += [f"## {REGISTRY[m].label} ({REGISTRY[m].unit})", ""]
        lines += markdown_table(["budget rule", "placement", "difference [95% CI]", "P(> 0)"],
                                [[r.budget_rule, r.placement,
                                  f"{r.difference:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}]", f"{r.p_positive:.2f}"]
                                 for r in rows.itertuples()])
        lines.append("")
    return "\n".join(lines)


def compare_street(path: str | Path, seeds: int = 6, first_seed: int = 0, out: Path | None = None,
                   workers: int | None = None, overwrite: bool = False, progress: bool = True) -> Path:
    """Run the street job; write tables, a summary and a figure to ``out``. Returns ``out``."""
    start = time.perf_counter()
    street = load_street(path)
    seed_list = list(range(first_seed, first_seed + seeds))
    tasks = [(street, rule, p, s) for rule in street.budget_rules for p in range(len(street.placements))
             for s in seed_list]
    out = out or Path("results") / f"street-{street.name}"
    frames: dict[int, pd.DataFrame] = {}
    report = Progress(len(tasks), enabled=progress)

    def done(task: tuple, frame: pd.DataFrame) -> None:
        frames[tasks.index(task)] = frame
        report.tick()

    def lost(task: tuple, error: str, attempts: int) -> None:
        raise RuntimeError(f"street run ({task[1]}, {street.placements[task[2]].name}, seed {task[3]}) failed: {error}")

    with ResultFolder(out, overwrite) as folder:
        try:
            with ExecutorFactory("sequential" if workers == 1 else "local", workers) as factory:
                run_resilient(tasks, run_one, factory, done, lost)
        finally:
            report.close()
        per_nb = pd.concat([frames[i] for i in range(len(tasks))], ignore_index=True)
        per_run = street_means(per_nb)
        diffs = paired(per_run)
        try:
            per_nb.to_csv(folder.path / "neighbourhoods_final_year.csv", index=False)
            per_run.to_csv(folder.path / "runs_final_year.csv", index=False)
            diffs.to_csv(folder.path / "differences.csv", index=False)
            (folder.path / "summary.md").write_text(markdown(street, diffs, seed_list, time.perf_counter() - start))
            _figure(diffs, folder.path / "figures" / "placements.png")
            folder.commit({"command": sys.argv, "street": str(street.source),
                           "inputs": input_records(("street" if p == street.source else "scenario", p)
                                                   for p in street.inputs),
                           "seeds": seed_list, "versions": package_versions(), "git_commit": git_commit(),
                           "wall_time_s": round(time.perf_counter() - start, 2),
                           "created": datetime.now().isoformat(timespec="seconds")})
        except OSError as exc:
            raise cannot_write(out, exc, f"the {len(tasks)} street runs' tables",
                               lambda f: per_nb.to_csv(f / "neighbourhoods_final_year.csv", index=False),
                               "street") from None
    print(f"Results written to {out}/")
    print(diffs[diffs.metric.isin(["involved_share", "satisfaction_overall"])]
          .pivot_table(index=["budget_rule", "placement"], columns="metric", values="difference").round(3))
    return out


def _figure(diffs: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    shown = ("involved_share", "satisfaction_overall", "trust_government")
    fig, axes = plt.subplots(1, len(shown), figsize=(5 * len(shown), 4), sharey=True)
    for ax, m in zip(axes, shown, strict=True):
        d = diffs[diffs.metric == m]
        labels = [f"{r.placement}\n({r.budget_rule})" for r in d.itertuples()]
        y = np.arange(len(d))
        ax.errorbar(d.difference, y, xerr=[d.difference - d.ci_low, d.ci_high - d.difference], fmt="o")
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, labels, fontsize=7)
        ax.set_title(REGISTRY[m].label, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
