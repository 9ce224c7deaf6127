"""Shared fixtures: one batch of runs that the pattern tests query.

Every scenario below is a shipped scenario or a shipped scenario with one mechanism varied or
switched off (an ablation), all on the same seeds (common random numbers).
"""

from __future__ import annotations

import pandas as pd
import pytest

from sim.analysis import final_year
from sim.execution.runs import RunSpec, run_many
from sim.params import load_scenario, scenario_path

PATTERN_SEEDS = list(range(100, 110))  # 10 common seeds, apart from the main job's 0..29
PATTERN_WEEKS = 208  # four years: past the first renewals and wear-outs (docs/ODD.md, section 7)

NO_RULES = {"platform.self_management_rules": False, "planner.rules_per_week": 0.0,
            "projects.core_rules_per_week": 0.0}
NO_RECRUITMENT = {"platform.volunteer_team": False, "planner.volunteer_asks_per_week": 0,
                  "behaviour.leader_invites_per_week": 0, "behaviour.spontaneous_volunteer_per_week": 0.0}
EQUAL_HOURS = {"projects.volunteer_hours_per_week": 0.3, "projects.user_upkeep_hours_per_week": 0.3,
               "behaviour.leader_hours_per_week": 0.3}
NO_EFFICACY_FEEDBACK = {"behaviour.efficacy_gain": 0.0, "behaviour.efficacy_loss": 0.0,
                        "behaviour.vicarious_gain": 0.0}
FLAT_AGE = {f"population.{k}_{g}": v for k, v in (("interest", 0.35), ("weekday_time", 0.35),
                                                  ("evening_time", 0.5), ("internal_efficacy", 0.4))
            for g in ("young", "working", "retired")} | {"population.health_retired": 0.9,
                                                         "population.retired_trust_shift": 0.0}
HIGH_EXPECTATIONS = {"behaviour.expected_fit": 1.0, "behaviour.voice_expectation": 1.0}
LOW_EXPECTATIONS = {"behaviour.expected_fit": 0.2, "behaviour.voice_expectation": 0.1}
NO_WORKSHOPS = {"planner.share_workshops": 0.0, "planner.share_outreach": 0.6}


def _scenarios() -> dict:
    def base(name: str):
        return load_scenario(scenario_path(name)).replace({"run.weeks": PATTERN_WEEKS})

    planner, platform, both = base("planner"), base("platform"), base("planner_platform")
    no_disconfirmation = {"behaviour.disconfirmation_weight": 0.0}
    return {
        "top_down": base("top_down"),
        "consultation": base("consultation"),
        "platform": platform,
        "planner": planner,
        "planner_platform": both,
        # Ablations and variations: one mechanism changed, everything else the same.
        "top_down_flat_age": base("top_down").replace(FLAT_AGE),
        "planner_flat_age": planner.replace(FLAT_AGE),
        "planner_no_workshops": planner.replace(NO_WORKSHOPS),
        "planner_platform_no_recruitment": both.replace(NO_RECRUITMENT),
        "planner_platform_equal_hours": both.replace(EQUAL_HOURS),
        "platform_no_rules": platform.replace(NO_RULES),
        "platform_no_boost": platform.replace({"projects.rules_cooperation_boost": 0.0}),
        "platform_no_boost_no_rules": platform.replace({**NO_RULES, "projects.rules_cooperation_boost": 0.0}),
        "planner_no_budget": planner.replace({"street_office.budget_yuan_per_year": 0.0}),
        "top_down_no_budget": base("top_down").replace({"street_office.budget_yuan_per_year": 0.0}),
        "planner_no_budget_no_disconfirmation": planner.replace(
            {"street_office.budget_yuan_per_year": 0.0, **no_disconfirmation}),
        "top_down_no_budget_no_disconfirmation": base("top_down").replace(
            {"street_office.budget_yuan_per_year": 0.0, **no_disconfirmation}),
        "planner_fixed_efficacy": planner.replace(NO_EFFICACY_FEEDBACK),
        "planner_no_budget_fixed_efficacy": planner.replace(
            {**NO_EFFICACY_FEEDBACK, "street_office.budget_yuan_per_year": 0.0}),
        "planner_high_expectations": planner.replace(HIGH_EXPECTATIONS),
        "planner_low_expectations": planner.replace(LOW_EXPECTATIONS),
        "planner_high_expectations_no_disconfirmation": planner.replace({**HIGH_EXPECTATIONS, **no_disconfirmation}),
        "planner_low_expectations_no_disconfirmation": planner.replace({**LOW_EXPECTATIONS, **no_disconfirmation}),
        "consultation_unheard_fit": base("consultation").replace({"projects.heard_fit_weight": 0.0}),
        "top_down_unheard_fit": base("top_down").replace({"projects.heard_fit_weight": 0.0}),
    }


@pytest.fixture(scope="session")
def batch() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-week steps, per-run final-year values of every metric) for all scenarios above."""
    specs = [RunSpec(name, params, seed) for name, params in _scenarios().items() for seed in PATTERN_SEEDS]
    steps, _ = run_many(specs, workers=2, progress=False)
    metrics = tuple(c for c in steps.columns if c not in ("scenario", "seed", "week"))
    return steps, final_year(steps, metrics)
