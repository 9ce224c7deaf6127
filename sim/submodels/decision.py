"""Submodel 3, official decision and funding: reviews, approval delay, budget, works.

Every ``review_interval_weeks`` the street office scores each idle site and each improvement
type it allows: a mix of the office's own priorities and the needs it has heard, per yuan
the works would cost. The planner's coordination (and a deliberation platform, where
officials sit with residents) shifts that mix toward voiced needs and shortens the approval
delay; on protected sites a heritage approval adds a delay that the planner can negotiate
down. Projects then move: proposed -> designed -> approved (when budget is left this year)
-> under construction -> in use. Announcing a project raises the expectations of the
households it would serve (submodel 6).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import ExpectationSource, Rung
from sim.projects import Status
from sim.submodels.common import links_of, uniform
from sim.submodels.design import adjust_during_construction, design_fit
from sim.submodels.voice import NEAR_WEIGHT, heard_demand, promise

if TYPE_CHECKING:
    from sim.model import LilongModel

MOBILISATION_WEEKS = 1  # from approval to the start of works


def alignment(model: LilongModel) -> float:
    """0-1: how far the office's choices follow voiced needs rather than its own priorities."""
    a = model.planner.alignment if model.planner is not None else 0.0
    plat = model.committee.platform
    if plat.deliberation:
        a = 1 - (1 - a) * (1 - plat.alignment_share)
    return a


def review(model: LilongModel, rng: np.random.Generator) -> None:
    """The office picks new projects within what is left of this year's budget."""
    office, pb = model.office, model.projects
    interval = office.params.review_interval_weeks
    if model.week == 0 or model.week % interval != 0:
        return
    idle = pb.status == Status.IDLE
    tiebreak = uniform(rng, len(idle)) * 1e-6  # drawn every review: the stream stays aligned across scenarios
    if not idle.any():
        return
    demand = heard_demand(model) / (model.site_base_cost[:, None] / 10_000)  # voiced need per 10,000 yuan
    if demand.max() > 0:
        demand = demand / demand.max()
    own = office.params.own_priority_weight * (1 - alignment(model))
    score = own * office.priorities[None, :] + (1 - own) * demand
    score = np.where(model.site_allowed & idle[:, None], score, -np.inf)
    best_type = score.argmax(axis=1)
    best = score.max(axis=1) + tiebreak
    pending = (pb.status >= Status.PROPOSED) & (pb.status <= Status.DESIGNED)
    room = office.budget_left_yuan - model.site_base_cost[pending].sum()
    sites = greedy_within_budget(best, model.site_base_cost, room, office.params.projects_per_review)
    if len(sites) == 0:
        return
    pb.type[sites] = best_type[sites]
    pb.move(sites, Status.PROPOSED, model.week)
    _announce(model, sites)
    for s in sites:
        k = best_type[s]
        pb.voiced[s] = (1 - own) * demand[s, k] > own * office.priorities[k]
        model.log("proposed", site=int(s), detail="voiced" if pb.voiced[s] else "office_priority")


def greedy_within_budget(score: np.ndarray, cost: np.ndarray, budget: float, most: int) -> np.ndarray:
    """Sites taken in order of score (finite scores only), each if it still fits the budget, up to ``most``."""
    order = np.argsort(-score, kind="stable")
    order = order[np.isfinite(score[order])]
    cost = cost[order]
    chosen: list[int] = []
    start = 0
    while len(chosen) < most:
        fits = np.flatnonzero(cost[start:] <= budget)  # the next site, in score order, that still fits
        if len(fits) == 0:
            break
        k = start + fits[0]
        chosen.append(int(order[k]))
        budget -= cost[k]
        start = k + 1
    return np.array(chosen, dtype=np.int64)


def _announce(model: LilongModel, sites: np.ndarray) -> None:
    """The committee notifies the households a new project would serve; they expect its value within a year."""
    c = model.catchment
    links = c.links_of_sites(np.sort(sites))
    near = np.sort(links[c.weight[links] > NEAR_WEIGHT])
    read = near[uniform(model.streams["announce"], len(near)) < model.params.behaviour.notice_read_rate]
    model.households.take_part(np.unique(c.household[read]), Rung.INFORMED, model.week)
    expect_from_links(model, read, ExpectationSource.ANNOUNCED)


def expect_from_links(model: LilongModel, links: np.ndarray, source: ExpectationSource) -> None:
    """Households on catchment ``links`` expect, from the best of those links' projects, its value within a year.

    The value expected is ``expected_fit`` x the household's weight x its need for the project's type.
    """
    c, h, pb, b = model.catchment, model.households, model.projects, model.params.behaviour
    hh, site = c.household[links], c.site[links]
    value = b.expected_fit * c.weight[links] * h.need[hh, pb.type[site]]
    order = np.lexsort((value, hh))  # by household, largest value last: each household's best project
    last = np.r_[hh[order][1:] != hh[order][:-1], True] if len(order) else np.zeros(0, bool)
    best_hh, best_value, best_site = hh[order][last], value[order][last], site[order][last]
    promise(model, best_hh, best_value, model.week + b.expected_delivery_weeks, source, best_site)


def pipeline_links(model: LilongModel, households: np.ndarray) -> np.ndarray:
    """Catchment links of ``households`` (indices) to projects in the pipeline near them."""
    c, pb = model.catchment, model.projects
    links = links_of(c, households)
    status = pb.status[c.site[links]]
    return links[(status >= Status.PROPOSED) & (status <= Status.UNDER_CONSTRUCTION) & (c.weight[links] > NEAR_WEIGHT)]


def approval_delay(model: LilongModel, sites: np.ndarray) -> np.ndarray:
    """Weeks from a finished design to approval: cut by coordination; heritage review on protected sites."""
    sp = model.office.params
    delay = sp.approval_delay_weeks * (1 - sp.coordination_delay_cut * alignment(model))
    negotiation = 0.0
    if model.planner is not None:
        negotiation = model.planner.params.heritage_negotiation_share * model.planner.alignment
    heritage = sp.heritage_approval_weeks * (1 - negotiation)
    return delay + heritage * model.lilong.site_protected[sites]


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

    designed = np.flatnonzero(pb.status == Status.DESIGNED)
    waiting = designed[week - pb.since[designed] >= approval_delay(model, designed)]
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
        pb.condition[finished] = pb.fabric[finished] = 1.0
        model.flows["completed"] += len(finished)
        model.flows["completed_m2"] += float(model.lilong.site_m2[finished].sum())
        for s in finished:
            model.log("built", site=int(s))
