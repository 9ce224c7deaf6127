"""Submodel 5, use of shared spaces, tie formation, and upkeep of the commons (Ostrom).

Households near a space in use use it in proportion to its fit, its condition, their
need for it and their free time; users meet and form ties. Upkeep comes from users:
conditional cooperators give when they see others giving, free riders rarely, the
core (volunteers and leaders) always. Maintenance rules (communication and
monitoring) raise cooperation; they are set where a core exists and someone helps
to set them. Condition decays without upkeep; government baseline upkeep is small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import CoopType, Rung
from sim.projects import Status
from sim.submodels.common import max_by_household, ratio, sigmoid
from sim.submodels.participation import propensity

if TYPE_CHECKING:
    from sim.model import LilongModel

USE_THRESHOLD = 0.05  # weekly use above which a household counts as a user
FREE_RIDER_BASE = 0.02  # a free rider's chance to give without rules
OTHER_CONTRIBUTION = 0.3  # chance for the remaining (non-conditional, non-free-rider) types
CASUAL_SHARE = 0.03  # a casual contributor gives this share of a volunteer's hours
BELIEF_RETENTION = 0.9  # weight of last week's belief when conditional cooperators update
SPONTANEOUS_RULES = 0.005  # weekly chance a core sets rules on its own
PLANNER_RULES = 0.1  # weekly chance, at full facilitation, the planner helps set rules
PLATFORM_RULES = 0.3  # weekly chance under the self-management arrangement
CORE_PRESENCE = 0.5  # core use at a site above which a core exists
VOLUNTEER_QUIT = 0.005  # weekly chance a volunteer (not a leader) stops
SPONTANEOUS_VOLUNTEER = 0.01  # weekly chance a committed, engaged user starts to volunteer


def _links_in_use(model: LilongModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Catchment links to spaces in use: household, site, and each link's value this week."""
    pb, c, h = model.projects, model.catchment, model.households
    in_use = pb.status == Status.IN_USE
    key = in_use.tobytes()
    if model.live_links_cache[0] != key:  # the set of spaces in use changes rarely
        live = np.flatnonzero(in_use[c.site])
        hh, site = c.household[live], c.site[live]
        model.live_links_cache = (key, hh, site, c.weight[live] * h.need[hh, pb.type[site]])
    _, hh, site, weighted_need = model.live_links_cache
    return hh, site, weighted_need * pb.fit[site] * pb.condition[site]


def use_of_spaces(model: LilongModel, rng: np.random.Generator) -> None:
    """Weekly use, ties formed, what each household gets from the spaces, and disruption."""
    h, pb, c = model.households, model.projects, model.catchment
    n, n_sites = h.n, model.lilong.n_sites
    hh, site, value = _links_in_use(model)
    use = value * (0.3 + 0.7 * h.time_available[hh])
    h.use = np.bincount(hh, weights=use, minlength=n)
    pb.users = np.bincount(site, weights=use, minlength=n_sites)
    h.meeting_ties += rng.poisson(model.params.behaviour.tie_rate * h.use)
    h.delivered = 1 - np.exp(np.bincount(hh, weights=np.log1p(-np.minimum(value, 0.999)), minlength=n))

    engaged = (h.rung >= Rung.CONSULTED).astype(float)
    share = ratio(np.bincount(site, weights=use * engaged[hh], minlength=n_sites), pb.users)
    model.site_engaged_share_seen = use_weighted_view(hh, site, use, share, h.use)
    model.link_cache = (hh, site, use)

    works = np.flatnonzero(pb.status[c.site] == Status.UNDER_CONSTRUCTION)
    h.disruption = max_by_household(c.household[works], c.weight[works], n)


def use_weighted_view(hh: np.ndarray, site: np.ndarray, use: np.ndarray, site_share: np.ndarray,
                      household_use: np.ndarray) -> np.ndarray:
    """Use-weighted mean of a per-site share, as each household sees it."""
    total = np.bincount(hh, weights=use * site_share[site], minlength=len(household_use))
    return ratio(total, household_use)


def upkeep(model: LilongModel, rng: np.random.Generator) -> None:
    """Users give upkeep hours; condition moves with upkeep given against upkeep needed."""
    h, pb, pp = model.households, model.projects, model.params.projects
    hh, site, use = model.link_cache
    n_sites = model.lilong.n_sites
    user = h.use > USE_THRESHOLD
    rules_seen = use_weighted_view(hh, site, use, pb.rules.astype(float), h.use)
    boost = pp.rules_cooperation_boost * rules_seen
    p = np.select([h.coop_type == CoopType.CONDITIONAL, h.coop_type == CoopType.FREE_RIDER],
                  [h.coop_belief + boost, FREE_RIDER_BASE + boost], OTHER_CONTRIBUTION)
    p = np.clip(p, 0, 1) * (0.4 + 0.6 * h.time_available)
    core = h.volunteer | h.leader
    gives = user & ((rng.random(h.n) < p) | core)
    hours = gives * pp.volunteer_hours_per_week * np.where(core, 1.0, CASUAL_SHARE)
    h.contributed = gives
    h.work_hours_week += hours
    # Casual upkeep is use, not participation in renewal; the core's organised upkeep is.
    h.take_part(gives & core, Rung.COLLABORATING, model.week)

    share_of_use = ratio(use, h.use[hh])
    pb.upkeep_hours = np.bincount(site, weights=share_of_use * hours[hh], minlength=n_sites)
    given = np.bincount(site, weights=use * gives[hh], minlength=n_sites)
    give_share = ratio(given, pb.users)
    cond = h.coop_type == CoopType.CONDITIONAL
    seen = use_weighted_view(hh, site, use, give_share, h.use)
    h.coop_belief[cond & user] = (BELIEF_RETENTION * h.coop_belief + (1 - BELIEF_RETENTION) * seen)[cond & user]

    live = pb.status == Status.IN_USE
    needed = model.lilong.site_m2 * pp.upkeep_hours_per_m2
    covered = pb.upkeep_coverage = np.minimum(1.0, pb.upkeep_hours / np.maximum(needed, 1e-9))
    change = pp.decay_per_week * (1.5 * covered - 1.0) + model.office.params.baseline_upkeep
    pb.condition[live] = np.clip(pb.condition[live] + change[live], 0.0, 1.0)


def maintenance_rules(model: LilongModel, rng: np.random.Generator) -> None:
    """Where a core uses a space, rules may be set: by the core alone, with the planner, or by design."""
    h, pb = model.households, model.projects
    hh, site, use = model.link_cache
    core_use = np.bincount(site, weights=use * (h.volunteer | h.leader)[hh], minlength=model.lilong.n_sites)
    p = SPONTANEOUS_RULES
    if model.planner is not None:
        p += PLANNER_RULES * model.planner.talent_spotting
    if model.committee.platform.self_management_rules:
        p += PLATFORM_RULES
    new = (pb.status == Status.IN_USE) & ~pb.rules & (core_use > CORE_PRESENCE)
    new &= rng.random(len(new)) < p
    pb.rules |= new
    for s in np.flatnonzero(new):
        model.log("rules", site=int(s))


def volunteering(model: LilongModel, rng: np.random.Generator) -> None:
    """Volunteers join (through a volunteer team, or on their own) and sometimes stop."""
    h, plat = model.households, model.committee.platform
    user = h.use > USE_THRESHOLD
    willing = user & ~h.volunteer & (h.coop_type != CoopType.FREE_RIDER) & (h.rung >= Rung.INVOLVED)
    join = willing & (h.belonging > 0.5) & (rng.random(h.n) < SPONTANEOUS_VOLUNTEER)
    if plat.volunteer_team:
        room = int(plat.volunteer_target_share * h.n) - int(h.volunteer.sum())
        if room > 0:
            prob = propensity(model, Rung.COLLABORATING, h.trust_government, invited=1.0)
            ask = willing & (rng.random(h.n) < prob)
            idx = np.flatnonzero(ask)
            if len(idx) > room:
                idx = rng.choice(idx, size=room, replace=False)
            join[idx] = True
    # Volunteers who no longer believe officials respond quit up to ten times as often.
    discouraged = sigmoid(-20 * (h.external_efficacy - 0.2))
    quit_ = h.volunteer & ~h.leader & (rng.random(h.n) < VOLUNTEER_QUIT * (1 + 9 * discouraged))
    h.volunteer = (h.volunteer | join) & ~quit_
