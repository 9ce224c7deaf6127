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

import numba
import numpy as np

from sim.neighbourhoods import expand
from sim.population import ExpectationSource, Rung
from sim.projects import Status
from sim.submodels.common import links_of
from sim.submodels.design import adjust_during_construction, design_fit
from sim.submodels.voice import NEAR_WEIGHT, heard_demand, promise

if TYPE_CHECKING:
    from sim.model import LilongModel

MOBILISATION_WEEKS = 1  # from approval to the start of works


def alignment(model: LilongModel) -> np.ndarray:
    """Per neighbourhood, 0-1: how far the office's choices follow voiced needs rather than its own priorities."""
    a = model.institutions.alignment
    plat = model.columns.platform
    return np.where(plat.deliberation, 1 - (1 - a) * (1 - plat.alignment_share), a)


def review(model: LilongModel) -> None:
    """The office of each neighbourhood reviewing this week picks new projects within what is left of its
    year's budget."""
    pb, inst, sseg = model.projects, model.institutions, model.sseg
    interval = model.columns.street_office.review_interval_weeks
    active = (model.week % interval == 0) & (model.week > 0)
    if not active.any():
        return
    # Drawn every review, whatever is idle: the stream stays aligned across scenarios.
    tiebreak = model.streams.uniform_over("review", sseg, active) * 1e-6
    idle = pb.status == Status.IDLE
    active &= sseg.counts(idle) > 0
    if not active.any():
        return
    demand = heard_demand(model) / (model.site_base_cost[:, None] / 10_000)  # voiced need per 10,000 yuan
    top = np.zeros(model.k)
    np.maximum.at(top, sseg.of, demand.max(axis=1))
    demand = demand / np.where(top > 0, top, 1.0)[sseg.of, None]  # scaled to each neighbourhood's largest
    own = expand(model.columns.street_office.own_priority_weight * (1 - alignment(model)), sseg)
    score = own[:, None] * expand(inst.priorities, sseg) + (1 - own[:, None]) * demand
    score = np.where(model.site_allowed & idle[:, None], score, -np.inf)
    best_type = score.argmax(axis=1)
    best = score.max(axis=1) + tiebreak
    pending = (pb.status >= Status.PROPOSED) & (pb.status <= Status.DESIGNED)
    committed = np.bincount(sseg.of[pending], weights=model.site_base_cost[pending], minlength=model.k)
    room = inst.budget_left_yuan - committed
    most = model.columns.street_office.projects_per_review
    chosen = [sseg.start[k] + greedy_within_budget(best[sseg.slice(k)], model.site_base_cost[sseg.slice(k)], room[k],
                                                   int(most[k])) for k in np.flatnonzero(active)]
    sites = np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)
    if len(sites) == 0:
        return
    pb.type[sites] = best_type[sites]
    pb.move(sites, Status.PROPOSED, model.week)
    _announce(model, sites)
    k = best_type[sites]
    pb.voiced[sites] = (1 - own[sites]) * demand[sites, k] > own[sites] * inst.priorities[sseg.of[sites], k]
    model.log("proposed", sites, np.where(pb.voiced[sites], "voiced", "office_priority"))


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
    links = c.links_of_sites(sites)
    near = np.sort(links[c.weight[links] > NEAR_WEIGHT])
    nb = model.hseg.of[c.household[near]]
    draw = model.streams.uniform("announce", np.bincount(nb, minlength=model.k))  # links are grouped by neighbourhood
    read = near[draw < model.per_household.behaviour.notice_read_rate[c.household[near]]]
    model.households.take_part(np.unique(c.household[read]), Rung.INFORMED, model.week)
    expect_from_links(model, read, ExpectationSource.ANNOUNCED)


def expect_from_links(model: LilongModel, links: np.ndarray, source: ExpectationSource) -> None:
    """Households on catchment ``links`` expect, from the best of those links' projects, its value within a year.

    The value expected is ``expected_fit`` x the household's weight x its need for the project's type.
    """
    c, h, pb, b = model.catchment, model.households, model.projects, model.per_household.behaviour
    if len(links) > 1 and (c.household[links[1:]] < c.household[links[:-1]]).any():
        links = links[np.argsort(c.household[links], kind="stable")]  # by household, in order within each
    hh, site = c.household[links], c.site[links]
    value = b.expected_fit[hh] * c.weight[links] * h.need[hh, pb.type[site]]
    best = _best_of_each(hh, value)  # each household's best project (of equal values, the later link)
    best_hh, best_value, best_site = hh[best], value[best], site[best]
    promise(model, best_hh, best_value, model.week + b.expected_delivery_weeks[best_hh], source, best_site)


@numba.njit(cache=True, nogil=True)
def _best_of_each(household: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Positions of each household's largest ``value`` (``household`` sorted; of equal values the later):
    what a stable sort by household and value, taking each household's last entry, picks."""
    best = np.empty(len(household), dtype=np.int64)
    count = 0
    for k in range(len(household)):
        if k > 0 and household[k] == household[k - 1]:
            if value[k] >= value[best[count - 1]]:
                best[count - 1] = k
        else:
            best[count] = k
            count += 1
    return best[:count].copy()


def pipeline_links(model: LilongModel, households: np.ndarray) -> np.ndarray:
    """Catchment links of ``households`` (indices) to projects in the pipeline near them."""
    c, pb = model.catchment, model.projects
    links = links_of(c, households)
    status = pb.status[c.site[links]]
    return links[(status >= Status.PROPOSED) & (status <= Status.UNDER_CONSTRUCTION) & (c.weight[links] > NEAR_WEIGHT)]


def approval_delay(model: LilongModel, sites: np.ndarray) -> np.ndarray:
    """Weeks from a finished design to approval: cut by coordination; heritage review on protected sites."""
    so, nb = model.columns.street_office, model.sseg.of[sites]
    delay = so.approval_delay_weeks * (1 - so.coordination_delay_cut * alignment(model))
    negotiation = np.where(model.institutions.planner_on,
                           model.columns.planner.heritage_negotiation_share * model.institutions.alignment, 0.0)
    heritage = so.heritage_approval_weeks * (1 - negotiation)
    return delay[nb] + heritage[nb] * model.lilong.site_protected[sites]


def progress(model: LilongModel) -> None:
    """Move projects through design, approval, construction and into use."""
    pb, inst, week, sp = model.projects, model.institutions, model.week, model.per_site.projects
    age = week - pb.since

    in_design = pb.status == Status.PROPOSED
    done = np.flatnonzero(in_design & (age >= sp.design_weeks))
    if len(done):
        coverage = design_fit(model, done, model.sseg.counts(in_design))
        pb.move(done, Status.DESIGNED, week)
        model.log("designed", done, np.where(coverage[model.sseg.of[done]] > 0, "planner", "contractor"))

    designed = np.flatnonzero(pb.status == Status.DESIGNED)
    # The office's rule: approve once the approval delay has passed, if funds allow; a person at the office
    # may approve a design at once (still only if funds allow) or hold it; residents' votes (sim.decisions).
    choice, delay = model.decisions.approval(model, designed, approval_delay(model, designed))
    ready = (week - pb.since[designed] >= delay) | (choice == 1)
    waiting = designed[ready & (choice != 0)]
    for s in waiting[np.argsort(pb.since[waiting], kind="stable")]:
        k = int(model.sseg.of[s])
        if pb.cost_yuan[s] <= inst.budget_left_yuan[k]:
            inst.spend(k, pb.cost_yuan[s])
            pb.move(np.array([s]), Status.APPROVED, week)
            model.log("approved", np.array([s]))

    start = np.flatnonzero((pb.status == Status.APPROVED) & (week - pb.since >= MOBILISATION_WEEKS))
    pb.move(start, Status.UNDER_CONSTRUCTION, week)

    building = np.flatnonzero(pb.status == Status.UNDER_CONSTRUCTION)
    adjust_during_construction(model, building)
    finished = building[week - pb.since[building] >= sp.construction_weeks[building]]
    if len(finished):
        pb.move(finished, Status.IN_USE, week)
        pb.condition[finished] = pb.fabric[finished] = 1.0
        nb = model.sseg.of[finished]
        model.flows["completed"] += np.bincount(nb, minlength=model.k)
        model.flows["completed_m2"] += np.bincount(nb, weights=model.lilong.site_m2[finished], minlength=model.k)
        model.log("built", finished)
