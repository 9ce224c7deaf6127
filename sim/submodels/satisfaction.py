"""Submodel 6, satisfaction: expectation-disconfirmation plus procedural satisfaction.

Living satisfaction follows what is delivered *relative to what was expected*
(Van Ryzin 2004): proposed projects raise the expectations of those who hear of
them, and expectations drift slowly toward what is delivered. Process satisfaction
follows being heard and answered. Overall satisfaction weighs process by trust in
government (Tyler; Wu & Wu 2015): voice softens a poor outcome only where trust is high.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import Households, Rung
from sim.projects import Status
from sim.submodels.common import max_by_household
from sim.submodels.voice import HEARD_LEVEL

if TYPE_CHECKING:
    from sim.model import LilongModel

PROCESS_BASE = 0.3  # process satisfaction of someone never heard nor answered
PROCESS_HEARD = 0.2  # added for being heard recently
PROCESS_ANSWERED = 0.35  # added for a recent answer
PROCESS_IGNORED = 0.35  # removed for being recently ignored
BELONGING_RATE = 0.02  # share of the gap closed per week
TIES_FOR_FULL_BELONGING = 10  # ties formed in shared spaces that max out that component


def promised_value(model: LilongModel) -> np.ndarray:
    """Largest value a project in the pipeline near each household promises it."""
    h, pb, c = model.households, model.projects, model.catchment
    pipeline = (pb.status >= Status.PROPOSED) & (pb.status <= Status.UNDER_CONSTRUCTION)
    links = np.flatnonzero(pipeline[c.site])
    hh, site = c.household[links], c.site[links]
    return max_by_household(hh, c.weight[links] * h.need[hh, pb.type[site]], h.n)


def overall_satisfaction(h: Households, procedural_weight: float) -> np.ndarray:
    """Living and process satisfaction, process weighted by trust in government."""
    weight = procedural_weight * h.trust_government
    return (1 - weight) * h.satisfaction_living + weight * h.satisfaction_process


def satisfaction(model: LilongModel) -> None:
    h, b = model.households, model.params.behaviour
    informed = h.rung >= Rung.INFORMED
    promise = promised_value(model)
    rise = informed & (promise > h.expectation)
    h.expectation[rise] += b.promise_rate * (promise[rise] - h.expectation[rise])
    h.expectation += b.expectation_adapt_rate * (h.delivered - h.expectation)

    living = (h.baseline_living + b.delivery_weight * h.delivered
              + b.disconfirmation_weight * (h.delivered - h.expectation)
              - b.disruption_penalty * h.disruption)
    h.satisfaction_living += b.satisfaction_rate * (np.clip(living, 0, 1) - h.satisfaction_living)
    process = (PROCESS_BASE + PROCESS_HEARD * (h.voice_recent > HEARD_LEVEL)
               + PROCESS_ANSWERED * h.answered_recent - PROCESS_IGNORED * h.ignored_recent)
    h.satisfaction_process += b.satisfaction_rate * (np.clip(process, 0, 1) - h.satisfaction_process)
    h.satisfaction_overall = overall_satisfaction(h, b.procedural_weight)

    belonging = (0.2 + 0.3 * np.minimum(1.0, h.meeting_ties / TIES_FOR_FULL_BELONGING)
                 + 0.3 * np.minimum(1.0, h.use) + 0.2 * (h.rung >= Rung.CONSULTED))
    h.belonging += BELONGING_RATE * (belonging - h.belonging)
