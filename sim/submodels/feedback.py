"""Submodel 7, feedback: efficacy and trust follow responsiveness; leaders emerge.

A household that gave voice waits for a response: a project taken up near it (proposed
at a review) that meets one of its main needs. An answer raises external efficacy and trust; no answer
within ``response_window_weeks`` lowers them, by more (Finkel 1985; Slovic 1993).
Leaders (governance talents) emerge from the most involved, faster where a planner
spots and grows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import NEVER, Rung
from sim.projects import Status

if TYPE_CHECKING:
    from sim.model import LilongModel

RECENT_RETENTION = 0.97  # weekly fading of "recently answered / ignored"
MAIN_NEED_SHARE = 0.5  # a need at least this share of one's largest need is a main need
NEAR_WEIGHT = 0.3  # catchment weight above which a project is "near"
LEADER_BASE_FACTOR = 0.2  # leaders emerge at this fraction of the rate with no planner
LEADER_STEP_DOWN = 0.003  # weekly chance a leader steps down
LEADER_MIN_EFFICACY = 0.5
LEADER_MIN_TIES = 3
LEADER_MIN_KNOWLEDGE = 0.3


def answered_households(model: LilongModel) -> np.ndarray:
    """Households near a project proposed this week that meets one of their main needs."""
    h, pb, c = model.households, model.projects, model.catchment
    new = (pb.status == Status.PROPOSED) & (pb.since == model.week)
    links = np.flatnonzero(new[c.site] & (c.weight > NEAR_WEIGHT))
    hh, site = c.household[links], c.site[links]
    meets = h.need[hh, pb.type[site]] >= MAIN_NEED_SHARE * model.largest_need[hh]
    answered = np.zeros(h.n, dtype=bool)
    answered[hh[meets]] = True
    return answered


def responsiveness(model: LilongModel) -> None:
    h, b = model.households, model.params.behaviour
    h.answered_recent *= RECENT_RETENTION
    h.ignored_recent *= RECENT_RETENTION
    awaiting = h.awaiting_since != NEVER
    met_planner = h.last_visit != NEVER
    answered = awaiting & answered_households(model)
    ignored = awaiting & ~answered & (model.week - h.awaiting_since >= b.response_window_weeks)

    h.external_efficacy[answered] += b.efficacy_gain * (1 - h.external_efficacy[answered])
    h.trust_government[answered] += b.trust_gain * (1 - h.trust_government[answered])
    h.external_efficacy[ignored] -= b.efficacy_loss * h.external_efficacy[ignored]
    h.trust_government[ignored] -= b.trust_loss * h.trust_government[ignored]
    if model.planner is not None:
        up, down = answered & met_planner, ignored & met_planner
        h.trust_planner[up] += b.trust_gain * (1 - h.trust_planner[up])
        h.trust_planner[down] -= 0.5 * b.trust_loss * h.trust_planner[down]  # a bridge, blamed less
    h.answered_recent[answered] = 1.0
    h.ignored_recent[ignored] = 1.0
    h.awaiting_since[answered | ignored] = NEVER
    # Skills learned carry over into internal efficacy.
    h.internal_efficacy += 0.02 * np.maximum(0.0, h.knowledge - h.internal_efficacy)


def leaders(model: LilongModel, rng: np.random.Generator) -> None:
    h = model.households
    spotting = model.planner.talent_spotting if model.planner is not None else 0.0
    eligible = ((h.rung >= Rung.INVOLVED) & ~h.leader & (h.internal_efficacy > LEADER_MIN_EFFICACY)
                & (h.knowledge > LEADER_MIN_KNOWLEDGE) & (h.meeting_ties >= LEADER_MIN_TIES))
    rate = model.params.behaviour.leader_rate * (LEADER_BASE_FACTOR + spotting)
    new = eligible & (rng.random(h.n) < rate)
    h.leader = (h.leader | new) & ~(rng.random(h.n) < LEADER_STEP_DOWN)
    h.volunteer |= h.leader
