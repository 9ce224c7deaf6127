"""Submodel 6, satisfaction: expectation-disconfirmation plus procedural satisfaction.

Living satisfaction follows what is delivered *relative to what was expected* (Van Ryzin
2004): giving voice and hearing of a project announced nearby create expectations tied to a
due date (submodels 2 and 3); when a promise falls due, delivered or not, it becomes the
reference delivery is judged against (submodel 7), and expectations then drift toward what
is actually delivered. Process satisfaction follows being heard, answered and ignored.
Overall satisfaction weighs process by trust in government (Tyler; Wu & Wu 2015): voice
softens a poor outcome only where trust is high.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import Households, Rung
from sim.submodels.voice import HEARD_LEVEL

if TYPE_CHECKING:
    from sim.model import LilongModel

TIES_FOR_FULL_BELONGING = 10  # ties formed in shared spaces that max out that component
# Belonging target: a base plus ties, use of shared spaces, taking part, and shared activities.
BELONGING_BASE, BELONGING_TIES, BELONGING_USE, BELONGING_ENGAGED, BELONGING_ACTIVITY = 0.2, 0.25, 0.25, 0.15, 0.15


def overall_satisfaction(h: Households, procedural_weight: float) -> np.ndarray:
    """Living and process satisfaction, process weighted by trust in government."""
    weight = procedural_weight * h.trust_government
    return (1 - weight) * h.satisfaction_living + weight * h.satisfaction_process


def satisfaction(model: LilongModel) -> None:
    h, b = model.households, model.params.behaviour
    h.expectation += b.expectation_adapt_rate * (h.delivered - h.expectation)
    living = (h.baseline_living + b.delivery_weight * h.delivered
              + b.disconfirmation_weight * (h.delivered - h.expectation)
              - b.disruption_penalty * h.disruption)
    h.satisfaction_living += b.satisfaction_rate * (np.clip(living, 0, 1) - h.satisfaction_living)
    process = (b.process_base + b.process_heard * (h.voice_recent > HEARD_LEVEL)
               + b.process_answered * h.answered_recent - b.process_ignored * h.ignored_recent)
    h.satisfaction_process += b.satisfaction_rate * (np.clip(process, 0, 1) - h.satisfaction_process)
    h.satisfaction_overall = overall_satisfaction(h, b.procedural_weight)

    belonging = (BELONGING_BASE + BELONGING_TIES * np.minimum(1.0, h.meeting_ties / TIES_FOR_FULL_BELONGING)
                 + BELONGING_USE * np.minimum(1.0, h.use) + BELONGING_ENGAGED * (h.rung >= Rung.CONSULTED)
                 + BELONGING_ACTIVITY * h.in_activity)
    h.belonging += b.belonging_rate * (belonging - h.belonging)
