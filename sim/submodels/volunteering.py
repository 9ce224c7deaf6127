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

from sim.neighbourhoods import segment_top
from sim.population import CoopType, Rung
from sim.submodels.common import logit, sigmoid
from sim.submodels.participation import propensity
from sim.submodels.upkeep import USE_THRESHOLD

if TYPE_CHECKING:
    from sim.model import LilongModel

DISCOURAGED_EFFICACY = 0.2  # external efficacy below which volunteers lose heart
MAX_QUIT_MULTIPLE = 10.0
EVENING_SHARE = 0.5  # a volunteer's commitment falls half in evenings and at weekends


def recruit(model: LilongModel) -> None:
    """Who is asked to volunteer this week, who says yes, who starts unasked, and who quits.

    Three draws per household each week, whoever asks: one orders whom the team asks, one whom the
    planner asks; the third decides, for the disjoint groups it concerns, whether an asked household says
    yes, an unasked one starts anyway, or a volunteer quits (common random numbers across scenarios).
    """
    h, b, seg, inst = model.households, model.per_household.behaviour, model.hseg, model.institutions
    pool = (h.use > USE_THRESHOLD) & ~h.volunteer & (h.rung >= Rung.INVOLVED)
    attendee = np.zeros(h.n, dtype=bool)
    attendee[model.workshop_attendees] = True
    plat = model.columns.platform
    team_asks = np.where(plat.volunteer_team, plat.team_asks_per_week, 0)
    planner_asks = np.where(inst.planner_on, np.round(model.columns.planner.volunteer_asks_per_week
                                                      * inst.talent_spotting), 0).astype(np.int64)
    streams = model.streams
    team_order, planner_order, draw = (streams.uniform_over("volunteering", seg) for _ in range(3))
    asked = np.zeros(h.n, dtype=bool)
    for candidates, order, k in ((pool, team_order, team_asks), (pool & attendee, planner_order, planner_asks)):
        who = np.flatnonzero(candidates)  # up to k of them in each neighbourhood, those first in random order
        asked[who[segment_top(-order[who], seg.of[who], k)]] = True
    asked[model.leader_invitees[pool[model.leader_invitees]]] = True  # leaders ask the neighbours they approach
    # Everyone asked is in the pool (a small group): decide for the pool's households only.
    pooled = np.flatnonzero(pool)
    willing = h.coop_type[pooled] != CoopType.FREE_RIDER
    was_asked = asked[pooled]
    who = pooled[was_asked & willing]
    accept = np.zeros(0, dtype=np.int64)
    if len(who):
        yes = sigmoid(logit(propensity(model, Rung.COLLABORATING, h.trust_government, invited=1.0,
                                       evening_share=np.full(model.k, EVENING_SHARE), who=who))
                      - b.volunteer_commitment_cost[who])
        accept = who[draw[who] < yes]
    unasked = pooled[~was_asked & willing & (h.belonging[pooled] > 0.5)
                     & (draw[pooled] < b.spontaneous_volunteer_per_week[pooled])]
    join = np.union1d(accept, unasked)  # disjoint: asked or not
    volunteers = np.flatnonzero(h.volunteer & ~h.leader)  # disjoint from the pool
    discouraged = sigmoid(-20 * (h.external_efficacy[volunteers] - DISCOURAGED_EFFICACY))
    quit_rate = b.volunteer_quit_per_week[volunteers] * (1 + (MAX_QUIT_MULTIPLE - 1) * discouraged)
    quits = volunteers[draw[volunteers] < quit_rate]
    join, quits = model.decisions.volunteering(join, quits, h.volunteer, h.leader)  # a person's choice
    h.take_part(join, Rung.COLLABORATING, model.week)
    h.volunteer[quits] = False
    h.volunteer[join] = True

