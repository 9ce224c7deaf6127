"""Submodel 7, feedback: promises kept or broken; efficacy and trust follow delivery; leaders emerge.

A household that gave voice, or heard of a project announced near it, or worked on one at a
workshop, holds an expectation with a due date, tied to that project's site or, for voice
alone, to any project meeting one of its main needs (submodels 2 and 3). It is *answered*
when that project is delivered, or when what it gets from shared spaces has visibly risen:
external efficacy and trust rise. How high its hopes were does not decide whether it was
answered; it only sets the reference satisfaction judges delivery against. While a project for it is
visibly in the pipeline the household keeps waiting. If the due date passes with nothing
delivered and nothing under way, the promise is broken: those who had spoken are *ignored*,
and efficacy and trust fall, by more than an answer raises them (Finkel 1985; Slovic 1993).
Either way, the promised value becomes the reference satisfaction judges delivery against
(Van Ryzin 2004). Informed households who see a project delivered near them that answers
voiced needs (not the office's own priority) gain a little efficacy and trust too. Leaders
(governance talents) emerge from those collaborating (the core and the platform's regulars),
faster where a planner spots and grows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.neighbourhoods import expand
from sim.population import INITIAL_PLANNER_TRUST, NEVER, Households, Rung
from sim.projects import Status
from sim.submodels.common import links_of
from sim.submodels.voice import MAIN_NEED_SHARE, NEAR_WEIGHT, Ledger

if TYPE_CHECKING:
    from sim.model import LilongModel

RECENT_RETENTION = 0.97  # weekly fading of "recently answered / ignored"
RESPONSE_GAIN = 0.05  # a rise in delivered value this large is a visible response (however high the hopes)
INTERNAL_EFFICACY_DRIFT = 0.02  # share of the gap to knowledge closed each week: skills become confidence
LEADER_MIN_EFFICACY = 0.5
LEADER_MIN_TIES = 3
LEADER_MIN_KNOWLEDGE = 0.3


def served_by(model: LilongModel, sites: np.ndarray, main_need_only: bool = True,
              among: np.ndarray | None = None) -> np.ndarray:
    """Households (of ``among``, sorted indices, if given) living near any of ``sites`` (a bool mask), if
    ``main_need_only`` only where its type meets one of their main needs."""
    h, pb, c = model.households, model.projects, model.catchment
    if among is None:
        links = c.links_of_sites(np.flatnonzero(sites))
    else:
        links = links_of(c, among)
        links = links[sites[c.site[links]]]
    links = links[c.weight[links] > NEAR_WEIGHT]
    hh, site = c.household[links], c.site[links]
    if main_need_only:
        hh = hh[h.need[hh, pb.type[site]] >= MAIN_NEED_SHARE * model.largest_need[hh]]
    served = np.zeros(h.n, dtype=bool)
    served[hh] = True
    return served


def responsiveness(model: LilongModel) -> None:
    h, b, pb = model.households, model.per_household.behaviour, model.projects
    revert_to_disposition(h, b.disposition_reversion_per_week)
    h.answered_recent *= RECENT_RETENTION
    h.ignored_recent *= RECENT_RETENTION
    new = (pb.status == Status.IN_USE) & (pb.since == model.week)
    pipeline = (pb.status >= Status.PROPOSED) & (pb.status <= Status.UNDER_CONSTRUCTION)
    # Only households holding an expectation can be answered or ignored (about a fifth): work on those.
    pending = np.flatnonzero(h.promised_due != NEVER)
    tied = h.promised_site[pending] >= 0
    site = np.maximum(h.promised_site[pending], 0)
    gained = h.delivered[pending] - h.promised_base[pending] >= RESPONSE_GAIN
    kept = gained | (tied & new[site])
    loose = ~tied & ~kept
    if new.any() and loose.any():  # voice alone: a project meeting a main need delivered near it answers it
        kept[loose] = served_by(model, new, among=pending[loose])[pending[loose]]
    due = (model.week >= h.promised_due[pending]) & ~kept
    # Still waiting if what it waits for is visibly under way: its site, or (voice alone) a project
    # meeting a main need near it.
    under_way = np.where(tied, pipeline[site], served_by(model, pipeline, among=pending[due & ~tied])[pending])
    broken = due & ~under_way
    awaiting = h.awaiting_since[pending] != NEVER
    settled = pending[kept | broken]
    answered = pending[awaiting & kept]
    ignored = pending[awaiting & broken]

    count_settled(model, pending[kept], pending[broken])
    model.flows["voice_answered"] += model.hseg.counts_of(answered)
    model.flows["voice_ignored"] += model.hseg.counts_of(ignored)

    h.expectation[settled] = np.maximum(h.expectation[settled], h.promised_value[settled])
    h.promised_value[settled] = 0.0
    h.promised_due[settled] = NEVER
    h.promised_site[settled] = -1
    h.promised_source[settled] = -1

    learn_from_voice(h, b, answered, ignored)
    # Those the planner met credit it with an answer, and blame it in part for being ignored.
    up = answered[(h.last_visit[answered] != NEVER) & model.planner_here[answered]]
    down = ignored[(h.last_visit[ignored] != NEVER) & model.planner_here[ignored]]
    h.trust_planner[up] += b.trust_gain[up] * (1 - h.trust_planner[up])
    h.trust_planner[down] -= b.planner_blame_share[down] * b.trust_loss[down] * h.trust_planner[down]
    # Seeing neighbours' requests answered: officials respond to residents (Finkel's external efficacy).
    delivered_voiced = new & pb.voiced
    if delivered_voiced.any():
        seen = served_by(model, delivered_voiced, main_need_only=False) & (h.rung >= Rung.INFORMED)
        seen[answered] = False
        seen = np.flatnonzero(seen)
        h.external_efficacy[seen] += b.vicarious_gain[seen] * (1 - h.external_efficacy[seen])
        h.trust_government[seen] += b.vicarious_gain[seen] * (1 - h.trust_government[seen])
    h.answered_recent[answered] = 1.0
    h.ignored_recent[ignored] = 1.0
    h.awaiting_since[answered] = NEVER
    h.awaiting_since[ignored] = NEVER
    h.internal_efficacy += INTERNAL_EFFICACY_DRIFT * np.maximum(0.0, h.knowledge - h.internal_efficacy)


def count_settled(model: LilongModel, kept: np.ndarray, broken: np.ndarray) -> None:
    """Add the expectations settled this week (households ``kept``, ``broken``) to the ledger, by source."""
    h, nb = model.households, model.hseg.of
    np.add.at(model.ledger, (nb[kept], h.promised_source[kept], Ledger.KEPT), 1)
    np.add.at(model.ledger, (nb[broken], h.promised_source[broken], Ledger.BROKEN), 1)
    np.add.at(model.ledger, (nb[kept], h.promised_source[kept], Ledger.KEPT_WEEKS), model.week - h.promised_since[kept])


def learn_from_voice(h: Households, b: Any, answered: np.ndarray, ignored: np.ndarray) -> None:
    """Households ``answered`` gain ``efficacy_gain`` and ``trust_gain`` of the gap to 1; those ``ignored`` lose
    ``efficacy_loss`` and ``trust_loss`` of their level (external efficacy and trust in government). ``b``:
    the behaviour parameters per household (``model.per_household.behaviour``)."""
    h.external_efficacy[answered] += b.efficacy_gain[answered] * (1 - h.external_efficacy[answered])
    h.trust_government[answered] += b.trust_gain[answered] * (1 - h.trust_government[answered])
    h.external_efficacy[ignored] -= b.efficacy_loss[ignored] * h.external_efficacy[ignored]
    h.trust_government[ignored] -= b.trust_loss[ignored] * h.trust_government[ignored]


def revert_to_disposition(h: Households, rate: np.ndarray | float) -> None:
    """Experience fades: trust in government, external efficacy and trust in the planner close ``rate`` of
    the gap to each household's dispositional level (the planner's: the level a newcomer starts at)."""
    h.trust_government += rate * (h.trust_disposition - h.trust_government)
    h.external_efficacy += rate * (h.efficacy_disposition - h.external_efficacy)
    h.trust_planner += rate * (INITIAL_PLANNER_TRUST - h.trust_planner)


def steady_level(disposition: float | np.ndarray, rate: float, up_per_week: float | np.ndarray,
                 down_per_week: float | np.ndarray) -> float | np.ndarray:
    """The level trust (or external efficacy) settles at under a constant regime.

    Each week the level closes ``rate`` of its gap to the disposition d; events close ``up_per_week`` of
    the gap to 1 (answers: their weekly rate x ``trust_gain``; seeing neighbours answered: x
    ``vicarious_gain``) and remove ``down_per_week`` of the level (times ignored x ``trust_loss``). In
    expectation the level t stops moving where rate (d - t) + up (1 - t) - down t = 0, that is at
    (rate d + up) / (rate + up + down), approached with a time constant of 1 / (rate + up + down) weeks.
    """
    return (rate * disposition + up_per_week) / (rate + up_per_week + down_per_week)


def leaders(model: LilongModel) -> None:
    h, b, inst = model.households, model.per_household.behaviour, model.institutions
    spotting = expand(np.where(inst.planner_on, inst.talent_spotting, 0.0), model.hseg)
    eligible = ((h.rung >= Rung.COLLABORATING) & ~h.leader & (h.internal_efficacy > LEADER_MIN_EFFICACY)
                & (h.knowledge > LEADER_MIN_KNOWLEDGE) & (h.meeting_ties >= LEADER_MIN_TIES))
    rate = b.leader_rate * (b.leader_base_factor + spotting)
    draw = model.streams.uniform_over("leaders", model.hseg)  # eligible households are not leaders: one draw for both
    new = eligible & (draw < rate)
    h.leader = (h.leader & ~(draw < b.leader_step_down_per_week)) | new
    h.volunteer |= h.leader
