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

import numba
import numpy as np

from sim.population import Households, Rung
from sim.submodels.voice import HEARD_LEVEL

if TYPE_CHECKING:
    from sim.model import LilongModel

TIES_FOR_FULL_BELONGING = 10  # ties formed in shared spaces that max out that component
# Belonging target: a base plus ties, use of shared spaces, taking part, and shared activities.
BELONGING_BASE, BELONGING_TIES, BELONGING_USE, BELONGING_ENGAGED, BELONGING_ACTIVITY = 0.2, 0.25, 0.25, 0.15, 0.15


def overall_satisfaction(h: Households, procedural_weight: np.ndarray) -> np.ndarray:
    """Living and process satisfaction, process weighted by trust in government (``procedural_weight``: per
    household)."""
    return _overall(h.satisfaction_living, h.satisfaction_process, h.trust_government, procedural_weight)


@numba.njit(cache=True, nogil=True)
def _overall(living: float | np.ndarray, process: float | np.ndarray, trust: float | np.ndarray,
             procedural_weight: float | np.ndarray) -> float | np.ndarray:
    weight = procedural_weight * trust
    return (1 - weight) * living + weight * process


def satisfaction(model: LilongModel) -> None:
    """This week's expectation, living, process and overall satisfaction, and belonging (in place)."""
    h, b = model.households, model.per_household.behaviour.dense
    _update(h.expectation, h.satisfaction_living, h.satisfaction_process, h.satisfaction_overall, h.belonging,
            h.delivered, h.baseline_living, h.disruption, h.voice_recent, h.answered_recent, h.ignored_recent,
            h.trust_government, h.meeting_ties, h.use, h.rung, h.in_activity,
            b.expectation_adapt_rate, b.delivery_weight, b.disconfirmation_weight, b.disruption_penalty,
            b.satisfaction_rate, b.process_base, b.process_heard, b.process_answered, b.process_ignored,
            b.procedural_weight, b.belonging_rate, HEARD_LEVEL, int(Rung.CONSULTED))


@numba.njit(cache=True, nogil=True)
def _update(expectation: np.ndarray, living: np.ndarray, process: np.ndarray, overall: np.ndarray,
            belonging: np.ndarray, delivered: np.ndarray, baseline: np.ndarray, disruption: np.ndarray,
            voice_recent: np.ndarray, answered: np.ndarray, ignored: np.ndarray, trust: np.ndarray,
            ties: np.ndarray, use: np.ndarray, rung: np.ndarray, in_activity: np.ndarray, adapt: np.ndarray,
            delivery_w: np.ndarray, disconfirmation_w: np.ndarray, disruption_penalty: np.ndarray,
            rate: np.ndarray, process_base: np.ndarray, heard_w: np.ndarray, answered_w: np.ndarray,
            ignored_w: np.ndarray, procedural_weight: np.ndarray, belonging_rate: np.ndarray, heard_level: float,
            consulted: int) -> None:
    # One pass over households, each with its neighbourhood's parameters. Constants from other modules
    # come in as arguments: numba's on-disk cache would not see a change to them.
    for i in range(len(expectation)):
        expectation[i] += adapt[i] * (delivered[i] - expectation[i])
        target = (baseline[i] + delivery_w[i] * delivered[i] + disconfirmation_w[i] * (delivered[i] - expectation[i])
                  - disruption_penalty[i] * disruption[i])
        living[i] += rate[i] * (min(max(target, 0.0), 1.0) - living[i])
        target = (process_base[i] + heard_w[i] * (1.0 if voice_recent[i] > heard_level else 0.0)
                  + answered_w[i] * answered[i] - ignored_w[i] * ignored[i])
        process[i] += rate[i] * (min(max(target, 0.0), 1.0) - process[i])
        overall[i] = _overall(living[i], process[i], trust[i], procedural_weight[i])
        target = (BELONGING_BASE + BELONGING_TIES * min(1.0, ties[i] / TIES_FOR_FULL_BELONGING)
                  + BELONGING_USE * min(1.0, use[i])
                  + BELONGING_ENGAGED * (1.0 if rung[i] >= consulted else 0.0)
                  + BELONGING_ACTIVITY * (1.0 if in_activity[i] else 0.0))
        belonging[i] += belonging_rate[i] * (target - belonging[i])
