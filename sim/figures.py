"""Figures for a comparison (PNG, matplotlib's Agg backend: no display needed)."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.population import AGE_NAMES, LADDER, TENURE_NAMES  # noqa: E402


def save_figure(fig: plt.Figure, path: Path) -> Path:
    """Lay out, write as PNG and free the figure."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # crowded labels: keep the figure rather than fail
        fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _band(ax: plt.Axes, steps: pd.DataFrame, metric: str, title: str) -> None:
    """Mean over seeds with a 95% band (normal approximation) per scenario."""
    for scenario, g in steps.groupby("scenario", sort=False):
        by_week = g.groupby("week")[metric]
        mean, sd, n = by_week.mean(), by_week.std(ddof=1), by_week.count()
        half = 1.96 * sd / np.sqrt(n)
        ax.plot(mean.index, mean.values, label=scenario)
        ax.fill_between(mean.index, mean - half, mean + half, alpha=0.2)
    ax.set_title(title)
    ax.set_xlabel("week")
    ax.grid(alpha=0.3)


def _two_bands(steps: pd.DataFrame, left: tuple[str, str], right: tuple[str, str], path: Path) -> None:
    """Two side-by-side time series panels, each (metric, title)."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, (metric, title) in zip(axes, (left, right), strict=True):
        _band(ax, steps, metric, title)
    axes[0].legend(fontsize=8)
    save_figure(fig, path)


def engagement_satisfaction(steps: pd.DataFrame, path: Path) -> None:
    _two_bands(steps, ("engaged_3m", "Took part in the last 3 months (share)"),
               ("satisfaction_overall", "Overall satisfaction (mean, 0-1)"), path)


def ladder(steps: pd.DataFrame, path: Path) -> None:
    last = steps[steps["week"] == steps["week"].max()]
    shares = last.groupby("scenario", sort=False)[[f"ladder_{r}" for r in LADDER]].mean()
    fig, ax = plt.subplots(figsize=(8, 4))
    left = np.zeros(len(shares))
    colours = plt.cm.viridis(np.linspace(0.1, 0.95, len(LADDER)))
    for k, rung in enumerate(LADDER):
        values = shares[f"ladder_{rung}"].to_numpy()
        ax.barh(shares.index, values, left=left, color=colours[k], label=rung)
        left += values
    ax.set_xlabel("share of households at the end")
    ax.set_title("Participation ladder (Arnstein / IAP2)")
    ax.legend(ncol=3, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.08))
    save_figure(fig, path)


def groups(per_run_groups: pd.DataFrame, path: Path) -> None:
    """Final-year participation and satisfaction by age group and tenure."""
    names = list(AGE_NAMES) + list(TENURE_NAMES)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    for ax, prefix, title in ((axes[0], "engaged_3m__", "Took part in the last 3 months"),
                              (axes[1], "satisfaction_overall__", "Overall satisfaction")):
        means = per_run_groups.groupby("scenario", sort=False)[[prefix + n for n in names]].mean()
        width = 0.8 / len(means)
        x = np.arange(len(names))
        for k, (scenario, row) in enumerate(means.iterrows()):
            ax.bar(x + k * width, row.to_numpy(), width, label=scenario)
        ax.set_xticks(x + 0.4 - width / 2, names)
        ax.set_title(title + " (final year)")
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=8)
    save_figure(fig, path)


def projects(steps: pd.DataFrame, path: Path) -> None:
    _two_bands(steps, ("projects_built", "Shared spaces built (count)"),
               ("mean_condition", "Condition of spaces in use (0-1)"), path)


def write_all(steps: pd.DataFrame, per_run_groups: pd.DataFrame, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"engagement_satisfaction.png": lambda p: engagement_satisfaction(steps, p),
             "ladder_end.png": lambda p: ladder(steps, p),
             "groups_age_tenure.png": lambda p: groups(per_run_groups, p),
             "projects_condition.png": lambda p: projects(steps, p)}
    written = []
    for name, draw in paths.items():
        draw(folder / name)
        written.append(folder / name)
    return written
