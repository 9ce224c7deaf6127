"""Re-measure the seven findings of the "Earned results" review on the current model.

    .venv/bin/python benchmarks/findings.py            # 10 seeds per case, default horizon (a few minutes)
    .venv/bin/python benchmarks/findings.py --seeds 4  # quicker, wider intervals

Every comparison is paired on common seeds (95% CIs over seeds). Prints the Markdown that
docs/ODD.md ("What the review found, re-measured") carries.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from sim import LilongModel
from sim.analysis import by_year, final_year, mean_ci, tipping
from sim.execution.runs import RunSpec, run_many
from sim.params import Params, load_scenario, scenario_path
from sim.population import NEVER, Rung

METRICS = ("involved_share", "consulted_share", "satisfaction_overall", "satisfaction_living", "trust_government",
           "external_efficacy", "core_share", "upkeep_coverage", "mean_condition", "spaces_worn_out_per_year",
           "activity_share", "voice_representation__renter", "spaces_in_use", "spaces_in_pipeline")
GROUPED = ("consulted_share", "involved_share", "satisfaction_overall")
NO_RULES = {"platform.self_management_rules": False, "planner.rules_per_week": 0.0, "projects.core_rules_per_week": 0.0}


def base(name: str, preset: str | None = None) -> Params:
    return load_scenario(scenario_path(name), preset)


def cases() -> dict[str, Params]:
    planner, hengfu_planner = base("planner"), base("planner", "hengfu_heritage")
    out = {name: base(name) for name in ("top_down", "consultation", "platform", "planner", "planner_platform")}
    for hours in (0, 4, 8, 32, 48):
        out[f"planner {hours} h"] = planner.replace({"planner.hours_per_week": hours})
    for visit in (0.25, 0.75):
        out[f"planner visit {visit} h"] = planner.replace({"planner.hours_per_visit": visit})
    for window in (7, 20):
        for name in ("top_down", "planner"):
            out[f"{name} window {window}"] = base(name).replace({"observation.engagement_window_weeks": window})
    out["planner, no budget"] = planner.replace({"street_office.budget_yuan_per_year": 0.0})
    out["top_down, no budget"] = base("top_down").replace({"street_office.budget_yuan_per_year": 0.0})
    out["platform, rules off"] = base("platform").replace(NO_RULES)
    out["planner_platform, rules off"] = base("planner_platform").replace(NO_RULES)
    out["planner nearest"] = planner.replace({"planner.outreach_strategy": "nearest"})
    out["hengfu top_down"] = base("top_down", "hengfu_heritage")
    out["hengfu planner"] = hengfu_planner
    out["hengfu planner, no workstation"] = hengfu_planner.replace({"planner.workstation": False})
    return out


def diff(per_run: pd.DataFrame, a: str, b: str, metric: str) -> str:
    x = per_run[per_run.scenario == a].set_index("seed")[metric]
    y = per_run[per_run.scenario == b].set_index("seed")[metric]
    d, lo, hi, _ = mean_ci((x - y).dropna().to_numpy(float))
    return f"{d:+.3f} [{lo:+.3f}, {hi:+.3f}]"


def mean(per_run: pd.DataFrame, a: str, metric: str) -> str:
    m, lo, hi, _ = mean_ci(per_run[per_run.scenario == a][metric].to_numpy(float))
    return f"{m:.3f} [{lo:.3f}, {hi:.3f}]"


def ever_involved(params: Params, seeds: list[int], weeks: int = 156) -> float:
    """Share of the households living there at the end who took part at 'involved' or deeper at least once."""
    shares = []
    for seed in seeds:
        m = LilongModel(params, seed)
        m.run_weeks(weeks)
        shares.append(float((m.households.last_at_rung[Rung.INVOLVED:] != NEVER).any(axis=0).mean()))
    return float(np.mean(shares))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    start = time.perf_counter()
    seeds = list(range(500, 500 + args.seeds))
    specs = [RunSpec(name, p, seed) for name, p in cases().items() for seed in seeds]
    steps, _ = run_many(specs, workers=2, progress=False)
    metrics = METRICS + tuple(f"{m}__{g}" for m in GROUPED for g in ("young", "working", "retired", "long_term",
                                                                      "renter"))
    per_run = final_year(steps, metrics)
    yearly = by_year(steps[steps.scenario.isin(["top_down", "planner", "planner_platform"])],
                     ("satisfaction_overall", "trust_government", "involved_share"))
    weeks = int(steps.week.max())
    p = []

    def inv(a: str, b: str) -> str:
        return diff(per_run, a, b, "involved_share")

    def sat(a: str, b: str) -> str:
        return diff(per_run, a, b, "satisfaction_overall")

    unfunded = by_year(steps[steps.scenario == "planner, no budget"], ("involved_share",))["involved_share"]

    p.append("**1. Engagement by depth.** Headline engagement is `involved_share` (involved or deeper within the "
             "13-week window); a visit informs and invites, a survey consults. Planner effect on "
             "`involved_share` against planner hours (paired with `top_down`): "
             + "; ".join(f"{h} h {inv(f'planner {h} h' if h != 16 else 'planner', 'top_down')}"
                         for h in (0, 4, 8, 16, 32, 48))
             + f". Visit time 0.25 h vs 0.75 h: {inv('planner visit 0.25 h', 'top_down')} vs "
             f"{inv('planner visit 0.75 h', 'top_down')}. Window 7 vs 20 weeks: "
             f"{inv('planner window 7', 'top_down window 7')} vs {inv('planner window 20', 'top_down window 20')}. "
             f"`consultation` vs `top_down`: consulted {diff(per_run, 'consultation', 'top_down', 'consulted_share')}, "
             f"involved {inv('consultation', 'top_down')}. Ever involved within three years "
             f"(least-heard outreach): {ever_involved(base('planner'), seeds[:4]):.2f} of households "
             f"(`top_down`: {ever_involved(base('top_down'), seeds[:4]):.2f}).")
    p.append("**2. Expectations from delivery.** Unfunded planner minus `top_down`, overall satisfaction: "
             f"{sat('planner, no budget', 'top_down')}; minus `top_down` with no "
             f"budget either: {sat('planner, no budget', 'top_down, no budget')}. "
             "Unfunded planner's involvement by year: " + ", ".join(f"{v:.3f}" for v in unfunded.to_numpy())
             + f"; external efficacy {mean(per_run, 'planner, no budget', 'external_efficacy')} (start 0.35). "
             f"`top_down` works vs no works: {sat('top_down', 'top_down, no budget')}.")
    end_pipeline = steps[steps.week == weeks]
    used = (end_pipeline.spaces_in_use + end_pipeline.spaces_in_pipeline).max()
    sat_edge = (yearly.loc["planner", "satisfaction_overall"] - yearly.loc["top_down", "satisfaction_overall"])
    tip = tipping(final_year(steps, ("activity_share", "core_share")))
    tip = tip[tip.scenario.isin(["platform", "planner", "planner_platform"])]
    p.append(f"**3. A living pipeline.** Horizon {weeks} weeks. Most sites in use or in the pipeline at the end of any "
             f"run: {used:.0f} of {LilongModel(base('top_down'), 0).lilong.n_sites}. Planner's satisfaction edge over "
             "`top_down` by year: " + ", ".join(f"{v:+.3f}" for v in sat_edge.to_numpy())
             + ". Trust in government by year, planner: "
             + ", ".join(f"{v:.3f}" for v in yearly.loc["planner", "trust_government"].to_numpy())
             + ". Tipping probability: " + "; ".join(f"{r.scenario} {r.tipped}/{r.runs}" for r in tip.itertuples())
             + ". Running totals are reported at their end, rates per year.")
    p.append("**4. Institutions that act.** Rules off minus on, upkeep coverage: `platform` "
             f"{diff(per_run, 'platform, rules off', 'platform', 'upkeep_coverage')}, `planner_platform` "
             f"{diff(per_run, 'planner_platform, rules off', 'planner_platform', 'upkeep_coverage')}; spaces worn out "
             f"per year (`platform`) {diff(per_run, 'platform, rules off', 'platform', 'spaces_worn_out_per_year')}. "
             "Core share (no target parameter): " + ", ".join(f"{s} {mean(per_run, s, 'core_share')}" for s in
                                                              ("platform", "planner", "planner_platform"))
             + f". Street-office platform without a planner, involved minus `top_down`: "
             f"{diff(per_run, 'platform', 'top_down', 'involved_share')}. Hengfu workstation (planner with minus "
             f"without): {diff(per_run, 'hengfu planner', 'hengfu planner, no workstation', 'involved_share')}. "
             f"Involved without a planner: `top_down` {mean(per_run, 'top_down', 'involved_share')}, `consultation` "
             f"{mean(per_run, 'consultation', 'involved_share')}.")
    groups = per_run.groupby("scenario").mean(numeric_only=True)
    sat = [f"satisfaction_overall__{g}" for g in ("young", "working", "retired", "long_term", "renter")]
    p.append("**5. Groups.** Consulted or deeper by age in `consultation` (young / working / retired): "
             + " / ".join(f"{groups.loc['consultation', f'consulted_share__{g}']:.3f}" for g in
                          ("young", "working", "retired"))
             + " (Shanghai turnout 0.138 / 0.557 / 0.777: a calibration target for interest by age). Overall "
             "satisfaction by group under `planner` (young / working / retired / long-term / renter): "
             + " / ".join(f"{groups.loc['planner', c]:.3f}" for c in sat)
             + " (largest gap " + f"{groups.loc['planner', sat].max() - groups.loc['planner', sat].min():.3f}). "
             f"Renters' voice representation, least-heard vs nearest outreach: "
             f"{groups.loc['planner', 'voice_representation__renter']:.2f} vs "
             f"{groups.loc['planner nearest', 'voice_representation__renter']:.2f}.")
    print("\n\n".join(p))
    print(f"\n(measured with `.venv/bin/python benchmarks/findings.py --seeds {args.seeds}`: "
          f"{len(specs)} runs, {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
