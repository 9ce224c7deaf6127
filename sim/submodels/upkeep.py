"""Submodel 5, use of shared spaces, tie formation, and upkeep of the commons (Ostrom).

Households near a space in use use it in proportion to its fit, its condition, their need
for it and their free time; users meet and form ties. Upkeep comes from users: each
contributing user takes a small turn (a rota) at the spaces it uses; the core (volunteers and
leaders) gives more, to the neighbourhood's shared spaces it uses (a volunteer team keeps the
greenery and the living rooms; a house's kitchen and washroom are kept by their users).
Conditional cooperators give in proportion to what they saw others give, a little less
(imperfect conditional cooperation), so without rules cooperation unravels toward the free
riders' level; maintenance rules (communication and monitoring) raise everyone's chance of
giving. Rules are set by the core, the planner, or the committee's self-management
arrangement, and lapse where no core member monitors. Condition decays without upkeep; a
space worn down to ``worn_out_condition`` goes out of use and needs renewal again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np

from sim.kernels import binomial_from_uniform, link_weighted_mean, poisson_from_uniform, ratio
from sim.neighbourhoods import expand
from sim.population import Rung
from sim.projects import Status
from sim.space import Catchment
from sim.submodels.common import links_of, max_by_household

if TYPE_CHECKING:
    from sim.model import LilongModel

USE_THRESHOLD = 0.05  # weekly use above which a household counts as a user
BELIEF_RETENTION = 0.9  # weight of last week's belief when conditional cooperators update
CORE_PRESENCE = 0.5  # core use at a site above which the core is present there (sets and monitors rules)


def _links_in_use(model: LilongModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Catchment links to spaces in use: household, site, and each link's value this week."""
    pb, c = model.projects, model.catchment
    in_use = pb.status == Status.IN_USE
    key = in_use.tobytes()  # the set of spaces in use changes rarely (1 week in 13 at 20,000 households)
    hh, site, weight = model.cached("live_links", key, lambda: _live_links(c, in_use))
    # Nearness x need changes with the links, the types built and households' needs (monthly moves).
    nearness_need = model.cached("nearness_need", (key, pb.type.tobytes(), model.needs_version),
                                 lambda: _nearness_need(model, hh, site, weight))
    return hh, site, _link_value(model, site, nearness_need)


def _live_links(c: Catchment, in_use: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Household, site and nearness weight of the catchment links to the spaces ``in_use`` (a site
    mask), sorted by household as the catchment is."""
    live = np.flatnonzero(in_use[c.site])  # a tenth of the sites or more: a pass over the links beats a sort
    return c.household[live], c.site[live], c.weight[live]


def _nearness_need(model: LilongModel, hh: np.ndarray, site: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per catchment link: its nearness weight x the household's need for the type built at the site."""
    return weight * model.households.need[hh, model.projects.type[site]]


def _link_value(model: LilongModel, site: np.ndarray, nearness_need: np.ndarray) -> np.ndarray:
    """What a space in use gives a household on its catchment this week: nearness x need x fit x condition."""
    pb = model.projects
    return nearness_need * pb.fit[site] * pb.condition[site]


def _combined(hh: np.ndarray, value: np.ndarray, n: int) -> np.ndarray:
    """Per household (index ``hh``, 0..n-1): 1 - prod(1 - value) over its links, each value capped below 1."""
    return 1 - np.exp(np.bincount(hh, weights=np.log1p(-np.minimum(value, 0.999)), minlength=n))


def delivered_to(model: LilongModel, rows: np.ndarray) -> np.ndarray:
    """What the spaces in use give households ``rows`` (indices) now: 1 - prod(1 - value) over their links."""
    c, pb = model.catchment, model.projects
    links = links_of(c, rows)
    links = links[pb.status[c.site[links]] == Status.IN_USE]
    hh, site = c.household[links], c.site[links]
    value = _link_value(model, site, _nearness_need(model, hh, site, c.weight[links]))
    return _combined(np.searchsorted(rows, hh), value, len(rows))  # rows are sorted


def use_of_spaces(model: LilongModel, first: bool = False) -> None:
    """Weekly use, ties formed (and lapsing as households move away), what each household gets from the
    spaces, and disruption. ``first``: at construction (nothing is in use; no ties are drawn)."""
    h, pb = model.households, model.projects
    n, n_sites = h.n, model.lilong.n_sites
    hh, site, value = _links_in_use(model)
    log_left = np.log1p(-np.minimum(value, 0.999))  # numpy's: numba's log1p and exp differ in the last bit
    use, h.use, pb.users, log_sum, model.site_engaged_share_seen = _use_by_links(
        hh, site, value, log_left, h.time_available, h.rung, int(Rung.CONSULTED), n, n_sites)
    if not first:
        _ties(model)
    h.delivered = 1 - np.exp(log_sum)
    model.link_cache = (hh, site, use)

    h.disruption = _disruption(model)


@numba.njit(cache=True, nogil=True)
def _use_by_links(hh: np.ndarray, site: np.ndarray, value: np.ndarray, log_left: np.ndarray,
                  time_available: np.ndarray, rung: np.ndarray, consulted: int, n: int,
                  n_sites: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Over the links ``hh``, ``site`` to spaces in use, with this week's ``value``: each link's use; use per
    household and per site; per household the sum of ``log_left`` (log(1 - value), for what it gets from
    all its spaces); and the engaged share of each site's use as each household sees it (use-weighted).
    One pass where numpy made eight, the same additions in the same order as the bincounts: the same numbers."""
    use = np.empty(len(hh))
    household_use, site_use, log_sum = np.zeros(n), np.zeros(n_sites), np.zeros(n)
    engaged_use = np.zeros(n_sites)
    for k in range(len(hh)):
        i = hh[k]
        use[k] = value[k] * (0.3 + 0.7 * time_available[i])
        household_use[i] += use[k]
        site_use[site[k]] += use[k]
        log_sum[i] += log_left[k]
        engaged_use[site[k]] += use[k] * (1.0 if rung[i] >= consulted else 0.0)
    share = ratio(engaged_use, site_use)
    return use, household_use, site_use, log_sum, link_weighted_mean(hh, site, use, share, household_use)


def _ties(model: LilongModel) -> None:
    """New ties among users, Poisson(tie rate x use, doubled in self-organised activities); in a week when
    households moved out, each tie lapses with the share that moved (the other may have been one of them).
    One number per household for each (by inversion), whoever uses spaces or moved."""
    h, seg, streams = model.households, model.hseg, model.streams
    rate = model.per_household.behaviour.tie_rate * h.use * (1 + h.in_activity)
    h.meeting_ties += poisson_from_uniform(rate, streams.uniform_over("ties", seg))
    moved = model.flows["moved_in"] > 0
    if moved.any():
        lapse = streams.uniform_over("ties", seg, moved)
        share = expand(model.flows["moved_in"] / seg.sizes, seg)
        h.meeting_ties -= binomial_from_uniform(h.meeting_ties, np.where(expand(moved, seg), share, 0.0), lapse)


def _disruption(model: LilongModel) -> np.ndarray:
    """Per household: the nearness of the closest works under construction (cached while the set of
    works is unchanged, which is most weeks)."""
    pb, c = model.projects, model.catchment
    under_construction = pb.status == Status.UNDER_CONSTRUCTION

    def nearest_works() -> np.ndarray:
        works = np.sort(c.links_of_sites(np.flatnonzero(under_construction)))
        return max_by_household(c.household[works], c.weight[works], model.households.n)

    return model.cached("disruption", under_construction.tobytes(), nearest_works).copy()


def core_presence(model: LilongModel) -> np.ndarray:
    """Per site: whether volunteers or leaders use it enough to organise and monitor there."""
    h = model.households
    hh, site, use = model.link_cache
    core_use = np.bincount(site, weights=use * (h.volunteer | h.leader)[hh], minlength=model.lilong.n_sites)
    return core_use > CORE_PRESENCE


def upkeep(model: LilongModel) -> None:
    """Users give upkeep hours; condition moves with upkeep given against upkeep needed."""
    h, pb, hp, sp = model.households, model.projects, model.per_household, model.per_site
    hh, site, use = model.link_cache
    core = h.volunteer | h.leader
    draw = model.streams.uniform_over("upkeep", model.hseg)  # one number per household, user or not
    projects = hp.projects.dense
    gives, hours, collaborating, pb.upkeep_hours = _upkeep_by_links(
        hh, site, use, model.lilong.site_house[site] < 0, pb.rules, h.use, pb.users, model.is_conditional,
        h.coop_belief, projects.rules_cooperation_boost, hp.population.dense.conditional_match,
        model.fixed_contribution, projects.volunteer_hours_per_week, projects.user_upkeep_hours_per_week,
        h.time_available, core, draw, USE_THRESHOLD, BELIEF_RETENTION, 1 - BELIEF_RETENTION)
    h.contributed = gives
    h.upkeep_hours_week = hours
    h.work_hours_week += hours
    # A rota turn is use, not participation in renewal; the core's organised upkeep is collaboration.
    h.take_part(np.flatnonzero(collaborating), Rung.COLLABORATING, model.week)

    live = pb.status == Status.IN_USE
    needed = model.lilong.site_m2 * sp.projects.upkeep_hours_per_m2
    pb.upkeep_coverage = np.minimum(1.0, pb.upkeep_hours / np.maximum(needed, 1e-9))
    change = (sp.projects.decay_per_week[live] * (1.5 * pb.upkeep_coverage[live] - 1.0)
              + sp.street_office.baseline_upkeep[live])
    # Protected historic fabric weathers whatever residents do, and caps the condition upkeep can hold.
    weathering = live & model.lilong.site_protected
    pb.fabric[weathering] = np.maximum(0.0, pb.fabric[weathering] - sp.projects.heritage_decay_per_week[weathering])
    pb.condition[live] = np.clip(pb.condition[live] + change, 0.0, pb.fabric[live])


@numba.njit(cache=True, nogil=True)
def _upkeep_by_links(hh: np.ndarray, site: np.ndarray, use: np.ndarray, public: np.ndarray, rules: np.ndarray,
                     household_use: np.ndarray, site_use: np.ndarray, conditional: np.ndarray, belief: np.ndarray,
                     rules_boost: np.ndarray, conditional_match: np.ndarray, fixed_contribution: np.ndarray,
                     core_hours: np.ndarray, user_hours: np.ndarray, time_available: np.ndarray, core: np.ndarray,
                     draw: np.ndarray, use_threshold: float, retention: float,
                     learning: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Who gives upkeep this week and how many hours, who of them is the core (collaborating), and the hours
    each site gets; conditional cooperators' ``belief`` updated in place from the share of use by givers
    they saw. Users (use above ``use_threshold``) give with their type's chance, raised by the rules they
    see, if they have the time (``draw`` < chance); the core always gives. The same arithmetic in the same
    order as the array expressions this replaced: the same numbers."""
    n = len(household_use)
    rule_value = np.empty(len(rules))
    for s in range(len(rules)):
        rule_value[s] = 1.0 if rules[s] else 0.0
    rules_seen = link_weighted_mean(hh, site, use, rule_value, household_use)
    gives, collaborating = np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)
    hours = np.zeros(n)
    for i in range(n):
        if household_use[i] > use_threshold:  # only users give
            p = ((1.0 if conditional[i] else 0.0) * (conditional_match[i] * belief[i]) + fixed_contribution[i]
                 + rules_boost[i] * rules_seen[i])
            p = min(max(p, 0.0), 1.0) * (0.4 + 0.6 * time_available[i])
            gives[i] = draw[i] < p or core[i]
            hours[i] = (1.0 if gives[i] else 0.0) * (core_hours[i] if core[i] else user_hours[i])
            collaborating[i] = gives[i] and core[i]
    upkeep_hours, given = _hours_and_givers_by_site(hh, site, use, public, core, hours, gives, n, len(site_use))
    seen = link_weighted_mean(hh, site, use, ratio(given, site_use), household_use)
    for i in range(n):
        if household_use[i] > use_threshold and conditional[i]:
            belief[i] = retention * belief[i] + learning * seen[i]
    return gives, hours, collaborating, upkeep_hours


@numba.njit(cache=True, nogil=True)
def _hours_and_givers_by_site(hh: np.ndarray, site: np.ndarray, use: np.ndarray, public: np.ndarray,
                              core: np.ndarray, hours: np.ndarray, gives: np.ndarray, n: int,
                              n_sites: int) -> tuple[np.ndarray, np.ndarray]:
    """Per site: upkeep hours given (each giver's hours spread over the spaces it keeps, in proportion
    to use: the core's over the neighbourhood's spaces if it uses any, everyone else's over all it
    uses), and the use by those who gave, over the links ``hh``, ``site``, ``use``. The same additions
    in the same order as the bincounts they replaced: the same numbers."""
    public_use = np.zeros(n)
    for k in range(len(hh)):
        public_use[hh[k]] += use[k] * (1.0 if public[k] else 0.0)
    spread = np.empty(len(hh))
    for k in range(len(hh)):
        to_public = core[hh[k]] and public_use[hh[k]] > 0
        spread[k] = use[k] * (1.0 if public[k] else 0.0) if to_public else use[k]
    spread_total = np.zeros(n)
    for k in range(len(hh)):
        spread_total[hh[k]] += spread[k]
    upkeep_hours, given = np.zeros(n_sites), np.zeros(n_sites)
    for k in range(len(hh)):
        share = spread[k] / spread_total[hh[k]] if spread_total[hh[k]] > 0 else 0.0
        upkeep_hours[site[k]] += share * hours[hh[k]]
        given[site[k]] += use[k] * (1.0 if gives[hh[k]] else 0.0)
    return upkeep_hours, given


def wear_out(model: LilongModel) -> None:
    """Spaces worn down to the renewal threshold go out of use and join the sites needing renewal."""
    pb = model.projects
    worn = np.flatnonzero((pb.status == Status.IN_USE)
                          & (pb.condition <= model.per_site.projects.worn_out_condition))
    model.log("worn_out", worn)
    pb.move(worn, Status.IDLE, model.week)
    pb.type[worn] = -1
    pb.rules[worn] = False
    model.flows["worn_out"] += np.bincount(model.sseg.of[worn], minlength=model.k)


def maintenance_rules(model: LilongModel) -> None:
    """Rules are set at spaces in use (by the core, the planner, or self-management) and lapse unmonitored."""
    pb, sp, inst = model.projects, model.per_site, model.institutions
    draw = model.streams.uniform_over("rules", model.sseg)  # one number per site, in use or not
    live = np.flatnonzero(pb.status == Status.IN_USE)  # few: decide for the spaces in use only
    present = core_presence(model)[live]
    per_nb = (np.where(inst.planner_on, model.columns.planner.rules_per_week * inst.talent_spotting, 0.0)
              + np.where(model.columns.platform.self_management_rules, model.columns.platform.rules_per_week, 0.0))
    p = sp.projects.core_rules_per_week[live] * present + per_nb[model.sseg.of[live]]
    rules, chance = pb.rules[live], draw[live]
    new = live[~rules & (chance < p)]
    lapse = live[rules & ~present & (chance < sp.projects.rules_lapse_per_week[live])]
    pb.rules[new] = True
    pb.rules[lapse] = False
    model.log("rules", new)
