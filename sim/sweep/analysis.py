"""Analysis of a results store: point means, paired differences, Sobol and Morris, figures."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis import mean_ci  # noqa: E402
from sim.figures import save_figure  # noqa: E402
from sim.sweep.designs import design_points, problem  # noqa: E402
from sim.sweep.experiment import Experiment, ExperimentError, load_experiment  # noqa: E402
from sim.sweep.store import Store  # noqa: E402

MAX_FIGURE_METRICS = 6


def _ci(values: pd.Series) -> pd.Series:
    mean, low, high, n = mean_ci(values.to_numpy(float))
    return pd.Series({"mean": mean, "ci_low": low, "ci_high": high, "n": n})


def point_means(runs: pd.DataFrame, exp: Experiment) -> pd.DataFrame:
    """Per design point, preset, scenario and metric: mean over replications with a 95% CI."""
    keys = ["point_index", "preset", "scenario", *[f.key for f in exp.factors]]
    long = runs.melt(id_vars=keys, value_vars=list(exp.metrics), var_name="metric")
    return long.groupby([*keys, "metric"], sort=True)["value"].apply(_ci).unstack().reset_index()


def paired_differences(runs: pd.DataFrame, exp: Experiment) -> pd.DataFrame:
    """Each scenario minus the first, paired on replication (common seeds) at each point and preset."""
    base_name = exp.scenarios[0]
    keys = ["point_index", "preset", "replication"]
    base = runs[runs.scenario == base_name].set_index(keys)[list(exp.metrics)]
    rows = []
    for scenario in exp.scenarios[1:]:
        other = runs[runs.scenario == scenario].set_index(keys)[list(exp.metrics)]
        diff = (other - base).dropna(how="all").reset_index()
        for (point, preset), g in diff.groupby(["point_index", "preset"]):
            for metric in exp.metrics:
                rows.append({"point_index": point, "preset": preset, "scenario": scenario, "baseline": base_name,
                             "metric": metric, **_ci(g[metric]).to_dict()})
    return pd.DataFrame(rows)


def _outputs_by_point(runs: pd.DataFrame, plan: pd.DataFrame, exp: Experiment, n_points: int):
    """(scenario, preset, Y points x metrics or None, points missing) for each scenario and preset.

    Runs are matched to design points through the store's plan: a sampling design can repeat
    a point (Morris trajectories share points), and a repeated point is one run, stored once.
    """
    results = runs.set_index("run_id")[list(exp.metrics)]
    for (scenario, preset), g in plan.groupby(["scenario", "preset"]):
        done = g[g.run_id.isin(results.index)]
        missing = n_points - done.point_index.nunique()
        y = None
        if not missing:
            y = done.join(results, on="run_id").groupby("point_index")[list(exp.metrics)].mean().to_numpy(float)
        yield scenario, preset, y, missing


def sensitivity(runs: pd.DataFrame, plan: pd.DataFrame, exp: Experiment, say) -> pd.DataFrame:  # noqa: ANN001
    """Sobol first-order and total indices, or Morris mu*/sigma, per metric (with CIs)."""
    from SALib.analyze import morris, sobol

    points, matrix = design_points(exp)
    prob = problem(exp.factors)
    rows = []
    for scenario, preset, y, missing in _outputs_by_point(runs, plan, exp, len(points)):
        if y is None:
            say(f"  {scenario}/{preset}: {missing} design points have no finished run; sensitivity skipped")
            continue
        for k, metric in enumerate(exp.metrics):
            if np.isnan(y[:, k]).any() or np.ptp(y[:, k]) == 0:
                say(f"  {metric}: undefined at some points or constant; no sensitivity indices")
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if exp.design == "sobol":
                    res = sobol.analyze(prob, y[:, k], calc_second_order=False, seed=exp.master_seed)
                    cols = {"S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]}
                else:
                    res = morris.analyze(prob, matrix, y[:, k], num_levels=exp.levels, seed=exp.master_seed)
                    cols = {"mu_star": res["mu_star"], "mu_star_conf": res["mu_star_conf"], "sigma": res["sigma"]}
            for j, name in enumerate(prob["names"]):
                rows.append({"scenario": scenario, "preset": preset, "metric": metric, "parameter": name,
                             **{c: float(v[j]) for c, v in cols.items()}})
    return pd.DataFrame(rows)


def _metric_axes(n: int) -> tuple[plt.Figure, np.ndarray]:
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.6 * rows), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()


def response_curves(means: pd.DataFrame, exp: Experiment, folder: Path) -> list[Path]:
    if exp.design != "grid":
        return []
    numeric = [f.key for f in exp.factors if all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                 for v in f.values)]
    if not numeric:
        return []
    x = numeric[0]
    others = [f.key for f in exp.factors if f.key != x]
    metrics = list(exp.metrics)[:MAX_FIGURE_METRICS]
    fig, axes = _metric_axes(len(metrics))
    for ax, metric in zip(axes, metrics, strict=False):
        m = means[means.metric == metric]
        for label, g in m.groupby(["scenario", "preset", *others], sort=False):
            g = g.sort_values(x)
            ax.plot(g[x], g["mean"], marker="o", label=" / ".join(map(str, label)))
            ax.fill_between(g[x], g["ci_low"], g["ci_high"], alpha=0.2)
        ax.set_xlabel(x)
        ax.set_title(metric)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    return [save_figure(fig, folder / "response_curves.png")]


def heatmaps(means: pd.DataFrame, exp: Experiment, folder: Path) -> list[Path]:
    if exp.design != "grid" or len(exp.factors) != 2:
        return []
    a, b = (f.key for f in exp.factors)
    paths = []
    for metric in list(exp.metrics)[:2]:
        groups = list(means[means.metric == metric].groupby(["scenario", "preset"]))
        fig, axes = plt.subplots(1, len(groups), figsize=(5 * len(groups), 4), squeeze=False)
        for ax, ((scenario, preset), g) in zip(axes[0], groups, strict=True):
            table = g.pivot_table(index=b, columns=a, values="mean", sort=False)
            image = ax.imshow(table.to_numpy(float), aspect="auto", cmap="viridis", origin="lower")
            ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns], rotation=45)
            ax.set_yticks(range(table.shape[0]), [str(r) for r in table.index])
            ax.set_xlabel(a)
            ax.set_ylabel(b)
            ax.set_title(f"{metric}\n{scenario} / {preset}", fontsize=9)
            fig.colorbar(image, ax=ax)
        paths.append(save_figure(fig, folder / f"heatmap_{metric}.png"))
    return paths


def tornado(indices: pd.DataFrame, exp: Experiment, folder: Path) -> list[Path]:
    if indices.empty:
        return []
    value, err = ("ST", "ST_conf") if exp.design == "sobol" else ("mu_star", "mu_star_conf")
    first = indices[(indices.scenario == indices.scenario.iloc[0]) & (indices.preset == indices.preset.iloc[0])]
    metrics = list(dict.fromkeys(first.metric))[:MAX_FIGURE_METRICS]
    fig, axes = _metric_axes(len(metrics))
    for ax, metric in zip(axes, metrics, strict=False):
        g = first[first.metric == metric].sort_values(value)
        ax.barh(g["parameter"], g[value], xerr=g[err], color="tab:blue", alpha=0.8, label=value)
        if exp.design == "sobol":
            ax.barh(g["parameter"], g["S1"], color="tab:orange", alpha=0.8, label="S1")
        ax.set_title(metric, fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"{'Sobol indices' if exp.design == 'sobol' else 'Morris mu*'}: "
                 f"{first.scenario.iloc[0]} / {first.preset.iloc[0]}")
    return [save_figure(fig, folder / "tornado.png")]


def analyse_store(store: Path, quiet: bool = False) -> Path:
    """Write the analysis of ``store`` into ``store/analysis``."""
    def say(text: str) -> None:
        if not quiet:
            print(text, file=sys.stderr)

    s = Store(store)
    if not s.manifest_path.exists():
        raise ExperimentError(f"{store}: not a results store (no manifest.json)")
    exp = load_experiment(store / "experiment.toml", check_scenarios=False).reduced(**s.manifest()["settings"])
    runs = s.read("runs")
    if runs.empty:
        raise ExperimentError(f"{store}: no finished runs to analyse")
    out = store / "analysis"
    out.mkdir(exist_ok=True)
    means = point_means(runs, exp)
    means.to_csv(out / "point_means.csv", index=False)
    written = [out / "point_means.csv"]
    if len(exp.scenarios) > 1:
        diffs = paired_differences(runs, exp)
        diffs.to_csv(out / "paired_differences.csv", index=False)
        written.append(out / "paired_differences.csv")
    indices = pd.DataFrame()
    if exp.design in ("sobol", "morris"):
        indices = sensitivity(runs, s.read_plan(), exp, say)
        name = "sobol_indices.csv" if exp.design == "sobol" else "morris.csv"
        indices.to_csv(out / name, index=False)
        written.append(out / name)
    written += response_curves(means, exp, out) + heatmaps(means, exp, out) + tornado(indices, exp, out)
    failures = s.read("failures")
    say(f"{exp.name}: {len(runs)} runs analysed ({len(failures)} failed) -> {out}/")
    for path in written:
        say(f"  {path.name}")
    return out
