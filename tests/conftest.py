"""Shared fixtures: one batch of runs that the pattern tests query."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.analysis import final_year
from sim.compare import scenario_path
from sim.params import load_scenario
from sim.runner import RunSpec, run_many

PATTERN_SEEDS = list(range(100, 116))  # 16 common seeds, apart from the main job's 0..29


def _scenarios() -> dict:
    planner = load_scenario(scenario_path("planner"))
    platform = load_scenario(scenario_path("planner_platform"))
    return {
        "top_down": load_scenario(scenario_path("top_down")),
        "consultation": load_scenario(scenario_path("consultation")),
        "planner": planner,
        "planner_platform": platform,
        # Ablations: one mechanism switched off, everything else the same.
        "platform_no_rules_no_team": platform.replace(
            {"platform.self_management_rules": False, "platform.volunteer_team": False}),
        "consultation_no_budget": load_scenario(scenario_path("consultation")).replace(
            {"street_office.budget_yuan_per_year": 0.0}),
        "planner_high_promises": planner.replace({"behaviour.promise_rate": 0.9}),
        "planner_low_promises": planner.replace({"behaviour.promise_rate": 0.02}),
    }


@pytest.fixture(scope="session")
def batch() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-week steps, per-run final-year means with every metric) for all scenarios above."""
    specs = [RunSpec(name, params, seed) for name, params in _scenarios().items() for seed in PATTERN_SEEDS]
    steps, _ = run_many(specs, workers=2, progress=False)
    metrics = tuple(c for c in steps.columns if c not in ("scenario", "seed", "week"))
    return steps, final_year(steps, metrics)
