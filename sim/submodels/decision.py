"""Submodel 3, official decision and funding: reviews, approval delay, budget, works.

Every ``review_interval_weeks`` the street office scores each idle, unprotected site
and each improvement type it allows: a mix of the office's own priorities and the
needs it has heard. The planner's coordination (and a deliberation platform, where
officials sit with residents) shifts that mix toward voiced needs and shortens the
approval delay. Projects then move: proposed -> designed -> approved (when budget is
left this year) -> under construction -> in use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import Rung
from sim.projects import Status
from sim.submodels.design import adjust_during_construction, design_fit
from sim.submodels.voice import heard_demand

if TYPE_CHECKING:
    from sim.model import LilongModel

PLATFORM_ALIGNMENT = 0.3  # share of the remaining gap a deliberation platform closes
DELAY_CUT_AT_FULL_ALIGNMENT = 0.6  # share of the approval delay coordination can remove
MOBILISATION_WEEKS = 1  # from approval to the start of works


def alignment(model: LilongModel) -> float:
    """0-1: how far the office's choices follow voiced needs rather than its own priorities."""
    a = model.planner.alignment if model.planner is not None else 0.0
    if model.committee.platform.deliberation:
        a = 1 - (1 - a) * (1 - PLATFORM_ALIGNMENT)
    return a


def review(model: LilongModel, rng: np.random.Generator) -> None:
    """The office picks new projects within what is left of this year's budget."""
    office, pb = model.office, model.projects
    interval = office.params.review_interval_weeks
    if model.week == 0 or model.week % interval != 0:
        return
    idle = (pb.status == Status.IDLE) & ~model.lilong.site_heritage_locked
    if not idle.any():
        return
    demand = heard_demand(model)
    if demand.max() > 0:
        demand = demand / demand.max()
    own = office.params.own_priority_weight * (1 - alignment(model))
    score = own * office.priorities[None, :] + (1 - own) * demand
    score = np.where(model.site_allowed & idle[:, None], score, -np.inf)
    best_type = score.argmax(axis=1)
    best = score.max(axis=1) + rng.random(len(best_type)) * 1e-6
    pending = (pb.status >= Status.PROPOSED) & (pb.status <= Status.DESIGNED)
    room = office.budget_left_yuan - model.site_base_cost[pending].sum()
    chosen = []
    for s in np.argsort(-best):
        if not np.isfinite(best[s]) or len(chosen) == office.params.projects_per_review:
            break
        if model.site_base_cost[s] <= room:
            chosen.append(s)
            room -= model.site_base_cost[s]
    if not chosen:
        return
    sites = np.array(chosen)
    pb.type[sites] = best_type[sites]
    pb.move(sites, Status.PROPOSED, model.week)
    _announce(model, sites, rng)
    for s in sites:
        k = best_type[s]
        voiced = (1 - own) * demand[s, k] > own * office.priorities[k]
        model.log("proposed", site=int(s), detail="voiced" if voiced else "office_priority")


def _announce(model: LilongModel, sites: np.ndarray, rng: np.random.Generator) -> None:
    """The committee posts a notice of new projects to the households around them."""
    c, h = model.catchment, model.households
    near = np.isin(c.site, sites) & (c.weight > 0.3)
    who = np.unique(c.household[near])
    who = who[rng.random(len(who)) < model.params.behaviour.notice_read_rate]
    h.take_part(who, Rung.INFORMED, model.week)


def progress(model: LilongModel) -> None:
    """Move projects through design, approval, construction and into use."""
    pb, office, week = model.projects, model.office, model.week
    age = week - pb.since

    in_design = pb.status == Status.PROPOSED
    done = np.flatnonzero(in_design & (age >= model.params.projects.design_weeks))
    if len(done):
        coverage = design_fit(model, done, int(in_design.sum()))
        pb.move(done, Status.DESIGNED, week)
        for s in done:
            model.log("designed", site=int(s), detail="planner" if coverage > 0 else "contractor")

    delay = office.params.approval_delay_weeks * (1 - DELAY_CUT_AT_FULL_ALIGNMENT * alignment(model))
    waiting = np.flatnonzero((pb.status == Status.DESIGNED) & (week - pb.since >= delay))
    for s in waiting[np.argsort(pb.since[waiting], kind="stable")]:
        if pb.cost_yuan[s] <= office.budget_left_yuan:
            office.spend(pb.cost_yuan[s])
            pb.move(np.array([s]), Status.APPROVED, week)
            model.log("approved", site=int(s))

    start = np.flatnonzero((pb.status == Status.APPROVED) & (week - pb.since >= MOBILISATION_WEEKS))
    pb.move(start, Status.UNDER_CONSTRUCTION, week)

    building = np.flatnonzero(pb.status == Status.UNDER_CONSTRUCTION)
    adjust_during_construction(model, building)
    finished = building[week - pb.since[building] >= model.params.projects.construction_weeks]
    if len(finished):
        pb.move(finished, Status.IN_USE, week)
        pb.condition[finished] = 1.0
        model.flows["completed"] += len(finished)
        for s in finished:
            model.log("built", site=int(s))
