"""Honest uncertainty in the main job: the headline differences with parameter uncertainty.

The shipped calibration's posterior (``SHIPPED``: scenarios/calibration/guizhou_west.posterior.csv)
is data in the repository, and the parameters it calibrates default to its mean (sim/params.py), so
``sim compare`` needs no calibration run. Besides its headline runs (the scenarios' values, where only
the seed varies), the comparison runs seed *i* of every scenario once more with one parameter set
drawn from the posterior (common draws across scenarios, so the paired differences compare
institutions, not draws). The summary puts the two side by side for each headline difference:

- *seed-only*: at the scenarios' values; mean difference with its 95% CI over seeds, and the 95%
  interval of single runs' differences (how much one neighbourhood-run varies by chance);
- *total*: over posterior draws; mean difference with its 95% CI, the 95% interval of single
  runs' differences (chance and what we do not know about behaviour), and the probability that
  the difference is positive (the share of draws in which it is);
- the share of the total variance of a run's difference that parameter uncertainty adds.

``sim compare --posterior FILE`` uses another posterior (a calibration folder or its posterior.csv);
``--posterior none`` leaves parameter uncertainty out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import fmt, mean_ci
from sim.calibration.files import InputError
from sim.execution.runs import RunSpec
from sim.metrics import HEADLINE, label
from sim.params import Params, scenarios_dir

POSTERIOR = "posterior.csv"
SHIPPED = scenarios_dir() / "calibration" / "guizhou_west.posterior.csv"
DRAWN = " (posterior draw)"  # the label of a scenario's runs on posterior draws
FIGURE_METRICS = ("involved_share", "satisfaction_overall", "trust_government", "core_share")


def load_posterior(path: str | Path) -> pd.DataFrame:
    """A posterior sample (a calibration folder or its posterior.csv): parameter columns and ``weight``.

    Checked as every input file is: each row against the posterior schema (sim/schemas.py: known
    parameters, finite numbers inside their ranges; weights finite and not negative), then that there
    is a parameter column and the weights do not all vanish; one line naming the file, row and column.
    """
    from sim.inputs import MAX_INPUT_BYTES
    from sim.schemas import posterior_row
    from sim.validation import check

    path = Path(path)
    file = path / POSTERIOR if path.is_dir() else path
    if not file.exists():
        raise InputError(f"{path}: no posterior sample here (expected {file}); run `sim calibrate` first")
    if not file.is_file() or file.stat().st_size > 64 * MAX_INPUT_BYTES:
        raise InputError(f"{file}: not a posterior sample (a regular CSV file of at most 64 MiB)")
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:  # unreadable, empty, not CSV, not UTF-8
        raise InputError(f"{file}: cannot read a posterior sample: {exc}") from None
    if len(set(frame.columns)) != len(frame.columns) or any(c.startswith("Unnamed:") for c in frame.columns):
        raise InputError(f"{file}: every column needs a name of its own (a header line: weight, section.key ...)")
    keys = [c for c in frame.columns if "." in c]
    if "weight" not in frame or not keys:
        raise InputError(f"{file}: a posterior sample needs a weight column and section.key parameter columns")
    if frame.empty:
        raise InputError(f"{file}: no rows; a posterior sample needs at least one")
    wanted = ["weight", *keys]
    for i, row in enumerate(frame[wanted].itertuples(index=False), start=1):
        check({k: _cell(v) for k, v in zip(wanted, row, strict=True)}, posterior_row(), str(file), InputError,
              prefix=f"row {i}, ")
    values = frame[wanted].astype(float)
    total = values["weight"].sum()
    if not total > 0:
        raise InputError(f"{file}: weight: all zero; at least one row needs a positive weight")
    if not np.isfinite(total):
        raise InputError(f"{file}: weight: the weights add up to more than a number can hold; scale them down")
    return values[keys].assign(weight=values["weight"])


def _cell(text: str) -> object:
    """A CSV cell as a number when it reads as one (nan and inf included, for the range check), else the text."""
    try:
        return float(text)
    except ValueError:
        return text


def _posterior_file(path: str | Path) -> Path:
    path = Path(path)
    return path / POSTERIOR if path.is_dir() else path


def posterior_draws(posterior: pd.DataFrame, seeds: list[int], master_seed: int = 0) -> pd.DataFrame:
    """One weighted draw from the posterior per seed: seed s's draw depends on s (and ``master_seed``) alone,
    so it is the same however many seeds a comparison has."""
    w = posterior["weight"].to_numpy(float)
    cumulative = np.cumsum(w / w.sum())
    u = np.array([np.random.default_rng(np.random.SeedSequence(master_seed, spawn_key=(int(s),))).random()
                  for s in seeds])
    picks = np.minimum(np.searchsorted(cumulative, u, side="right"), len(posterior) - 1)
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
    lines = ["## Headline differences with parameter uncertainty", "", context, "",
             "*Seed-only*: only the seed varies. *Total*: each seed with its own draw from "
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
                  label="seed only (scenario values)")
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




def draw_specs(loaded: dict[str, Params], posterior: pd.DataFrame, seeds: list[int],
               origin: str) -> tuple[list[RunSpec], pd.DataFrame]:
    """Every scenario's runs on posterior draws (seed s on draw s, the same draw for every scenario), labelled
    ``NAME (posterior draw)``; and the draws."""
    draws = posterior_draws(posterior, seeds)
    keys = [k for k in posterior.columns if k != "weight"]
    specs = [RunSpec(name + DRAWN, params.replace({k: float(d[k]) for k in keys}, origin=origin), int(d["seed"]))
             for name, params in loaded.items() for _, d in draws.iterrows()]
    return specs, draws


def off_the_mean(loaded: dict[str, Params], posterior: pd.DataFrame) -> list[str]:
    """The drawn parameters whose value in some scenario differs from the posterior's mean by more than 1% of
    the posterior's spread (then seed-only is not "at the posterior mean"; the summary says so)."""
    out = []
    for key, mean in posterior_mean(posterior).items():
        if "." not in key:
            continue
        spread = float(posterior[key].max() - posterior[key].min()) or 1.0
        section, name = key.split(".", 1)
        if any(abs(float(getattr(getattr(p, section), name)) - mean) > 0.01 * spread for p in loaded.values()):
            out.append(key)
    return out


def write_uncertainty(folder: Path, headline: pd.DataFrame, drawn: pd.DataFrame, draws: pd.DataFrame,
                      baseline: str, source: str, posterior: pd.DataFrame, off: list[str]) -> tuple[pd.DataFrame, str]:
    """posterior_summary.csv, draws.csv and the figure; returns the table and its summary.md section."""
    table = uncertainty_table(headline, drawn, baseline)
    table.to_csv(folder / "posterior_summary.csv", index=False)
    draws.to_csv(folder / "draws.csv", index=False)
    (folder / "figures").mkdir(exist_ok=True)
    figure(table, folder / "figures" / "posterior_uncertainty.png")
    keys = [k for k in posterior.columns if k != "weight"]
    seed_only = ("Seed-only intervals are the headline runs: at the scenarios' values, which are this "
                 "posterior's mean." if not off else
                 f"Seed-only intervals are the headline runs, at the scenarios' values; for {', '.join(off)} "
                 "these differ from this posterior's mean.")
    context = (f"Posterior `{source}` ({len(posterior)} particles; {len(keys)} parameters: {', '.join(keys)}); "
               f"{len(draws)} seeds, one posterior draw per seed, the same for every scenario. {seed_only}")
    return table, markdown(table, context)


def uncertainty_short(table: pd.DataFrame) -> str:
    """The console's view: involvement and satisfaction, seed-only beside total, P(> 0)."""
    shown = table[table.metric.isin(("involved_share", "satisfaction_overall", "trust_government"))]
    lines = ["with parameter uncertainty (posterior draws):",
             f"  {'scenario':18s} {'metric':22s} {'seed-only [95% CI]':>24s} {'total [95% CI]':>24s} {'P(>0)':>6s}"]
    for r in shown.itertuples():
        lines.append(f"  {r.scenario:18s} {r.metric:22s} "
                     f"{f'{fmt(r.seed_only_mean)} [{fmt(r.seed_only_ci_low)}, {fmt(r.seed_only_ci_high)}]':>24s} "
                     f"{f'{fmt(r.total_mean)} [{fmt(r.total_ci_low)}, {fmt(r.total_ci_high)}]':>24s} "
                     f"{r.p_positive:6.2f}")
    return "\n".join(lines)
