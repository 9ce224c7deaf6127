"""Figures for a comparison (PNG, matplotlib's Agg backend: no display needed).

Every label comes from the metric registry; every scenario keeps one colour in every figure
(a colour-blind-safe palette, fixed for the shipped scenarios); every mean has its 95% CI.
"""

from __future__ import annotations

import warnings
import zlib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

from sim.metrics import GROUPS, REGISTRY, label  # noqa: E402
from sim.population import LADDER  # noqa: E402

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies.
PALETTE = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442")
SCENARIO_COLOURS = {"top_down": PALETTE[0], "consultation": PALETTE[1], "platform": PALETTE[2],
                    "planner": PALETTE[3], "planner_platform": PALETTE[4]}


def scenario_colour(scenario: str) -> str:
    """The scenario's colour: fixed for the shipped scenarios, otherwise stable by name."""
    return SCENARIO_COLOURS.get(scenario, PALETTE[5 + zlib.crc32(scenario.encode()) % 3])


def save_figure(fig: plt.Figure, path: Path) -> Path:
    """Lay out, write as PNG (creating its folder) and free the figure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # crowded labels: keep the figure rather than fail
        fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def t_half_width(sd: pd.Series | np.ndarray, n: pd.Series | np.ndarray) -> np.ndarray:
    """Half-width of a 95% Student-t interval (NaN where n < 3: too few runs for a band)."""
    n = np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * np.asarray(sd, float) / np.sqrt(n)
    return np.where(n >= 3, half, np.nan)


def _clip(metric: str, values: np.ndarray) -> np.ndarray:
    m = REGISTRY.get(metric.partition("__")[0])
    lo = -np.inf if m is None or m.lo is None else m.lo
    hi = np.inf if m is None or m.hi is None else m.hi
    return np.clip(values, lo, hi)


def band(ax: plt.Axes, steps: pd.DataFrame, metric: str) -> None:
    """Mean over seeds with a 95% band per scenario, week by week (rates: year by year)."""
    m = REGISTRY.get(metric)
    yearly = m is not None and m.kind == "rate"
    for scenario, g in steps.groupby("scenario", sort=False):
        if yearly:  # a weekly flow is noisy: show each year's rate, at the year's end
            g = g[g["week"] > 0]
            g = g.assign(week=(g["week"] - 1) // 52 * 52 + 52).groupby(["seed", "week"], as_index=False)[metric].mean()
        by_week = g.groupby("week")[metric]
        mean = by_week.mean()
        half = t_half_width(by_week.std(ddof=1), by_week.count())
        colour = scenario_colour(scenario)
        ax.plot(mean.index / 52, mean.values, label=scenario, color=colour, marker="o" if yearly else None)
        ax.fill_between(mean.index / 52, _clip(metric, mean - half), _clip(metric, mean + half),
                        color=colour, alpha=0.2, linewidth=0)
    ax.set_title(label(metric))
    ax.set_ylabel(m.unit if m else "")
    ax.set_xlabel("year")
    ax.grid(alpha=0.3)


def time_series(steps: pd.DataFrame, metrics: tuple[str, ...], path: Path) -> Path:
    """Side-by-side time series panels, one per metric, a line and band per scenario."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 4), squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        band(ax, steps, metric)
    axes[0][0].legend(fontsize=8)
    return save_figure(fig, path)


def ladder(steps: pd.DataFrame, path: Path, weeks: int = 52) -> Path:
    """Share of households at each rung, averaged over the last ``weeks`` weeks and all seeds."""
    last = steps["week"].max()
    window = steps[steps["week"] > last - weeks]
    shares = window.groupby("scenario", sort=False)[[f"ladder_{r}" for r in LADDER]].mean()
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(shares) + 2))
    left = np.zeros(len(shares))
    colours = plt.cm.viridis(np.linspace(0.1, 0.95, len(LADDER)))
    for k, rung in enumerate(LADDER):
        values = shares[f"ladder_{rung}"].to_numpy()
        ax.barh(shares.index, values, left=left, color=colours[k], label=rung)
        left += values
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"share of households (mean over the last {weeks} weeks and all seeds)")
    ax.set_title("Participation ladder: deepest act within the engagement window")
    ax.legend(ncol=6, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.1))
    return save_figure(fig, path)


def groups(per_run_groups: pd.DataFrame, metrics: tuple[str, ...], path: Path) -> Path:
    """Final-year values by age group and tenure, per scenario, with 95% CIs over seeds."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(6 * len(metrics), 4), squeeze=False)
    names = [g.replace("_", " ") for g in GROUPS]
    for ax, metric in zip(axes[0], metrics, strict=True):
        cols = [f"{metric}__{g}" for g in GROUPS]
        scenarios = list(dict.fromkeys(per_run_groups["scenario"]))
        width = 0.8 / len(scenarios)
        x = np.arange(len(GROUPS))
        for k, scenario in enumerate(scenarios):
            g = per_run_groups[per_run_groups["scenario"] == scenario][cols]
            half = t_half_width(g.std(ddof=1), g.count())
            ax.bar(x + k * width, g.mean().to_numpy(), width, yerr=np.nan_to_num(half), capsize=2,
                   label=scenario, color=scenario_colour(scenario))
        ax.set_xticks(x + 0.4 - width / 2, names)
        ax.set_title(f"{REGISTRY[metric].label}, final year")
        ax.set_ylabel(REGISTRY[metric].unit)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].legend(fontsize=8)
    return save_figure(fig, path)


def write_all(steps: pd.DataFrame, per_run_groups: pd.DataFrame, folder: Path) -> list[Path]:
    """The comparison's standard figures, written into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        time_series(steps, ("involved_share", "satisfaction_overall"), folder / "engagement_satisfaction.png"),
        ladder(steps, folder / "ladder_final_year.png"),
        groups(per_run_groups, ("involved_share", "satisfaction_overall"), folder / "groups_age_tenure.png"),
        time_series(steps, ("spaces_in_use", "mean_condition"), folder / "spaces_condition.png"),
        time_series(steps, ("spaces_completed_per_year", "spending_yuan_per_year"), folder / "rates.png"),
    ]


def robustness(robust: pd.DataFrame, path: Path) -> Path:
    """Forest plot: each planner effect under the default and each varied assumption, with 95% CIs."""
    metrics = list(dict.fromkeys(robust["metric"]))
    fig, axes = plt.subplots(1, len(metrics), figsize=(6 * len(metrics), 0.32 * len(robust) / len(metrics) + 1.5),
                             squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        rows = robust[robust["metric"] == metric].reset_index(drop=True)
        y = np.arange(len(rows))[::-1]
        for scenario, g in rows.groupby("scenario", sort=False):
            yy = y[g.index]
            ax.errorbar(g["difference"], yy, xerr=[g["difference"] - g["ci_low"], g["ci_high"] - g["difference"]],
                        fmt="o", color=scenario_colour(scenario), label=scenario, capsize=2)
            default = g[g["assumption"] == "(default)"]["difference"]
            if len(default):
                ax.axvline(float(default.iloc[0]), color=scenario_colour(scenario), alpha=0.3, linestyle="--")
        ax.set_yticks(y, [f"{r.assumption} {r.value}".strip() for r in rows.itertuples()], fontsize=8)
        ax.axvline(0, color="grey", linewidth=0.8)
        ax.set_title(f"{REGISTRY[metric].label}: difference from the baseline")
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].legend(fontsize=8)
    return save_figure(fig, path)
