"""Submodel 1, participation choice: can, want to, were asked (civic voluntarism) + thresholds.

``propensity`` gives each household's chance of taking up an opportunity of a given depth
this week; the channels (``sim.submodels.channels``) decide who has which opportunity. Free
time counts at the time the opportunity is held (office hours or evenings) and counts less
for shallow acts (a survey takes minutes, a workshop hours). ``update_ladder`` turns recent
activity into the rung that organisers and neighbours see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np

from sim.neighbourhoods import segment_top
from sim.population import Rung
from sim.submodels.common import sigmoid, sigmoid_of_minus

if TYPE_CHECKING:
    from sim.model import LilongModel

SOCIAL_STEEPNESS = 0.03  # width of the threshold step, in share of contacts (a near-step, Granovetter)


def social_exposure(model: LilongModel) -> np.ndarray:
    """Share of each household's contacts who took part recently (consulted or deeper).

    Contacts are neighbours by location (same or Moore-adjacent house, as in
    ``model.net_src``/``net_dst``; counted here on the grid as a 3x3 sum, which is the
    same set) plus people met in shared spaces, the latter weighted by ties formed there.
    """
    h = model.households
    engaged = (h.rung >= Rung.CONSULTED).astype(float)
    # model.site_engaged_share_seen: the engaged share among users of one's shared spaces
    return _exposure(model.house_block_sum(engaged), engaged, model.loc_degree, h.meeting_ties,
                     model.site_engaged_share_seen)


@numba.njit(cache=True, nogil=True)
def _exposure(block: np.ndarray, engaged: np.ndarray, degree: np.ndarray, ties: np.ndarray,
              met_share: np.ndarray) -> np.ndarray:
    # One pass; the same operations in the same order as the array expressions it replaced.
    out = np.empty(len(block))
    for i in range(len(block)):
        near_share = (block[i] - engaged[i]) / degree[i] if degree[i] > 0 else 0.0  # neighbours, not oneself
        w = ties[i] / (ties[i] + degree[i] + 1e-9)  # weight of the people met in shared spaces
        out[i] = (1 - w) * near_share + w * met_share[i]
    return out


def weekly_disposition(model: LilongModel) -> None:
    """The part of every household's participation logit that does not depend on the opportunity.

    Computed once at the start of each week from the state then: health, motivation, efficacy
    and the social threshold effect. Channels add time, trust, invitation and depth.
    """
    h, b = model.households, model.per_household.behaviour.dense
    above = sigmoid((model.exposure - h.threshold) / SOCIAL_STEEPNESS)
    model.disposition = _disposition(above, model.largest_need, h.delivered, h.health, h.interest,
                                     h.external_efficacy, h.internal_efficacy, b.base_logit, b.weight_health,
                                     b.weight_need, b.weight_interest, b.weight_efficacy,
                                     b.weight_internal_efficacy, b.weight_social)


@numba.njit(cache=True, nogil=True)
def _disposition(above: np.ndarray, largest_need: np.ndarray, delivered: np.ndarray, health: np.ndarray,
                 interest: np.ndarray, external_efficacy: np.ndarray, internal_efficacy: np.ndarray,
                 base_logit: np.ndarray, w_health: np.ndarray, w_need: np.ndarray, w_interest: np.ndarray,
                 w_efficacy: np.ndarray, w_internal_efficacy: np.ndarray, w_social: np.ndarray) -> np.ndarray:
    # One pass; the weights are each household's neighbourhood's.
    out = np.empty(len(above))
    for i in range(len(out)):
        unmet = largest_need[i] * (1.0 - delivered[i])
        out[i] = (base_logit[i] + w_health[i] * health[i] + w_need[i] * unmet + w_interest[i] * interest[i]
                  + w_efficacy[i] * external_efficacy[i] + w_internal_efficacy[i] * internal_efficacy[i]
                  + w_social[i] * above[i])
    return out


def propensity(model: LilongModel, depth: int, trust: np.ndarray, invited: np.ndarray | float = 0.0,
               evening_share: np.ndarray | None = None, who: np.ndarray | None = None) -> np.ndarray:
    """Probability that each household (or each of the households ``who``, indices) takes up an
    opportunity at ``depth`` this week.

    ``evening_share``: per neighbourhood, the share of sessions held in evenings or at weekends (the rest
    in office hours); ``None`` for acts done at one's convenience (a survey form, a complaint, a visit at
    home).
    """
    h, b = model.households, model.per_household.behaviour.dense
    rows = slice(None) if who is None else who
    disposition, trust = model.disposition[rows], trust[rows]
    invited = invited[rows] if isinstance(invited, np.ndarray) else np.full(len(disposition), float(invited))
    depth_term = b.depth_cost[rows] * max(0, depth - Rung.CONSULTED)
    w_time = b.weight_time[rows] * (b.shallow_time_share[rows] if depth <= Rung.CONSULTED else 1.0)
    w_trust, w_invitation = b.weight_trust[rows], b.weight_invitation[rows]

    def chance(free_time: np.ndarray) -> np.ndarray:  # the compiled pass gives -logit; numpy's exp stays
        return sigmoid_of_minus(_minus_logit(disposition, trust, invited, free_time, w_trust, w_invitation,
                                             depth_term, w_time))

    if evening_share is None:
        return chance(model.best_time[rows])
    evening = evening_share[model.hseg.of[rows]]
    return (1 - evening) * chance(h.time_weekday[rows]) + evening * chance(h.time_evening[rows])


@numba.njit(cache=True, nogil=True)
def _minus_logit(disposition: np.ndarray, trust: np.ndarray, invited: np.ndarray, free_time: np.ndarray,
                 w_trust: np.ndarray, w_invitation: np.ndarray, depth_term: np.ndarray,
                 w_time: np.ndarray) -> np.ndarray:
    out = np.empty(len(disposition))
    for i in range(len(out)):
        out[i] = -((disposition[i] + w_trust[i] * trust[i] + w_invitation[i] * invited[i] - depth_term[i])
                   + w_time[i] * free_time[i])
    return out


def invited_now(model: LilongModel) -> np.ndarray:
    """1.0 for households holding a personal invitation (from the planner, a leader or a neighbour)."""
    return (model.households.invited_until >= model.week).astype(float)


def choose(model: LilongModel, eligible: np.ndarray, prob: np.ndarray, seats: np.ndarray | None, take: np.ndarray,
           priority: np.ndarray | None = None, choice: str | None = None) -> np.ndarray:
    """Which of the ``eligible`` households (sorted indices) take part, each with its chance ``prob``: at
    most ``seats[k]`` of neighbourhood k's (``None``: no limit), those with the lowest ``priority`` if
    oversubscribed. ``take`` and ``priority`` are one draw per household (the stream's whole week, whoever
    is eligible: common random numbers). Where a person decides the household's ``choice``
    (sim.decisions), theirs replaces the model's, and those who chose to come are seated first. Returns
    sorted indices. What the model's rule alone seats is what sim.decisions records for the watched."""
    by_model = take[eligible] < prob
    seated = None if seats is None else lambda i: i[segment_top(priority[i], model.hseg.of[i], seats)]
    idx = eligible[model.decisions.take_up(choice, eligible, by_model, seated) if choice else by_model]
    if seats is None or len(idx) == 0:
        return idx
    nb = model.hseg.of[idx]
    if (np.bincount(nb, minlength=model.k) <= seats).all():
        return idx
    keys = priority[idx] - 2.0 * model.decisions.wants(choice)[idx] if choice else priority[idx]
    return idx[segment_top(keys, nb, seats)]


def learn(model: LilongModel, idx: np.ndarray, facilitation: np.ndarray) -> None:
    """Facilitated participation teaches: planning knowledge and, more slowly, confidence (internal efficacy).
    ``facilitation``: per neighbourhood."""
    h = model.households
    gain = model.per_household.behaviour.knowledge_gain[idx] * facilitation[model.hseg.of[idx]]
    h.knowledge[idx] += gain * (1 - h.knowledge[idx])
    h.internal_efficacy[idx] += 0.5 * gain * (1 - h.internal_efficacy[idx])


def update_ladder(model: LilongModel) -> None:
    """Rung = deepest act still remembered by neighbours and organisers; leaders stay leading."""
    h, b = model.households, model.per_household.behaviour
    rung = h.deepest_recent_rung(model.week, b.informed_memory_weeks, b.activity_memory_weeks)
    rung[h.leader] = Rung.LEADING
    h.rung[:] = rung
    model.exposure = social_exposure(model)
