"""Analysis of a results store: point means, paired differences, Sobol and Morris, figures."""

from __future__ import annotations

import sys
import warnings
from datetime import datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis import mean_ci  # noqa: E402
from sim.figures import save_figure  # noqa: E402
from sim.integrity import ResultFolder  # noqa: E402
from sim.metrics import REGISTRY, label  # noqa: E402
from sim.sweep.designs import design_points, problem  # noqa: E402
from sim.sweep.experiment import Experiment, ExperimentError, load_experiment  # noqa: E402
from sim.sweep.store import Store  # noqa: E402

MAX_FIGURE_METRICS = 6
MIN_BAND_N = 3  # a CI band from fewer replications is too wide or too unstable to show


def metric_label(name: str) -> str:
    """A metric's (or group column's) human label and unit, from the metric registry."""
    metric = REGISTRY.get(name) or REGISTRY.get(name.partition("__")[0])
    if metric is None or not metric.unit or "(" in metric.label:  # "Involved or deeper (share)" says it already
        return label(name)
    return f"{label(name)} ({metric.unit})"


def valid_range(name: str) -> tuple[float | None, float | None]:
    """The values a metric can take (bands are clipped to it); (None, None) if unbounded or unknown."""
    metric = REGISTRY.get(name) or REGISTRY.get(name.partition("__")[0])
    return (metric.lo, metric.hi) if metric is not None else (None, None)


def parameter_label(key: str) -> str:
    """``planner.hours_per_week`` -> "planner: hours per week (hours/week)"."""
    import dataclasses

    from sim.params import SECTIONS

    section, _, name = key.partition(".")
    fields = {f.name: f for f in dataclasses.fields(SECTIONS[section])} if section in SECTIONS else {}
    unit = fields[name].metadata["unit"] if name in fields else ""
    return f"{section}: {name.replace('_', ' ')}" + (f" ({unit})" if unit and unit != "choice" else "")


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
        lo, hi = valid_range(metric)
        for key, g in m.groupby(["scenario", "preset", *others], sort=False):
            g = g.sort_values(x)
            line, = ax.plot(g[x], g["mean"], marker="o", label=" / ".join(map(str, key)))
            shown = g[g["n"] >= MIN_BAND_N]
            ax.fill_between(shown[x], shown["ci_low"].clip(lo, hi), shown["ci_high"].clip(lo, hi),
                            alpha=0.2, color=line.get_color())
        ax.set_xlabel(parameter_label(x))
        ax.set_title(metric_label(metric), fontsize=9)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    n = int(means["n"].min()) if len(means) else 0
    fig.suptitle("Mean over replications" + (f" with 95% CI bands (n = {n})" if n >= MIN_BAND_N
                                              else f" (n = {n}: too few replications for CI bands)"))
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
            ax.set_xlabel(parameter_label(a))
            ax.set_ylabel(parameter_label(b))
            ax.set_title(f"{metric_label(metric)}\n{scenario} / {preset}", fontsize=9)
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
        y = np.arange(len(g))
        if exp.design == "sobol":  # total and first-order side by side, each with its CI
            ax.barh(y + 0.2, g["ST"], height=0.4, xerr=g["ST_conf"], color="tab:blue", label="total (ST)")
            ax.barh(y - 0.2, g["S1"], height=0.4, xerr=g["S1_conf"], color="tab:orange", label="first-order (S1)")
            ax.axvline(0, color="grey", linewidth=0.8)
        else:
            ax.barh(y, g[value], xerr=g[err], color="tab:blue", label="mu*")
        ax.set_yticks(y, [parameter_label(k) for k in g["parameter"]])
        ax.set_title(metric_label(metric), fontsize=9)
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
    manifest = s.manifest()  # one line if missing or damaged
    exp = load_experiment(store / "experiment.toml", check_scenarios=False).reduced(**manifest.get("settings", {}))
    runs = s.read("runs")  # only runs in the plan, checked against their checksums
    if runs.empty:
        raise ExperimentError(f"{store}: no finished runs to analyse")
    stray = s.stray_files()
    if stray:
        say(f"  {len(stray)} file(s) not in the store's plan ignored: {', '.join(stray[:3])}"
            + (" ..." if len(stray) > 3 else ""))
    with ResultFolder(store / "analysis", overwrite=True) as folder:  # replaced whole, never half-updated
        out = folder.path
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
        final = folder.commit({"store": str(store), "runs_analysed": len(runs),
                               "created": datetime.now().isoformat(timespec="seconds")})
    failures = s.read("failures")
    say(f"{exp.name}: {len(runs)} runs analysed ({len(failures)} failed) -> {final}/")
    for path in written:
        say(f"  {path.name}")
    return final
