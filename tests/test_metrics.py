"""The weekly reporter's compiled group sums agree with the plain numpy definitions of the metrics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import LilongModel, load_scenario
from sim.group_sums import household_cells
from sim.kernels import select
from sim.metrics import GROUP_METRICS, GROUPS, WEEKS_PER_YEAR, _tenth_percentile, _top_work_share, observed_rungs
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


@given(st.lists(st.integers(0, 40), min_size=1, max_size=6), st.integers(0, 2**32 - 1), st.booleans())
@settings(max_examples=80, deadline=None)
def test_order_statistics_are_the_plain_definitions(sizes: list[int], seed: int, ties: bool) -> None:
    """The tenth percentile and the top 5%'s share of work, per neighbourhood, from the compiled selection,
    against sorting (ties and neighbourhoods with nobody working included)."""
    rng = np.random.default_rng(seed)
    sizes = [s + 1 for s in sizes]
    start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    draw = (lambda n: rng.integers(0, 4, n) / 4) if ties else rng.random
    satisfaction = draw(start[-1])
    work = np.where(rng.random(start[-1]) < 0.4, draw(start[-1]), 0.0)
    p10, top5 = _tenth_percentile(satisfaction, start), _top_work_share(work, start)
    for k, (a, b) in enumerate(zip(start[:-1], start[1:], strict=True)):
        assert p10[k] == np.sort(satisfaction[a:b])[(b - a) // 10]
        working = np.sort(work[a:b][work[a:b] > 0])
        top = max(1, (b - a) // 20)
        expected = working[-top:].sum() / working.sum() if working.sum() > 0 else np.nan
        np.testing.assert_allclose(top5[k], expected, rtol=1e-12)


@given(st.lists(st.integers(0, 5), min_size=1, max_size=60), st.data())
def test_select_puts_the_kth_smallest_in_place(values: list[int], data: st.DataObject) -> None:
    array = np.array(values, dtype=float)
    k = data.draw(st.integers(0, len(values) - 1))
    chosen = select(array, k)
    assert chosen == sorted(values)[k] == array[k]
    assert (array[:k] <= chosen).all() and (array[k + 1:] >= chosen).all()
    assert sorted(array.tolist()) == sorted(values)
