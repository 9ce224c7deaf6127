"""Honest uncertainty in the main job: ``sim compare --posterior POSTERIOR``.

Seed *i* runs every scenario with one parameter set drawn from the calibration's posterior
(common draws across scenarios, so the paired differences compare institutions, not draws). The
same seeds also run at the posterior mean, where only the seed varies. The summary puts the two
side by side for each headline difference from the baseline:

- *seed-only*: at the posterior mean; mean difference with its 95% CI over seeds, and the 95%
  interval of single runs' differences (how much one neighbourhood-run varies by chance);
- *total*: over posterior draws; mean difference with its 95% CI, the 95% interval of single
  runs' differences (chance and what we do not know about behaviour), and the probability that
  the difference is positive (the share of draws in which it is);
- the share of the total variance of a run's difference that parameter uncertainty adds.
"""

from __future__ import annotations

import platform
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import final_year, fmt, mean_ci
from sim.calibration.files import versions
from sim.calibration.report import POSTERIOR, load_posterior
from sim.execution.runs import RunSpec, run_many
from sim.integrity import ResultFolder, input_records
from sim.metrics import HEADLINE, label
from sim.params import scenario_inputs
from sim.provenance import git_commit

FIGURE_METRICS = ("involved_share", "satisfaction_overall", "trust_government", "core_share")


def _posterior_file(path: str | Path) -> Path:
    path = Path(path)
    return path / POSTERIOR if path.is_dir() else path


def posterior_draws(posterior: pd.DataFrame, seeds: list[int], master_seed: int = 0) -> pd.DataFrame:
    """One weighted draw from the posterior per seed (reproducible from ``master_seed``)."""
    w = posterior["weight"].to_numpy(float)
    rng = np.random.default_rng(np.random.SeedSequence(master_seed, spawn_key=(len(seeds),)))
    picks = rng.choice(len(posterior), size=len(seeds), p=w / w.sum())
    draws = posterior.drop(columns="weight").iloc[picks].reset_index(drop=True)
    draws.insert(0, "draw", picks)
    draws.insert(0, "seed", seeds)
    return draws


def posterior_mean(posterior: pd.DataFrame) -> dict[str, float]:
    w = posterior["weight"].to_numpy(float)
    return {k: float(np.average(posterior[k], weights=w)) for k in posterior.columns if k != "weight"}


def _diffs(per_run: pd.DataFrame, scenario: str, baseline: str, metric: str) -> np.ndarray:
    a = per_run[per_run.scenario == scenario].set_index("seed")[metric]
    b = per_run[per_run.scenario == baseline].set_index("seed")[metric]
    common = a.index.intersection(b.index)
    d = (a.loc[common] - b.loc[common]).to_numpy(float)
    return d[~np.isnan(d)]


def uncertainty_table(point: pd.DataFrame, draws: pd.DataFrame, baseline: str,
                      metrics: tuple[str, ...] = HEADLINE) -> pd.DataFrame:
    """Per scenario and metric: the difference from ``baseline`` with seed-only and total uncertainty."""
    rows = []
    for scenario in dict.fromkeys(draws["scenario"]):
        if scenario == baseline:
            continue
        for metric in metrics:
            seed_d, total_d = _diffs(point, scenario, baseline, metric), _diffs(draws, scenario, baseline, metric)
            if not len(seed_d) or not len(total_d):
                continue
            s_mean, s_lo, s_hi, n_s = mean_ci(seed_d)
            t_mean, t_lo, t_hi, n_t = mean_ci(total_d)
            var_s, var_t = np.var(seed_d, ddof=1) if n_s > 1 else np.nan, np.var(total_d, ddof=1) if n_t > 1 else np.nan
            rows.append({
                "scenario": scenario, "baseline": baseline, "metric": metric,
                "seed_only_mean": s_mean, "seed_only_ci_low": s_lo, "seed_only_ci_high": s_hi,
                "seed_only_runs_low": np.quantile(seed_d, 0.025), "seed_only_runs_high": np.quantile(seed_d, 0.975),
                "seed_only_p_positive": float(np.mean(seed_d > 0)),
                "total_mean": t_mean, "total_ci_low": t_lo, "total_ci_high": t_hi,
                "total_runs_low": np.quantile(total_d, 0.025), "total_runs_high": np.quantile(total_d, 0.975),
                "p_positive": float(np.mean(total_d > 0)),
                "parameter_share_of_variance": (float(np.clip(1 - var_s / var_t, 0, 1)) if var_t and var_t > 0
                                                else np.nan),
                "seeds": n_t})
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame, context: str) -> str:
    lines = ["# Headline differences with parameter uncertainty", "", context, "",
             "*Seed-only*: at the posterior mean, only the seed varies. *Total*: each seed with its own draw from "
             "the posterior. For each: the mean difference [95% CI of the mean] and, after the bar, the 95% interval "
             "of single runs' differences. *P(> 0)*: the share of posterior draws (one run each) in which the "
             "difference is positive. *From parameters*: the share of a run's variance that parameter uncertainty "
             "adds to chance.", "",
             "| metric | scenario | seed-only: mean [95% CI] \\| runs | total: mean [95% CI] \\| runs | P(> 0) | "
             "from parameters |", "|---|---|---|---|---|---|"]
    for r in table.itertuples():
        lines.append(
            f"| {r.metric} | {r.scenario} | {fmt(r.seed_only_mean)} [{fmt(r.seed_only_ci_low)}, "
            f"{fmt(r.seed_only_ci_high)}] \\| {fmt(r.seed_only_runs_low)} to {fmt(r.seed_only_runs_high)} | "
            f"{fmt(r.total_mean)} [{fmt(r.total_ci_low)}, {fmt(r.total_ci_high)}] \\| {fmt(r.total_runs_low)} to "
            f"{fmt(r.total_runs_high)} | {r.p_positive:.2f} | {fmt(r.parameter_share_of_variance)} |")
    return "\n".join(lines) + "\n"


def figure(table: pd.DataFrame, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.figures import PALETTE, save_figure

    metrics = [m for m in FIGURE_METRICS if m in set(table["metric"])]
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 0.8 + 0.7 * table["scenario"].nunique()),
                             squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        t = table[table.metric == metric].reset_index(drop=True)
        y = np.arange(len(t))[::-1]
        ax.hlines(y + 0.12, t["seed_only_runs_low"], t["seed_only_runs_high"], color=PALETTE[0], lw=2,
                  label="seed only (posterior mean)")
        ax.plot(t["seed_only_mean"], y + 0.12, "o", color=PALETTE[0])
        ax.hlines(y - 0.12, t["total_runs_low"], t["total_runs_high"], color=PALETTE[5], lw=2,
                  label="total (posterior draws)")
        ax.plot(t["total_mean"], y - 0.12, "o", color=PALETTE[5])
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, [f"{s}\nP(>0) = {p:.2f}" for s, p in zip(t["scenario"], t["p_positive"], strict=True)],
                      fontsize=7)
        ax.set_title(f"{label(metric)}: difference from {t['baseline'].iloc[0]}", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    axes[0, 0].legend(fontsize=6, loc="best")
    fig.suptitle("95% intervals of single runs' differences", fontsize=9)
    return save_figure(fig, path)


def compare_posterior(posterior_path: str | Path, scenarios: tuple[str, ...], preset: str | None = "guizhou_west",
                      seeds: int = 30, first_seed: int = 0, weeks: int | None = None, households: int | None = None,
                      workers: int | None = None, out: Path | None = None, baseline: str | None = None,
                      progress: bool = True, overwrite: bool = False) -> Path:
    """Run every scenario at posterior draws and at the posterior mean on common seeds; write the table."""
    from sim.compare import common_seeds, load_compared
    from sim.sizing import check_compare_size

    start = time.perf_counter()
    posterior = load_posterior(posterior_path)
    loaded, source, baseline = load_compared(scenarios, preset, weeks, households, baseline)
    names = list(loaded)
    seed_list = common_seeds(seeds, first_seed)
    draws = posterior_draws(posterior, seed_list)
    mean = posterior_mean(posterior)
    keys = [k for k in posterior.columns if k != "weight"]
    origin = f"posterior {posterior_path}"
    point_specs = [RunSpec(n, loaded[n].replace(mean, origin=origin), s) for n in names for s in seed_list]
    draw_specs = [RunSpec(n, loaded[n].replace({k: float(d[k]) for k in keys}, origin=origin), int(d["seed"]))
                  for n in names for _, d in draws.iterrows()]
    check_compare_size(point_specs + draw_specs, workers, progress)
    out = out or Path("results") / datetime.now().strftime("compare-posterior-%Y%m%d-%H%M%S")
    records = input_records([("posterior", _posterior_file(posterior_path))]
                            + [rp for n in names for rp in scenario_inputs(source[n], preset)])
    with ResultFolder(out, overwrite) as folder:
        point_steps, _ = run_many(point_specs, workers=workers, progress=progress)
        draw_steps, _ = run_many(draw_specs, workers=workers, progress=progress)
        where = folder.path
        point_steps.to_parquet(where / "steps_posterior_mean.parquet", index=False)
        draw_steps.to_parquet(where / "steps_posterior_draws.parquet", index=False)
        draws.to_csv(where / "draws.csv", index=False)
        point, per_draw = final_year(point_steps), final_year(draw_steps)
        point.to_csv(where / "runs_final_year_posterior_mean.csv", index=False)
        per_draw.to_csv(where / "runs_final_year_posterior_draws.csv", index=False)
        table = uncertainty_table(point, per_draw, baseline)
        table.to_csv(where / "posterior_summary.csv", index=False)
        first = next(iter(loaded.values()))
        context = (f"Posterior `{posterior_path}` ({len(posterior)} particles, {len(keys)} parameters); preset "
                   f"`{preset or 'none'}` ({first.neighbourhood.households} households); {len(seed_list)} seeds "
                   f"({seed_list[0]}-{seed_list[-1]}), one posterior draw per seed, the same for every scenario; "
                   f"horizon {first.run.weeks} weeks; final-year values; differences from `{baseline}`.")
        (where / "summary.md").write_text(markdown(table, context))
        figure(table, where / "figures" / "posterior_uncertainty.png")
        folder.commit({"command": sys.argv, "posterior": str(posterior_path), "parameters_drawn": keys,
                       "posterior_mean": mean, "inputs": records, "preset": preset, "seeds": seed_list,
                       "baseline": baseline, "versions": versions(), "git_commit": git_commit(),
                       "machine": {"platform": platform.platform()}, "workers": workers,
                       "runs": len(point_specs) + len(draw_specs), "wall_time_s": round(time.perf_counter() - start, 2),
                       "created": datetime.now().isoformat(timespec="seconds")})
    print(f"Results written to {out}/")
    shown = table[table.metric.isin(("involved_share", "satisfaction_overall"))]
    print(shown[["scenario", "metric", "seed_only_mean", "total_mean", "total_runs_low", "total_runs_high",
                 "p_positive"]].round(3).to_string(index=False))
    return out
