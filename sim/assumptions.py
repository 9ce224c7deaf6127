"""Robustness beside the headline: the paired planner effects under the structural assumptions a
reviewer questions first, each set low and high with everything else at the scenario's values.

Run by ``sim compare`` on fewer seeds than the headline (``--robustness-seeds``); the summary
states what it cost.
"""

from __future__ import annotations

import pandas as pd

from sim.analysis import final_year, markdown_table, mean_ci
from sim.execution.runs import RunSpec
from sim.params import Params

# assumption -> (parameter, low, high): what each changes is documented in docs/ODD.md, section 7.
ASSUMPTIONS: dict[str, tuple[str, float, float]] = {
    "visit time": ("planner.hours_per_visit", 0.25, 0.75),
    "engagement window": ("observation.engagement_window_weeks", 7, 26),
    "catchment radius": ("neighbourhood.catchment_radius_cells", 4.0, 9.0),
    "threshold spread": ("population.threshold_sd", 0.05, 0.2),
    # Advantages a planner is assumed to have over the office and the committee (low: no gap at all).
    "planner's design skill": ("planner.design_skill", 0.45, 1.0),  # 0.45: the contractor's design quality
    "planner's facilitation": ("planner.facilitation_skill", 0.3, 1.0),  # 0.3: the committee's facilitation
    "rules the planner helps set": ("planner.rules_per_week", 0.0, 0.2),  # 0: none, whatever the committee does
}
GAPS = ("planner's design skill", "planner's facilitation", "rules the planner helps set")
NO_ADVANTAGE = "no assumed advantage (the three gaps closed at once)"
METRICS = ("involved_share", "satisfaction_overall")


def variants() -> list[tuple[str, float | str, dict[str, float]]]:
    """(assumption, value shown, overrides): each assumption low and high, then every assumed gap closed."""
    out: list[tuple[str, float | str, dict[str, float]]] = [
        (assumption, value, {key: value}) for assumption, (key, low, high) in ASSUMPTIONS.items()
        for value in (low, high)]
    out.append((NO_ADVANTAGE, "closed", {ASSUMPTIONS[g][0]: ASSUMPTIONS[g][1] for g in GAPS}))
    return out


def variant_name(scenario: str, assumption: str, value: float | str) -> str:
    return f"{scenario} | {assumption} = {value:g}" if not isinstance(value, str) else f"{scenario} | {assumption}"


def specs(loaded: dict[str, Params], baseline: str, seeds: list[int]) -> list[RunSpec]:
    """Runs for the baseline and every scenario with a planner, under each assumption set low and high."""
    compared = [baseline] + [n for n, p in loaded.items() if n != baseline and p.planner.enabled]
    out = []
    for assumption, value, overrides in variants():
        for name in compared:
            params = loaded[name].replace(overrides, origin=f"robustness: {assumption}")
            out += [RunSpec(variant_name(name, assumption, value), params, seed) for seed in seeds]
    return out


def table(steps: pd.DataFrame, headline_per_run: pd.DataFrame, loaded: dict[str, Params],
          baseline: str) -> pd.DataFrame:
    """Paired difference from the baseline (95% CI over seeds) of each metric, per scenario, under
    the default assumptions (from the headline runs) and under each assumption low and high."""
    per_run = final_year(steps, METRICS)
    rows = []

    def add(assumption: str, value: object, runs: pd.DataFrame, scenario: str, base: str) -> None:
        a = runs[runs.scenario == scenario].set_index("seed")
        b = runs[runs.scenario == base].set_index("seed")
        common = a.index.intersection(b.index)
        for metric in METRICS:
            d, lo, hi, n = mean_ci((a.loc[common, metric] - b.loc[common, metric]).to_numpy(float))
            rows.append({"assumption": assumption, "value": value, "scenario": scenario, "metric": metric,
                         "difference": d, "ci_low": lo, "ci_high": hi, "n": n})

    compared = [n for n, p in loaded.items() if n != baseline and p.planner.enabled]
    for scenario in compared:
        add("(default)", "", headline_per_run, scenario, baseline)
        for assumption, value, _ in variants():
            suffix = variant_name("", assumption, value)
            runs = per_run[per_run.scenario.str.endswith(suffix)]
            add(assumption, value, runs.assign(scenario=runs.scenario.str.removesuffix(suffix)), scenario, baseline)
    return pd.DataFrame(rows)


def markdown(robust: pd.DataFrame, baseline: str, seeds: int, seconds: float) -> str:
    """The robustness table as Markdown, with what it cost."""
    lines = ["## Robustness: planner effects under structural assumptions", "",
             f"Paired difference from `{baseline}` in the final year (95% CI over {seeds} seeds; the default row "
             f"uses the headline runs). Each assumption is set low and high, everything else at the scenario's "
             f"values; the last row closes every gap assumed between the planner and the office or committee at "
             f"once. These {len(variants())} variants took {seconds:.0f} s of the comparison's wall time.", ""]
    lines += markdown_table(["scenario", "metric", "assumption", "value", "difference [95% CI]"],
                            [[r.scenario, r.metric, r.assumption, r.value,
                              f"{r.difference:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}]"] for r in robust.itertuples()])
    return "\n".join(lines) + "\n"
