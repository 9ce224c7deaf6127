"""What the model caches between weeks (for speed) always equals a fresh computation."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim import LilongModel, load_scenario
from sim.group_sums import household_cells
from sim.params import scenario_path
from sim.projects import Status
from sim.submodels import upkeep


def _fresh(model: LilongModel, compute: Callable[[LilongModel], object]) -> object:
    """``compute(model)`` with every cache emptied first, then the caches as they were."""
    kept = dict(model.caches)
    model.caches.clear()
    result = compute(model)
    model.caches.clear()
    model.caches.update(kept)
    return result


def test_caches_follow_moves_new_spaces_and_works_under_heavy_turnover() -> None:
    params = load_scenario(scenario_path("planner_platform")).replace(
        {"population.renter_moves_per_year": 0.9, "population.long_term_moves_per_year": 0.3})
    model = LilongModel(params, seed=4)
    seen = {"moves": 0, "in_use_changes": 0, "works_changes": 0}
    in_use_before = works_before = None
    for _ in range(40):
        needs_before = model.needs_version
        model.run_weeks(3)
        h, pb = model.households, model.projects
        seen["moves"] += model.needs_version != needs_before
        in_use, works = pb.status == Status.IN_USE, pb.status == Status.UNDER_CONSTRUCTION
        seen["in_use_changes"] += in_use_before is not None and not np.array_equal(in_use, in_use_before)
        seen["works_changes"] += works_before is not None and not np.array_equal(works, works_before)
        in_use_before, works_before = in_use, works
        assert np.array_equal(model.best_time, np.maximum(h.time_weekday, h.time_evening))
        assert np.array_equal(model.household_cell, household_cells(h.age_group, h.renter))
        for got, fresh in zip(upkeep._links_in_use(model), _fresh(model, upkeep._links_in_use),
                              strict=True):
            assert np.array_equal(got, fresh)
        assert np.array_equal(upkeep._disruption(model), _fresh(model, upkeep._disruption))
    # The checks above met every kind of change the caches must follow.
    assert seen["moves"] > 5 and seen["in_use_changes"] > 2 and seen["works_changes"] > 2, seen
