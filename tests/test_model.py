from __future__ import annotations

import numpy as np

from sim import LilongModel, Params
from sim.agents import Site
from sim.compare import scenario_path
from sim.params import load_scenario
from sim.population import LADDER, Resident
from sim.projects import Status
from sim.space import CellKind


def test_lilong_holds_every_household_and_candidate_sites_of_each_kind():
    m = LilongModel(Params(), seed=1)
    assert m.households.n == 700
    assert len(m.agents_by_type[Resident]) == 700
    kinds = {s.kind for s in m.agents_by_type[Site]}
    assert kinds == {"activity_room", "attic", "open_plot", "corner", "alley_segment"}
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


def test_heritage_locked_sites_never_change():
    params = load_scenario(scenario_path("planner"), "hengfu_heritage")
    m = LilongModel(params, seed=5)
    m.run_weeks(156)
    locked = m.lilong.site_heritage_locked
    assert locked.any()
    assert (m.projects.status[locked] == Status.IDLE).all()


def test_budget_limits_spending_each_year():
    m = LilongModel(load_scenario(scenario_path("top_down")).replace(
        {"street_office.budget_yuan_per_year": 100_000.0}), seed=6)
    m.run_weeks(51)
    assert m.office.spent_yuan <= 100_000.0


def test_twenty_thousand_households_build_and_step():
    m = LilongModel(Params().replace({"neighbourhood.households": 20_000, "neighbourhood.main_alleys": 20}), 1)
    m.run_weeks(2)
    assert m.households.n == 20_000 and m.lilong.n_sites > 100
