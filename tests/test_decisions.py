"""The decision seam: a person's choice replaces the model's for that decision only; nothing else moves."""

from __future__ import annotations

import numpy as np

from sim import LilongModel
from sim.params import load_scenario, scenario_path
from sim.population import Rung
from sim.projects import Status


def planner_model(seed: int = 5) -> LilongModel:
    model = LilongModel(load_scenario(scenario_path("planner")), seed)
    model.run_weeks(20)
    return model


def test_with_nothing_decided_a_run_is_the_run_without_people():
    a, b = planner_model(), planner_model()
    b.decisions.force("complain", np.array([3, 4]), 1)
    b.decisions.clear()  # decided, then taken back: the model decides everything again
    a.run_weeks(30)
    b.run_weeks(30)
    assert np.array_equal(a.dataframe().to_numpy(), b.dataframe().to_numpy(), equal_nan=True)


def test_a_household_that_chooses_to_speak_up_does_and_the_others_choose_as_before():
    a, b = planner_model(), planner_model()
    quiet = int(np.flatnonzero(a.households.rung == Rung.UNAWARE)[0])
    b.decisions.force("complain", np.array([quiet]), 1)
    a.step()
    b.step()
    acts_a, acts_b = a.households.acts_week[Rung.CONSULTED], b.households.acts_week[Rung.CONSULTED]
    assert acts_b[quiet] >= 1
    others = np.arange(a.households.n) != quiet
    assert np.array_equal(acts_a[others], acts_b[others])  # the same random numbers decided for everyone else


def test_a_workshop_seat_goes_to_whoever_chose_to_come():
    model = planner_model()
    person = int(np.flatnonzero(model.households.rung <= Rung.INFORMED)[0])
    model.decisions.force("workshop", np.array([person]), 1)
    model.step()
    assert person in model.workshop_attendees
    model.decisions.force("workshop", np.array([person]), 0)
    for _ in range(5):
        model.step()
        assert person not in model.workshop_attendees


def test_the_office_holds_or_approves_a_design_when_its_person_says():
    model = LilongModel(load_scenario(scenario_path("top_down")), 2)
    while not (model.projects.status == Status.DESIGNED).any():
        model.step()
    site = int(np.flatnonzero(model.projects.status == Status.DESIGNED)[0])
    model.decisions.approve[site] = 0  # hold
    for _ in range(40):
        model.step()
    assert model.projects.status[site] == Status.DESIGNED
    model.decisions.approve[site] = 1  # approve now (funds allow at this budget)
    model.step()
    assert model.projects.status[site] >= Status.APPROVED


def test_watching_what_the_model_decides_for_households_changes_nothing():
    a, b = planner_model(), planner_model()
    b.decisions.watch(np.arange(50))
    a.run_weeks(13)
    b.run_weeks(13)
    assert np.array_equal(a.dataframe().to_numpy(), b.dataframe().to_numpy(), equal_nan=True)
    assert {"complain", "volunteer"} <= set(b.decisions.seen) and b.decisions.seen["complain"].shape == (50,)


def test_the_model_s_own_workshop_take_up_is_recorded_after_the_seats_are_filled():
    """The agents "went to a workshop" only if they got a seat: with more who would come than seats, what is
    recorded is who the seats took (with nobody deciding, exactly the week's attendees), not who wanted to."""
    model = planner_model()
    model.change_params({"planner.workshop_capacity": 2, "planner.workstation_capacity": 2})
    everyone = np.arange(model.households.n)
    for _ in range(4):
        model.decisions.watch(everyone)
        model.step()
        went = np.isin(everyone, model.workshop_attendees)
        assert went.any() and np.array_equal(model.decisions.seen["workshop"], went)


def test_the_model_s_own_volunteering_is_recorded_whatever_a_person_forced():
    """What the agents would choose is the model's rule on the run's state, not the person's choice copied:
    households forced to volunteer for a season are recorded as the model alone has them."""
    alone, forced = planner_model(), planner_model()
    watched = np.flatnonzero(~alone.households.volunteer & ~alone.households.leader)[:200]
    for model in (alone, forced):
        model.decisions.watch(watched)
    forced.decisions.force("volunteer", watched, 1)
    alone.run_weeks(13)
    forced.run_weeks(13)
    assert forced.households.volunteer[watched].all()  # the person's choice took effect
    by_model = forced.decisions.seen["volunteer"]
    assert by_model.sum() < len(watched) // 4  # most of them the model would not have volunteer
    assert by_model.sum() <= 2 * alone.decisions.seen["volunteer"].sum() + 5


def test_residents_votes_hold_a_design_or_speed_it():
    def designed() -> tuple[LilongModel, int]:
        model = LilongModel(load_scenario(scenario_path("top_down")), 2)
        while not (model.projects.status == Status.DESIGNED).any():
            model.step()
        return model, int(np.flatnonzero(model.projects.status == Status.DESIGNED)[0])

    (rule, site), (against, _), (support, _) = designed(), designed(), designed()
    against.decisions.votes[site], support.decisions.votes[site] = -2, 1
    weeks = {}
    for label, model in (("rule", rule), ("against", against), ("for", support)):
        for _ in range(60):
            model.step()
            if model.projects.status[site] >= Status.APPROVED:
                weeks[label] = model.week
                break
    assert "against" not in weeks and weeks["for"] < weeks["rule"]
