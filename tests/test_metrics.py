"""The weekly reporter's compiled group sums agree with the plain numpy definitions of the metrics."""

from __future__ import annotations

import numpy as np
import pytest

from sim import LilongModel, load_scenario
from sim.group_sums import household_cells
from sim.metrics import GROUP_METRICS, GROUPS, WEEKS_PER_YEAR, observed_rungs
from sim.params import scenario_path
from sim.population import LADDER, Rung


def _groups(model: LilongModel) -> dict[str, np.ndarray]:
    h = model.households
    ages = {name: h.age_group == k for k, name in enumerate(GROUPS[:3])}
    return {**ages, "long_term": ~h.renter, "renter": h.renter}


@pytest.mark.parametrize("scenario", ["planner_platform", "top_down"])
def test_group_columns_are_the_means_within_each_group_after_households_moved(scenario: str) -> None:
    params = load_scenario(scenario_path(scenario)).replace({"population.renter_moves_per_year": 0.5})
    model = LilongModel(params, seed=5)
    before = model.households.age_group.copy(), model.households.renter.copy()
    model.run_weeks(30)
    h = model.households
    moved = (h.age_group != before[0]) | (h.renter != before[1])
    assert moved.any(), "no newcomer changed group: the test would not see stale group cells"
    assert (model.household_cell == household_cells(h.age_group, h.renter)).all()
    got = model.metrics
    rung = observed_rungs(model)
    expected = {  # every grouped metric, from its definition
        "informed_share": rung >= Rung.INFORMED,
        "consulted_share": rung >= Rung.CONSULTED,
        "involved_share": rung >= Rung.INVOLVED,
        "acts_per_household_year": h.acts_week[Rung.CONSULTED:].sum(axis=0) * WEEKS_PER_YEAR,
        "deep_acts_per_household_year": h.acts_week[Rung.INVOLVED:].sum(axis=0) * WEEKS_PER_YEAR,
        "satisfaction_overall": h.satisfaction_overall,
        "satisfaction_living": h.satisfaction_living,
        "delivered": h.delivered,
        "trust_government": h.trust_government,
        "external_efficacy": h.external_efficacy,
        "voice_representation": h.voice_recent / h.voice_recent.sum() * h.n,
    }
    assert set(expected) == set(GROUP_METRICS) | {"voice_representation"}
    for name, values in expected.items():
        if name != "voice_representation":
            assert got[name] == pytest.approx(values.mean(), rel=1e-9)
        for group, members in _groups(model).items():
            assert got[f"{name}__{group}"] == pytest.approx(values[members].mean(), rel=1e-9), (name, group)
    counts = np.bincount(rung, minlength=len(LADDER)) / h.n
    for k, name in enumerate(LADDER):
        assert got[f"ladder_{name}"] == pytest.approx(counts[k], abs=1e-12)
    assert got["collaborating_share"] == pytest.approx((rung >= Rung.COLLABORATING).mean(), abs=1e-12)


def test_household_totals_are_the_plain_means_counts_and_sums() -> None:
    model = LilongModel(load_scenario(scenario_path("planner_platform")), seed=15)
    model.run_weeks(104)
    h, got = model.households, model.metrics
    core = h.volunteer | h.leader
    assert (h.upkeep_hours_week[h.leader] > 0).any() and (h.upkeep_hours_week[h.volunteer & ~h.leader] > 0).any(), \
        "no leader or no other volunteer giving upkeep: the core's sums would not be fully checked"
    expected = {
        "satisfaction_process": h.satisfaction_process.mean(), "expectation": h.expectation.mean(),
        "belonging": h.belonging.mean(), "trust_planner": h.trust_planner.mean(), "core_share": core.mean(),
        "volunteers": h.volunteer.sum(), "leaders": h.leader.sum(), "activity_share": h.in_activity.mean(),
        "core_work_share": h.work_hours_week[core].sum() / h.work_hours_week.sum(),
        "upkeep_hours_per_year": h.upkeep_hours_week.sum() * WEEKS_PER_YEAR,
        "core_upkeep_hours_per_year": h.upkeep_hours_week[core].sum() * WEEKS_PER_YEAR,
        "planner_reach_share": (model.week - h.last_visit < WEEKS_PER_YEAR).mean(),
    }
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, rel=1e-12), name
