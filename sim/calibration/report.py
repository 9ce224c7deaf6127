"""A calibration's outputs: posterior sample, populations, predictive checks, figures, report.

Written into the calibration's folder by :func:`write_report` (``sim calibrate`` calls it at
the end; it can be re-run on a finished folder):

- ``posterior.csv``: the last population, one row per particle (parameters as ``section.key``,
  weight, distance, the fitted statistics);
- ``populations.csv``: per generation, threshold, particles simulated and accepted, acceptance
  rate, model runs and wall time;
- ``parameters.csv``: prior and posterior per parameter (mean, median, 90% interval, contraction);
- ``predictive.csv`` / ``checks.csv``: posterior-predictive runs (draws from the posterior, fresh
  seeds) of every target, fitted and held out, and each target's check;
- ``report.md`` and ``figures/``: marginal posteriors against priors, predictive checks,
  thresholds and acceptance by generation, posterior correlations.
"""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyabc  # noqa: E402

from sim.analysis import fmt  # noqa: E402
from sim.calibration.engine import COSTS, HISTORY  # noqa: E402
from sim.calibration.files import InputError  # noqa: E402
from sim.calibration.posterior import POSTERIOR  # noqa: E402
from sim.calibration.simulate import abc_name, batch_statistics  # noqa: E402
from sim.calibration.spec import Calibration, settings_of  # noqa: E402
from sim.calibration.targets import Target  # noqa: E402
from sim.execution.executors import ExecutorFactory, run_resilient  # noqa: E402
from sim.figures import PALETTE, save_figure  # noqa: E402
from sim.integrity import folder_checksums, read_manifest, write_json_atomic  # noqa: E402
from sim.sweep.plan import replication_seeds  # noqa: E402

WELL_IDENTIFIED, PARTLY_IDENTIFIED = 0.8, 0.4  # posterior variance below 20% / 60% of the prior's
TRADE_OFF = 0.5  # |posterior correlation| at or above this is reported as a trade-off


def history(out: Path) -> pyabc.History:
    """The calibration's pyabc history (its SQLite database)."""
    h = pyabc.History(f"sqlite:///{(out / HISTORY).resolve()}")
    h.id = 1
    return h


def population_frame(h: pyabc.History, t: int, keys: tuple[str, ...]) -> pd.DataFrame:
    """One row per particle of population ``t``: parameters (``section.key``), weight, distance, statistics."""
    rows = []
    for particle in h.get_population(t).particles:
        row = {key: float(particle.parameter[abc_name(key)]) for key in keys}
        row.update({"weight": particle.weight, "distance": particle.distance})
        row.update({name: float(value) for name, value in particle.sum_stat.items()})
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["weight"] /= frame["weight"].sum()
    return frame




def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float | list[float]) -> np.ndarray:
    order = np.argsort(values)
    cum = np.cumsum(weights[order]) - 0.5 * weights[order]
    return np.interp(q, cum / weights.sum(), values[order])


def parameter_table(cal: Calibration, posterior: pd.DataFrame) -> pd.DataFrame:
    """Prior and posterior of each free parameter, and how much the targets narrowed it."""
    w = posterior["weight"].to_numpy(float)
    rows = []
    for p in cal.priors:
        x = posterior[p.key].to_numpy(float)
        mean = np.average(x, weights=w)
        var = np.average((x - mean) ** 2, weights=w)
        q05, q50, q95 = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        contraction = 1 - var / ((p.high - p.low) ** 2 / 12)
        status = ("well identified" if contraction >= WELL_IDENTIFIED else
                  "partly identified" if contraction >= PARTLY_IDENTIFIED else "weakly identified")
        rows.append({"parameter": p.key, "prior_low": p.low, "prior_high": p.high, "prior_source": p.source,
                     "mean": mean, "median": q50, "q05": q05, "q95": q95, "contraction": contraction,
                     "identified": status})
    return pd.DataFrame(rows)


def correlations(cal: Calibration, posterior: pd.DataFrame) -> pd.DataFrame:
    """Weighted posterior correlations between the free parameters."""
    x = posterior[list(cal.keys)].to_numpy(float)
    cov = np.atleast_2d(np.cov(x, rowvar=False, aweights=posterior["weight"].to_numpy(float)))  # one parameter: 1x1
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    return pd.DataFrame(corr, index=list(cal.keys), columns=list(cal.keys))


def _predict_batch(tasks: list[tuple[int, dict, int]], targets: tuple[Target, ...],
                   settings: dict) -> list[tuple[int, dict]]:
    stats = batch_statistics([t[1] for t in tasks], targets, [t[2] for t in tasks], settings)
    return [(t[0], s) for t, s in zip(tasks, stats, strict=True)]


def predictive(cal: Calibration, posterior: pd.DataFrame, factory: ExecutorFactory, say) -> pd.DataFrame:  # noqa: ANN001
    """Every target's statistic for ``predictive_draws`` draws from the posterior, each on a fresh seed."""
    n = cal.abc.predictive_draws
    rng = np.random.default_rng(np.random.SeedSequence(cal.abc.master_seed, spawn_key=(2**31,)))
    w = posterior["weight"].to_numpy(float)
    picks = rng.choice(len(posterior), size=n, p=w / w.sum())
    seeds = replication_seeds(cal.abc.master_seed + 1, n)
    tasks = [(i, {k: float(posterior[k].iloc[j]) for k in cal.keys}, seeds[i]) for i, j in enumerate(picks)]
    settings = {s: cal.horizon(s) for s in settings_of(cal.targets)}
    results: dict[int, dict] = {}

    def lost(batch: list, error: str, attempts: int) -> None:
        raise RuntimeError(f"predictive runs {batch[0][0]}-{batch[-1][0]} failed: {error}")

    say(f"  predictive checks: {n} posterior draws x {len(settings)} settings = {n * len(settings)} model runs")
    per_task = max(1, -(-n // factory.workers))
    batches = [tasks[i:i + min(per_task, 64)] for i in range(0, n, min(per_task, 64))]
    run_resilient(batches, partial(_predict_batch, targets=cal.targets, settings=settings), factory,
                  lambda _t, r: results.update(dict(r)), lost)
    rows = [{"draw": i, "seed": seeds[i], **tasks[i][1], **results[i]} for i in range(n)]
    return pd.DataFrame(rows)


def checks(cal: Calibration, pred: pd.DataFrame, prior_pred: pd.DataFrame) -> pd.DataFrame:
    """Each target against its posterior-predictive distribution (and, for fitted ones, the prior's)."""
    rows = []
    for t in cal.targets:
        sim = pred[t.name].to_numpy(float)
        sim = sim[~np.isnan(sim)]
        lo, hi = t.interval
        q05, q50, q95 = np.quantile(sim, [0.05, 0.5, 0.95]) if len(sim) else (np.nan,) * 3
        within = float(np.mean((sim >= lo) & (sim <= hi))) if len(sim) else np.nan
        row = {"target": t.name, "role": "fitted" if t.name in cal.fit else "held out", "statistic": t.statistic,
               "setting": cal.horizon(t.setting).label, "value": t.value, "uncertainty": t.uncertainty,
               "predictive_median": q50, "predictive_q05": q05, "predictive_q95": q95, "share_within": within,
               "consistent": bool(len(sim) and hi >= q05 and lo <= q95)}
        if t.name in prior_pred:
            prior = prior_pred[t.name].to_numpy(float)
            row["prior_share_within"] = float(np.mean((prior >= lo) & (prior <= hi)))
        rows.append(row)
    return pd.DataFrame(rows)


def populations(h: pyabc.History, out: Path) -> pd.DataFrame:
    """Per generation: threshold, particles, acceptance rate, model runs and wall time."""
    pops = h.get_all_populations().query("t >= 0")[["t", "epsilon", "samples", "particles"]]
    pops = pops.rename(columns={"t": "generation", "samples": "particles_in_sample", "particles": "accepted"})
    pops["acceptance_rate"] = pops["accepted"] / pops["particles_in_sample"]
    pops["effective_sample_size"] = [1 / np.sum(np.square(h.get_distribution(0, int(t))[1]))
                                     for t in pops["generation"]]
    if (out / COSTS).exists():
        costs = pd.read_csv(out / COSTS).drop_duplicates("generation", keep="last")
        pops = pops.merge(costs[["generation", "particles_simulated", "model_runs", "wall_s"]], on="generation",
                          how="left")
    return pops.reset_index(drop=True)


# ---------------------------------------------------------------- figures


def _grid(n: int, width: float = 3.4, height: float = 2.6) -> tuple[plt.Figure, np.ndarray]:
    cols = min(4, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()


def figure_marginals(cal: Calibration, posterior: pd.DataFrame, table: pd.DataFrame, path: Path) -> Path:
    fig, axes = _grid(len(cal.priors))
    for ax, p, (_, row) in zip(axes, cal.priors, table.iterrows(), strict=False):
        bins = np.linspace(p.low, p.high, 31)
        ax.hist(posterior[p.key], bins=bins, weights=posterior["weight"], density=True, color=PALETTE[4], alpha=0.75,
                label="posterior")
        ax.axhline(1 / (p.high - p.low), color=PALETTE[0], ls="--", lw=1.2, label="prior (uniform)")
        ax.axvspan(row["q05"], row["q95"], color=PALETTE[4], alpha=0.12, label="90% interval")
        ax.set_title(p.key, fontsize=8)
        ax.set_xlim(p.low, p.high)
        ax.set_yticks([])
        ax.tick_params(labelsize=7)
        ax.text(0.02, 0.95, f"contraction {row['contraction']:.2f}", transform=ax.transAxes, fontsize=7, va="top")
    axes[0].legend(fontsize=6, loc="upper right")
    fig.suptitle(f"Calibration {cal.name}: marginal posteriors against priors", fontsize=10)
    return save_figure(fig, path)


def figure_predictive(cal: Calibration, pred: pd.DataFrame, prior_pred: pd.DataFrame, path: Path) -> Path:
    fig, axes = _grid(len(cal.targets), width=3.6)
    for ax, t in zip(axes, cal.targets, strict=False):
        lo, hi = t.interval
        ax.axvspan(lo, hi, color=PALETTE[3], alpha=0.25, label="target ± uncertainty")
        ax.axvline(t.value, color=PALETTE[3], lw=1.5)
        data = [pred[t.name].dropna()]
        labels = ["posterior predictive"]
        if t.name in prior_pred:
            data.insert(0, prior_pred[t.name].dropna())
            labels.insert(0, "prior predictive")
        parts = ax.boxplot(data, orientation="horizontal", widths=0.5, whis=(5, 95), showfliers=False,
                           patch_artist=True)
        for patch, colour in zip(parts["boxes"], [PALETTE[0], PALETTE[4]][-len(data):], strict=True):
            patch.set_facecolor(colour)
            patch.set_alpha(0.4)
        ax.set_yticks(range(1, len(data) + 1), labels, fontsize=7)
        role = "fitted" if t.name in cal.fit else "held out"
        ax.set_title(f"{t.name} ({role})", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    axes[0].legend(fontsize=6, loc="lower right")
    fig.suptitle("Predictive checks: boxes 25-75%, whiskers 5-95% of runs; band: target ± its uncertainty",
                 fontsize=9)
    return save_figure(fig, path)


def figure_generations(pops: pd.DataFrame, tolerance: float, path: Path) -> Path:
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.2))
    finite = pops[np.isfinite(pops["epsilon"])]
    a.plot(finite["generation"], finite["epsilon"], marker="o", color=PALETTE[4])
    a.axhline(tolerance, color=PALETTE[5], ls="--", label=f"tolerance {tolerance:g}")
    a.set_yscale("log")
    a.set_xlabel("generation")
    a.set_ylabel("threshold (x uncertainty)")
    a.legend(fontsize=7)
    b.bar(pops["generation"], pops.get("model_runs", pops["particles_in_sample"]), color=PALETTE[2])
    b2 = b.twinx()
    b2.plot(pops["generation"], pops["acceptance_rate"], marker="o", color=PALETTE[0])
    b.set_xlabel("generation")
    b.set_ylabel("model runs (bars)")
    b2.set_ylabel("acceptance rate (line)")
    return save_figure(fig, path)


def figure_correlations(corr: pd.DataFrame, path: Path) -> Path:
    n = len(corr)
    fig, ax = plt.subplots(figsize=(1.0 + 0.75 * n, 0.6 + 0.65 * n))
    image = ax.imshow(corr.to_numpy(float), vmin=-1, vmax=1, cmap="RdBu_r")
    short = [c.split(".", 1)[1] for c in corr.columns]
    ax.set_xticks(range(n), short, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(n), short, fontsize=7)
    for i in range(n):
        for j in range(n):
            ax.text(j, i, f"{corr.iloc[i, j]:.2f}", ha="center", va="center", fontsize=6)
    fig.colorbar(image, ax=ax, fraction=0.04)
    ax.set_title("Posterior correlations (trade-offs between parameters)", fontsize=9)
    return save_figure(fig, path)


# ---------------------------------------------------------------- the report


def _count(x: float | None) -> str:
    return "–" if x is None or pd.isna(x) else f"{x:,.0f}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def markdown(cal: Calibration, manifest: dict, pops: pd.DataFrame, table: pd.DataFrame, corr: pd.DataFrame,
             check: pd.DataFrame, cost: dict) -> str:
    fitted = ", ".join(f"`{t}`" for t in cal.fit)
    lines = [f"# Calibration `{cal.name}`{' (quick variant)' if cal.is_quick else ''}", "",
             _one_line(cal.description), "",
             f"ABC-SMC (pyabc) over {len(cal.priors)} free parameters against {len(cal.fit)} fitted targets "
             f"({fitted}); {len(cal.held_out)} held out. Population {cal.abc.population_size}; thresholds are the "
             f"{cal.abc.quantile:g}-quantile of the last generation's distances, down to a tolerance of "
             f"{cal.abc.tolerance:g} (every fitted target within {cal.abc.tolerance:g} x its uncertainty); at most "
             f"{cal.abc.max_generations} generations. Method: docs/calibration.md.", "",
             "## Targets", "", "| target | role | statistic | value ± uncertainty | setting | source |",
             "|---|---|---|---|---|---|"]
    for t in cal.targets:
        lines.append(f"| `{t.name}` | {'fitted' if t.name in cal.fit else 'held out'} | `{t.statistic}` | "
                     f"{fmt(t.value)} ± {fmt(t.uncertainty)} | {cal.horizon(t.setting).label} | "
                     f"{_one_line(t.source)} |")
    last = pops.iloc[-1]
    reached = last["epsilon"] <= cal.abc.tolerance
    lines += ["", "## Populations", "",
              "The effective sample size of a population is 1 / Σ w² of its normalised importance weights.", "",
              f"{len(pops)} generations; the last threshold is {last['epsilon']:.3g} "
              + ("(the tolerance: the posterior below is final)." if reached else
                 f"(**above the tolerance {cal.abc.tolerance:g}**: the run stopped on its generation or acceptance "
                 "limit, and the posterior is wider than the targets allow)."), "",
              "| generation | threshold | particles in sample | accepted | acceptance rate | effective sample size "
              "| model runs | wall time (s) |",
              "|---|---|---|---|---|---|---|---|"]
    for _, r in pops.iterrows():
        lines.append(f"| {int(r['generation'])} | {r['epsilon']:.3g} | {int(r['particles_in_sample'])} | "
                     f"{int(r['accepted'])} | {r['acceptance_rate']:.3f} | {r['effective_sample_size']:.0f} | "
                     f"{_count(r.get('model_runs'))} | {_count(r.get('wall_s'))} |")
    lines += ["", "## Posterior", "", "![marginals](figures/marginals.png)", "",
              "| parameter | prior (uniform) | prior source | posterior median [90% interval] | contraction | |",
              "|---|---|---|---|---|---|"]
    for _, r in table.iterrows():
        lines.append(f"| `{r['parameter']}` | {r['prior_low']:g} to {r['prior_high']:g} | "
                     f"{_one_line(r['prior_source'])} | {r['median']:.3g} [{r['q05']:.3g}, {r['q95']:.3g}] | "
                     f"{r['contraction']:.2f} | {r['identified']} |")
    pairs = [(a, b, corr.loc[a, b]) for i, a in enumerate(corr.index) for b in corr.index[i + 1:]
             if abs(corr.loc[a, b]) >= TRADE_OFF]
    lines += ["", "Contraction is 1 minus the posterior variance over the prior's: near 1 the targets pin the "
              "parameter down, near 0 they say nothing about it.", ""]
    if pairs:
        lines += ["Trade-offs (|posterior correlation| ≥ 0.5): the targets identify a combination, not each:", ""]
        lines += [f"- `{a}` and `{b}`: {r:+.2f}" for a, b, r in pairs]
        lines.append("")
    lines += ["![correlations](figures/correlations.png)", "",
              "## Predictive checks", "",
              f"{cal.abc.predictive_draws} draws from the posterior, each run on a fresh seed in every setting; "
              "held-out targets were not used in the fit. *Consistent*: the target's interval overlaps the central "
              "90% of the predictive runs.", "", "![predictive checks](figures/predictive.png)", "",
              "| target | role | value ± uncertainty | predictive median [90%] | share of runs within | prior: share "
              "within | consistent |", "|---|---|---|---|---|---|---|"]
    for _, r in check.iterrows():
        prior = r.get("prior_share_within", np.nan)
        lines.append(f"| `{r['target']}` | {r['role']} | {fmt(r['value'])} ± {fmt(r['uncertainty'])} | "
                     f"{fmt(r['predictive_median'])} [{fmt(r['predictive_q05'])}, {fmt(r['predictive_q95'])}] | "
                     f"{r['share_within']:.2f} | {'' if pd.isna(prior) else f'{prior:.2f}'} | "
                     f"{'yes' if r['consistent'] else '**no**'} |")
    lines += ["", "## Cost", "",
              f"{cost['abc_runs']:,} model runs in ABC-SMC ({cost['abc_particles']:,} particles in "
              f"{cost['runs_per_particle']} settings; a particle rejected after its first setting costs one run) "
              f"and {cost['predictive_runs']:,} for the predictive checks; "
              f"ABC wall time {cost['abc_wall_s'] / 60:.1f} min over {cost['sessions']} session(s), predictive checks "
              f"{cost['predictive_wall_s'] / 60:.1f} min; executor {cost['executor']} with {cost['workers']} "
              f"worker(s) on a machine with {manifest['machine']['cpus']} CPUs. Work lost to a kill inside a "
              "generation is not counted.", "", "![generations](figures/generations.png)", ""]
    return "\n".join(lines)


def write_report(cal: Calibration, out: Path, executor: str = "local", workers: int | None = None,
                 scheduler: str | None = None, quiet: bool = False) -> Path:
    """Posterior, populations, predictive checks, figures and report.md for the calibration in ``out``."""
    def say(text: str) -> None:
        if not quiet:
            print(text, file=sys.stderr, flush=True)

    h = history(out)
    if h.n_populations == 0:
        raise RuntimeError(f"{out}: no finished population to report on")
    posterior = population_frame(h, h.max_t, cal.keys)
    posterior.to_csv(out / POSTERIOR, index=False)
    prior_pred = population_frame(h, 0, cal.keys)
    pops = populations(h, out)
    pops.to_csv(out / "populations.csv", index=False)
    table = parameter_table(cal, posterior)
    table.to_csv(out / "parameters.csv", index=False)
    corr = correlations(cal, posterior)
    corr.to_csv(out / "correlations.csv")

    start = time.perf_counter()
    with ExecutorFactory(executor, workers, scheduler) as factory:
        pred = predictive(cal, posterior, factory, say)
    predictive_wall = time.perf_counter() - start
    pred.to_csv(out / "predictive.csv", index=False)
    check = checks(cal, pred, prior_pred)
    check.to_csv(out / "checks.csv", index=False)

    figures = out / "figures"
    figure_marginals(cal, posterior, table, figures / "marginals.png")
    figure_predictive(cal, pred, prior_pred, figures / "predictive.png")
    figure_generations(pops, cal.abc.tolerance, figures / "generations.png")
    figure_correlations(corr, figures / "correlations.png")

    manifest = read_manifest(out, InputError)
    costs = pd.read_csv(out / COSTS) if (out / COSTS).exists() else pd.DataFrame(columns=["model_runs"])
    cost = {"abc_runs": int(costs["model_runs"].sum()),  # a generation redone after a kill counts twice
            "abc_particles": int(costs.get("particles_simulated", pd.Series(dtype=float)).sum()),
            "runs_per_particle": len({cal.horizon(t.setting) for t in cal.fit_targets}),
            "predictive_runs": len(pred) * len(settings_of(cal.targets)),
            "abc_wall_s": sum(s.get("abc_wall_s", 0) for s in manifest["sessions"]),
            "predictive_wall_s": predictive_wall, "sessions": len(manifest["sessions"]),
            "executor": factory.kind, "workers": factory.workers}
    manifest["cost"] = cost
    (out / "report.md").write_text(markdown(cal, manifest, pops, table, corr, check, cost))
    manifest["files"] = {k: v for k, v in folder_checksums(out).items() if k != ".lock"}
    write_json_atomic(manifest, out / "manifest.json")
    say(f"{cal.name}: report written to {out / 'report.md'}")
    return out / "report.md"
