from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from sim import LilongModel, Params
from sim.agents import Site
from sim.model import BLAS_THREAD_SETTINGS
from sim.params import load_scenario, scenario_path
from sim.population import LADDER, Resident
from sim.space import CellKind


def test_lilong_holds_every_household_and_candidate_sites_of_each_kind():
    m = LilongModel(Params(), seed=1)
    assert m.households.n == 700
    assert len(m.agents_by_type[Resident]) == 700
    kinds = [s.kind for s in m.agents_by_type[Site]]
    assert set(kinds) == {"activity_room", "attic", "open_plot", "corner", "alley_segment", "house_kitchen",
                          "house_bathroom"}
    # The inventory follows from the neighbourhood: a shared kitchen in every house whose households
    # share one (60% of 700 households, four to a house: over a hundred kitchens).
    sharing_houses = np.unique(m.lilong.household_house[m.households.shared_kitchen])
    assert kinds.count("house_kitchen") == len(sharing_houses) > 100
    per_house = np.bincount(m.lilong.household_house)
    assert set(per_house[per_house > 0]) == {4}  # households_per_house, exactly (700 = 175 x 4)
    layer = m.grid.cell_kind.data
    assert (layer == CellKind.MAIN_ALLEY).any() and (layer == CellKind.BRANCH_ALLEY).any()


def test_resident_handles_are_views_of_the_arrays():
    m = LilongModel(Params(), seed=2)
    r = m.agents_by_type[Resident][10]
    m.households.trust_government[r.index] = 0.123
    assert r.trust_government == 0.123
    assert r.state()["ladder_rung"] in LADDER


def test_location_network_is_symmetric_and_catchment_weights_valid():
    m = LilongModel(Params(), seed=3)
    edges = set(zip(m.net_src.tolist(), m.net_dst.tolist(), strict=True))
    assert all((j, i) in edges for i, j in edges)
    # The grid's 3x3 block sum (used every week) counts the same contacts as the explicit edges.
    np.testing.assert_array_equal(m.loc_degree, np.bincount(m.net_src, minlength=m.households.n))
    assert ((m.catchment.weight > 0) & (m.catchment.weight <= 1)).all()


def test_state_stays_in_range_over_a_run():
    m = LilongModel(load_scenario(scenario_path("planner_platform")), seed=4)
    m.run_weeks(104)
    h = m.households
    for name in ("trust_government", "trust_planner", "external_efficacy", "internal_efficacy",
                 "satisfaction_living", "satisfaction_process", "satisfaction_overall", "belonging"):
        values = getattr(h, name)
        assert ((values >= 0) & (values <= 1)).all(), name
    df = m.dataframe()
    ladder = df[[f"ladder_{r}" for r in LADDER]].sum(axis=1)
    np.testing.assert_allclose(ladder, 1.0)
    assert m.office.spent_yuan <= 3 * m.params.street_office.budget_yuan_per_year


def test_works_on_protected_sites_wait_for_heritage_approval_which_the_planner_shortens():
    from sim.submodels.decision import approval_delay

    for scenario, planner in (("top_down", False), ("planner", True)):
        m = LilongModel(load_scenario(scenario_path(scenario), "hengfu_heritage"), seed=5)
        protected = m.lilong.site_protected
        nb = m.params.neighbourhood
        assert protected.any()
        np.testing.assert_allclose(m.site_base_cost[protected], m.lilong.site_m2[protected]
                                   * m.params.projects.cost_yuan_per_m2 * nb.heritage_cost_multiplier)
        delays = approval_delay(m, np.arange(m.lilong.n_sites))
        extra = delays[protected].mean() - delays[~protected].mean()
        heritage = m.params.street_office.heritage_approval_weeks
        if planner:
            assert 0 < extra < heritage  # negotiated down
        else:
            assert extra == heritage


def test_budget_limits_spending_each_year():
    m = LilongModel(load_scenario(scenario_path("top_down")).replace(
        {"street_office.budget_yuan_per_year": 100_000.0}), seed=6)
    m.run_weeks(51)
    assert m.office.spent_yuan <= 100_000.0


def test_twenty_thousand_households_build_and_step():
    m = LilongModel(Params().replace({"neighbourhood.households": 20_000, "neighbourhood.main_alleys": 20}), 1)
    m.run_weeks(2)
    assert m.households.n == 20_000 and m.lilong.n_sites > 100


def test_heritage_volunteers_keep_protected_spaces_up_in_a_heritage_area():
    """Protected fabric weathers whatever residents do; inspections find it early and the office repairs it.
    Without the volunteers, protected spaces run down and wear out."""
    params = load_scenario(scenario_path("platform"), "hengfu_heritage").replace({"run.weeks": 260})

    def outcome(volunteers: bool, weathering: float) -> tuple[float, int]:
        conditions, repairs = [], 0
        for seed in range(2):
            m = LilongModel(params.replace({"platform.heritage_volunteers": volunteers,
                                            "projects.heritage_decay_per_week": weathering}), seed)
            m.run_weeks(260)
            conditions.append(m.dataframe()["protected_condition"].iloc[-104:].mean())
            repairs += sum(e["event"] == "repaired" for e in m.events)
        return float(np.mean(conditions)), repairs

    weathering = params.projects.heritage_decay_per_week
    result = {volunteers: outcome(volunteers, weathering) for volunteers in (True, False)}
    assert result[True][1] > 0 and result[False][1] == 0
    assert result[True][0] > result[False][0] + 0.15
    # Ablation: without weathering of the protected fabric there is nothing early to find.
    unweathered = {volunteers: outcome(volunteers, 0.0)[0] for volunteers in (True, False)}
    assert abs(unweathered[True] - unweathered[False]) < 0.05


def test_whose_needs_are_served_moves_each_groups_satisfaction():
    """Groups differ by what they need: an office that builds children's play serves the young, one that
    builds elder care serves the retired, and each group's satisfaction follows."""
    from sim.params import IMPROVEMENT_TYPES

    base = load_scenario(scenario_path("top_down")).replace({"run.weeks": 156,
                                                             "street_office.own_priority_weight": 1.0})
    gap = {}
    for favoured in ("childrens_play", "elder_care"):
        priorities = {t: float(t == favoured) for t in IMPROVEMENT_TYPES}
        gaps = []
        for seed in range(3):
            m = LilongModel(base.replace({"street_office.priorities": priorities}), seed)
            m.run_weeks(156)
            last = m.dataframe().iloc[-52:]
            gaps.append((last["satisfaction_overall__young"] - last["satisfaction_overall__retired"]).mean())
        gap[favoured] = np.mean(gaps)
    assert gap["childrens_play"] > 0 > gap["elder_care"]
    assert gap["childrens_play"] - gap["elder_care"] > 0.03


def test_evening_workshops_bring_working_households_in():
    """Working households have little weekday time: workshops held in the evening involve more of them
    (and, relative to them, fewer retirees, who have time either way)."""
    base = load_scenario(scenario_path("planner")).replace({"run.weeks": 104})
    share = {}
    for evening in (0.0, 1.0):
        shares = []
        for seed in range(3):
            m = LilongModel(base.replace({"planner.evening_share": evening}), seed)
            m.run_weeks(104)
            last = m.dataframe().iloc[-52:]
            shares.append((last["involved_share__working"] / last["involved_share__retired"]).mean())
        share[evening] = np.mean(shares)
    assert share[1.0] > 1.3 * share[0.0]


def test_newcomers_are_not_answered_in_the_week_they_move_in():
    """A newcomer's first voice is weighed against what the spaces near its room already give, so
    moving in next to a renewed space is not an answer to anything it asked."""
    m = LilongModel(load_scenario(scenario_path("planner")), seed=3)
    answered_on_arrival = arrivals = 0
    for _ in range(208):
        need = m.households.need.copy()
        m.step()
        moved = np.flatnonzero((m.households.need != need).any(axis=1))
        arrivals += len(moved)
        answered_on_arrival += int((m.households.answered_recent[moved] == 1.0).sum())
    assert arrivals > 100 and answered_on_arrival == 0


def _blas_threads_after_importing_the_model(**env: str) -> int:
    """BLAS threads in a fresh process that imports the model (the test process's environment may
    already carry thread settings: Dask's nannies set OMP_NUM_THREADS)."""
    clean = {k: v for k, v in os.environ.items() if k not in BLAS_THREAD_SETTINGS}
    code = ("import sim.model; from threadpoolctl import threadpool_info; "
            "print(max((p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas'), default=0))")
    out = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
                         check=True)
    if int(out.stdout) == 0:
        pytest.skip("numpy's BLAS is not one threadpoolctl can see (Accelerate on macOS)")
    return int(out.stdout)


def test_importing_the_model_leaves_one_blas_thread_unless_the_user_chose():
    """A second BLAS thread made small matrix products slower and spun on the other core (docs/performance.md)."""
    assert _blas_threads_after_importing_the_model() == 1
    if (os.cpu_count() or 1) >= 2:  # OpenBLAS uses at most one thread a core
        assert _blas_threads_after_importing_the_model(OPENBLAS_NUM_THREADS="2") == 2
