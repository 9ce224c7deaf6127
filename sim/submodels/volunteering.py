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
from sim.submodels.common import logit, sigmoid
from sim.submodels.participation import propensity
from sim.submodels.upkeep import USE_THRESHOLD

if TYPE_CHECKING:
    from sim.model import LilongModel

DISCOURAGED_EFFICACY = 0.2  # external efficacy below which volunteers lose heart
MAX_QUIT_MULTIPLE = 10.0


def _ask(candidates: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """A bool mask of up to ``k`` candidates, chosen at random (one draw per household: aligned streams)."""
    score = np.where(candidates, rng.random(len(candidates)), -1.0)
    k = min(k, int(candidates.sum()))
    asked = np.zeros(len(candidates), dtype=bool)
    if k > 0:
        asked[np.argpartition(-score, k - 1)[:k]] = True
    return asked


def recruit(model: LilongModel, rng: np.random.Generator) -> None:
    """Who is asked to volunteer this week, who says yes, who starts unasked, and who quits."""
    h, b, plat = model.households, model.params.behaviour, model.committee.platform
    pool = (h.use > USE_THRESHOLD) & ~h.volunteer & (h.rung >= Rung.INVOLVED)
    attendee = np.zeros(h.n, dtype=bool)
    attendee[model.workshop_attendees] = True
    team_asks = plat.team_asks_per_week if plat.volunteer_team else 0
    planner_asks = (int(round(model.planner.params.volunteer_asks_per_week * model.planner.talent_spotting))
                    if model.planner is not None else 0)
    # Both asks draw every week, asking or not, so the stream stays aligned across scenarios.
    asked = _ask(pool, team_asks, rng) | _ask(pool & attendee, planner_asks, rng)
    asked[model.leader_invitees[pool[model.leader_invitees]]] = True  # leaders ask the neighbours they approach
    willing = h.coop_type != CoopType.FREE_RIDER
    yes = sigmoid(logit(propensity(model, Rung.COLLABORATING, h.trust_government, invited=1.0, evening_share=0.5))
                  - b.volunteer_commitment_cost)
    accept = asked & willing & (rng.random(h.n) < yes)
    unasked = (pool & willing & (h.belonging > 0.5)
               & (rng.random(h.n) < b.spontaneous_volunteer_per_week))
    join = accept | unasked
    h.take_part(join, Rung.COLLABORATING, model.week)
    discouraged = sigmoid(-20 * (h.external_efficacy - DISCOURAGED_EFFICACY))
    quit_rate = b.volunteer_quit_per_week * (1 + (MAX_QUIT_MULTIPLE - 1) * discouraged)
    quit_ = h.volunteer & ~h.leader & (rng.random(h.n) < quit_rate)
    h.volunteer = (h.volunteer | join) & ~quit_
