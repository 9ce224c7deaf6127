"""Summaries of runs: final-year values, 95% confidence intervals, paired differences.

Each metric is summarised over a window by the statistic its kind allows (the registry in
:mod:`sim.metrics`): the mean for states, shares, counts and annualised rates, the value at
the end of the window for running totals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.metrics import HEADLINE, REGISTRY

FINAL_WINDOW_WEEKS = 52


def _is_running_total(column: str) -> bool:
    metric = REGISTRY.get(column.partition("__")[0])
    return metric is not None and metric.kind == "running_total"


def window_values(steps: pd.DataFrame, metrics: tuple[str, ...], first_week: int, last_week: int) -> pd.DataFrame:
    """One row per (scenario, seed): each metric over weeks ``first_week..last_week`` (inclusive).

    Means for states, shares, counts and annualised rates; the value in ``last_week`` for running totals.
    """
    window = steps[(steps["week"] >= first_week) & (steps["week"] <= last_week)]
    groups = window.groupby(["scenario", "seed"], sort=False)
    means = [m for m in metrics if not _is_running_total(m)]
    ends = [m for m in metrics if _is_running_total(m)]
    out = groups[means].mean()
    if ends:
        out = out.join(groups[ends].last())
    return out[list(metrics)].reset_index()


def final_year(steps: pd.DataFrame, metrics: tuple[str, ...] = HEADLINE) -> pd.DataFrame:
    """One row per (scenario, seed): each metric over the last 52 weeks (all weeks after week 0 if fewer)."""
    last = int(steps["week"].max())
    return window_values(steps, metrics, max(1, last - FINAL_WINDOW_WEEKS + 1), last)


def mean_ci(values: np.ndarray) -> tuple[float, float, float, int]:
    """(mean, 95% CI low, high, n) of the non-missing values, Student's t."""
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return np.nan, np.nan, np.nan, 0
    mean = values.mean()
    if n < 2:
        return mean, np.nan, np.nan, n
    half = stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half, n


def summarise(per_run: pd.DataFrame, baseline: str, metrics: tuple[str, ...] = HEADLINE) -> pd.DataFrame:
    """Per scenario and metric: mean with 95% CI, and the paired difference from ``baseline`` (same seeds)."""
    rows = []
    base = per_run[per_run["scenario"] == baseline].set_index("seed")
    for scenario, group in per_run.groupby("scenario", sort=False):
        g = group.set_index("seed")
        for metric in metrics:
            mean, lo, hi, n = mean_ci(g[metric].to_numpy(float))
            row = {"scenario": scenario, "metric": metric, "mean": mean, "ci_low": lo, "ci_high": hi, "n": n}
            if baseline in per_run["scenario"].values and scenario != baseline:
                common = g.index.intersection(base.index)
                diff = (g.loc[common, metric] - base.loc[common, metric]).to_numpy(float)
                d, dlo, dhi, _ = mean_ci(diff)
                row.update({"diff_vs_baseline": d, "diff_ci_low": dlo, "diff_ci_high": dhi})
            rows.append(row)
    table = pd.DataFrame(rows)
    table["metric"] = pd.Categorical(table["metric"], categories=list(metrics), ordered=True)
    return table.sort_values("metric", kind="stable").astype({"metric": str}).reset_index(drop=True)


def fmt(x: float) -> str:
    """A number for a summary table: '-' when missing, thousands separators when large."""
    if pd.isna(x):
        return "–"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3f}"


def markdown_table(columns: list[str], rows: list[list[object]]) -> list[str]:
    """Lines of a Markdown table."""
    return (["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
            + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


def summary_markdown(summary: pd.DataFrame, baseline: str, context: str = "") -> str:
    """The summary as a Markdown table: value [CI] per scenario, difference vs baseline [CI].

    ``context`` (preset, seeds, horizon, households, what the CIs cover) heads the table.
    """
    rows = []
    for _, r in summary.iterrows():
        metric = REGISTRY.get(r["metric"].partition("__")[0])
        cell = f"{fmt(r['mean'])} [{fmt(r['ci_low'])}, {fmt(r['ci_high'])}]" if r["n"] else "n/a"
        diff = ""
        if "diff_vs_baseline" in r and not pd.isna(r.get("diff_vs_baseline")):
            star = "*" if r["diff_ci_low"] > 0 or r["diff_ci_high"] < 0 else ""
            diff = f"{fmt(r['diff_vs_baseline'])} [{fmt(r['diff_ci_low'])}, {fmt(r['diff_ci_high'])}]{star}"
        rows.append([r["metric"], metric.unit if metric else "", r["scenario"], cell, diff])
    lines = ([context, ""] if context else []) + [
        f"Each metric over the final year (mean of weekly values; running totals: value at the end); "
        f"difference from `{baseline}` paired on common seeds (* where its 95% CI excludes zero).", ""]
    lines += markdown_table(["metric", "unit", "scenario", "value [95% CI]", f"difference vs {baseline} [95% CI]"],
                            rows)
    return "\n".join(lines) + "\n"


SHORT_TABLE = ("involved_share", "consulted_share", "satisfaction_overall", "trust_government",
               "spaces_completed_per_year", "mean_fit_in_use", "mean_condition")


def short_table(summary: pd.DataFrame, metrics: tuple[str, ...] = SHORT_TABLE) -> str:
    """A compact text table (scenarios x a few metrics) for the terminal."""
    wide = summary[summary["metric"].isin(metrics)].pivot(index="scenario", columns="metric", values="mean")
    order = list(dict.fromkeys(summary["scenario"]))
    return wide.loc[order, [m for m in metrics if m in wide.columns]].round(3).to_string()


TIPPING_MULTIPLE = 3.0  # a run tips when self-organised activity spreads to 3x the core (bimodal: ~1.2x or 4-9x)


def tipping(per_run: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: share of runs in which self-organised activity spread beyond the core, with a
    95% Wilson interval. A run *tips* when its final-year activity share exceeds TIPPING_MULTIPLE
    times its core share (runs split sharply: about 1.2 times, or 4 to 9 times)."""
    rows = []
    for scenario, g in per_run.groupby("scenario", sort=False):
        tipped = (g["activity_share"] > TIPPING_MULTIPLE * g["core_share"]) & (g["activity_share"] > 0)
        k, n = int(tipped.sum()), len(g)
        lo, hi = stats.binomtest(k, n).proportion_ci(0.95, method="wilson") if n else (np.nan, np.nan)
        rows.append({"scenario": scenario, "runs": n, "tipped": k, "probability": k / n if n else np.nan,
                     "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def by_year(steps: pd.DataFrame, metrics: tuple[str, ...]) -> pd.DataFrame:
    """Each metric per scenario and year (mean over seeds of each run's yearly value): a trajectory
    that shows whether a horizon is a transient or a steady state."""
    frames = []
    last = int(steps["week"].max())
    for year in range(1, -(-last // 52) + 1):  # a last, partial year counts as a year
        values = window_values(steps, metrics, 52 * (year - 1) + 1, min(52 * year, last))
        frames.append(values.groupby("scenario", sort=False)[list(metrics)].mean().assign(year=year))
    order = {name: k for k, name in enumerate(dict.fromkeys(steps["scenario"]))}  # the comparison's order
    table = pd.concat(frames).reset_index()
    table = table.sort_values(["scenario", "year"], key=lambda c: c.map(order) if c.name == "scenario" else c,
                              kind="stable")
    return table.set_index(["scenario", "year"])


def trend(steps: pd.DataFrame, metrics: tuple[str, ...], first_year: int, last_year: int) -> pd.DataFrame:
    """Per scenario and metric: the trend of yearly values from ``first_year`` to ``last_year`` (least-squares
    slope per year, each run's own, then its mean and 95% CI over seeds) beside the level (mean over those
    years): whether a horizon has reached a steady state."""
    metrics = tuple(dict.fromkeys(metrics))
    years = np.arange(first_year, last_year + 1)
    per_year = [window_values(steps, metrics, 52 * (y - 1) + 1, 52 * y).set_index(["scenario", "seed"])
                for y in years]
    values = np.stack([v[list(metrics)].to_numpy(float) for v in per_year])  # (years, runs, metrics)
    centred = years - years.mean()
    slopes = np.tensordot(centred, values, axes=(0, 0)) / (centred ** 2).sum()  # (runs, metrics)
    index = per_year[0].index
    rows = []
    for scenario in dict.fromkeys(index.get_level_values("scenario")):
        runs = index.get_level_values("scenario") == scenario
        for k, metric in enumerate(metrics):
            slope, lo, hi, n = mean_ci(slopes[runs, k])
            level = values[:, runs, k]
            level = level[~np.isnan(level)].mean() if (~np.isnan(level)).any() else np.nan
            rows.append({"scenario": scenario, "metric": metric, "level": level,
                         "slope_per_year": slope, "ci_low": lo, "ci_high": hi, "n": n})
    return pd.DataFrame(rows)


def tipping_markdown(tipped: pd.DataFrame) -> str:
    lines = ["## Tipping: self-organised activity beyond the core", "",
             f"Share of runs in which, in the final year, residents' own activities at shared spaces reached more "
             f"than {TIPPING_MULTIPLE:g} times as many households as the core (95% Wilson interval).", ""]
    lines += markdown_table(["scenario", "runs tipped", "probability [95% CI]"],
                            [[r.scenario, f"{r.tipped} of {r.runs}", f"{r.probability:.2f} [{r.ci_low:.2f}, "
                              f"{r.ci_high:.2f}]"] for r in tipped.itertuples()])
    return "\n".join(lines) + "\n"


def by_year_markdown(yearly: pd.DataFrame) -> str:
    """Year-by-year values (mean over seeds), one table per metric: transient or steady state."""
    lines = ["## Year by year", "",
             "Each metric's yearly value (mean over the year's weeks; rates per year), averaged over seeds.", ""]
    years = sorted(yearly.index.get_level_values("year").unique())
    for metric in yearly.columns:
        m = REGISTRY[metric]
        lines += [f"**{m.label}** ({m.unit})", ""]
        lines += markdown_table(["scenario", *(f"year {y}" for y in years)],
                                [[scenario, *(fmt(v) for v in g.to_numpy())]
                                 for scenario, g in yearly[metric].groupby(level="scenario", sort=False)])
        lines.append("")
    return "\n".join(lines)
