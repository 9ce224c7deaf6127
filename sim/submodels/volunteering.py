"""Submodel 5c, the volunteer core: recruitment by those who ask, and attrition.

Nobody sets the core's size. Involved users of shared spaces volunteer when someone asks
them and they are willing (civic voluntarism: "were asked"): the committee's volunteer team,
the planner (among workshop attendees, as far as the planner spots talent), and leaders
(among the neighbours they invite). A few start unasked. Volunteers quit at a base rate, up
to ten times faster when they no longer believe officials respond, and leave when they move
out. The core's size is the balance of the two.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import CoopType, Rung
from sim.submodels.common import logit, sigmoid, uniform
from sim.submodels.participation import propensity
from sim.submodels.upkeep import USE_THRESHOLD

if TYPE_CHECKING:
    from sim.model import LilongModel

DISCOURAGED_EFFICACY = 0.2  # external efficacy below which volunteers lose heart
MAX_QUIT_MULTIPLE = 10.0


def _ask(candidates: np.ndarray, k: int, score: np.ndarray) -> np.ndarray:
    """A bool mask of up to ``k`` candidates: those with the highest random ``score``."""
    who = np.flatnonzero(candidates)
    k = min(k, len(who))
    asked = np.zeros(len(candidates), dtype=bool)
    if k > 0:
        asked[who[np.argpartition(-score[who], k - 1)[:k]]] = True
    return asked


def recruit(model: LilongModel, rng: np.random.Generator) -> None:
    """Who is asked to volunteer this week, who says yes, who starts unasked, and who quits.

    Three draws per household each week, whoever asks: one orders whom the team asks, one whom the
    planner asks; the third decides, for the disjoint groups it concerns, whether an asked household says
    yes, an unasked one starts anyway, or a volunteer quits (common random numbers across scenarios).
    """
    h, b, plat = model.households, model.params.behaviour, model.committee.platform
    pool = (h.use > USE_THRESHOLD) & ~h.volunteer & (h.rung >= Rung.INVOLVED)
    attendee = np.zeros(h.n, dtype=bool)
    attendee[model.workshop_attendees] = True
    team_asks = plat.team_asks_per_week if plat.volunteer_team else 0
    planner_asks = (int(round(model.planner.params.volunteer_asks_per_week * model.planner.talent_spotting))
                    if model.planner is not None else 0)
    team_order, planner_order, draw = uniform(rng, h.n), uniform(rng, h.n), uniform(rng, h.n)
    asked = _ask(pool, team_asks, team_order) | _ask(pool & attendee, planner_asks, planner_order)
    asked[model.leader_invitees[pool[model.leader_invitees]]] = True  # leaders ask the neighbours they approach
    # Everyone asked is in the pool (a small group): decide for the pool's households only.
    pooled = np.flatnonzero(pool)
    willing = h.coop_type[pooled] != CoopType.FREE_RIDER
    was_asked = asked[pooled]
    who = pooled[was_asked & willing]
    accept = np.zeros(0, dtype=np.int64)
    if len(who):
        yes = sigmoid(logit(propensity(model, Rung.COLLABORATING, h.trust_government, invited=1.0,
                                       evening_share=0.5, who=who)) - b.volunteer_commitment_cost)
        accept = who[draw[who] < yes]
    unasked = pooled[~was_asked & willing & (h.belonging[pooled] > 0.5)
                     & (draw[pooled] < b.spontaneous_volunteer_per_week)]
    join = np.union1d(accept, unasked)  # disjoint: asked or not
    h.take_part(join, Rung.COLLABORATING, model.week)
    volunteers = np.flatnonzero(h.volunteer & ~h.leader)  # disjoint from the pool
    discouraged = sigmoid(-20 * (h.external_efficacy[volunteers] - DISCOURAGED_EFFICACY))
    quit_rate = b.volunteer_quit_per_week * (1 + (MAX_QUIT_MULTIPLE - 1) * discouraged)
    h.volunteer[volunteers[draw[volunteers] < quit_rate]] = False
    h.volunteer[join] = True
