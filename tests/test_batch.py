"""Batching is an execution choice, never a change of results: each member of a batch (a model of several
neighbourhoods that do not interact) gets exactly the numbers it gets when run alone."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim import LilongModel
from sim.params import DEFAULT_SCENARIOS, load_scenario, scenario_path

PRESETS = ("guizhou_west", "hengfu_heritage")
WEEKS = 130  # past a budget year, a month's moves, reviews, workshops and the first completions


def members() -> list[tuple[str, object, int]]:
    out = []
    for preset in PRESETS:
        for i, name in enumerate(DEFAULT_SCENARIOS):
            out.append((f"{name}/{preset}", load_scenario(scenario_path(name), preset), 40 + i))
    # A point of a sweep beside them: other parameters, another neighbourhood size, the same seed as one above.
    out.append(("planner, 350 households", load_scenario(scenario_path("planner")).replace(
        {"neighbourhood.households": 350, "planner.hours_per_week": 30.0, "behaviour.trust_loss": 0.4}), 43))
    return out


@pytest.fixture(scope="module")
def batch_and_alone():
    cases = members()
    order = list(reversed(range(len(cases))))  # not the order they are listed in
    batch = LilongModel([cases[i][1] for i in order], [cases[i][2] for i in order])
    batch.run_weeks(WEEKS)
    alone = []
    for _, params, seed in cases:
        model = LilongModel(params, seed)
        model.run_weeks(WEEKS)
        alone.append(model)
    return cases, order, batch, alone


def test_every_member_of_a_batch_gets_exactly_its_numbers_alone(batch_and_alone):
    cases, order, batch, alone = batch_and_alone
    for k, i in enumerate(order):
        name = cases[i][0]
        a, b = alone[i].dataframe().to_numpy(), batch.dataframe(k).to_numpy()
        assert a.shape == b.shape and np.array_equal(a, b, equal_nan=True), name
        assert alone[i].events_of(0) == batch.events_of(k), name
        assert np.array_equal(alone[i].ledger[0], batch.ledger[k]), name


def test_full_state_of_each_member_equals_its_state_alone(batch_and_alone):
    cases, order, batch, alone = batch_and_alone
    for k, i in enumerate(order):
        one, rows = alone[i], batch.hseg.slice(k)
        for field in dataclasses.fields(one.households):
            a, b = getattr(one.households, field.name), getattr(batch.households, field.name)
            b = b[:, rows] if a.ndim == 2 and a.shape[0] != one.households.n else b[rows]
            if field.name == "promised_site":  # a site number: the batch's counts the members before it
                b = np.where(b >= 0, b - batch.sseg.start[k], b)
            assert np.array_equal(a, b, equal_nan=True), (cases[i][0], field.name)
        sites = batch.sseg.slice(k)
        for field in dataclasses.fields(one.projects):
            assert np.array_equal(getattr(one.projects, field.name), getattr(batch.projects, field.name)[sites],
                                  equal_nan=True), (cases[i][0], field.name)


def test_a_batch_needs_a_seed_per_member():
    params = load_scenario(scenario_path("planner"))
    with pytest.raises(TypeError, match="2 neighbourhoods need 2"):
        LilongModel([params, params], 3)
