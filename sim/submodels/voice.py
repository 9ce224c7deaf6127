"""Submodel 2, voice and its aggregation into what officials and the planner hear.

Voice given this week (weighted by depth: a complaint 1, a workshop 3, a platform
meeting 4) accumulates in ``voice_recent``, which fades with a half-life of about
eight months. Whose needs are heard is the catchment-weighted sum of needs, each
household counted by its recent voice: those who speak more are over-represented.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import NEVER
from sim.submodels.common import to_sites

if TYPE_CHECKING:
    from sim.model import LilongModel

VOICE_RETENTION = 0.98  # per week; half-life ~ 34 weeks
HEARD_LEVEL = 0.5  # recent voice above this counts as "heard"


def aggregate_voice(model: LilongModel) -> None:
    """Fold this week's voice into recent voice; start waiting for a response."""
    h = model.households
    h.voice_recent *= VOICE_RETENTION
    h.voice_recent += h.voice
    starts = (h.voice > 0) & (h.awaiting_since == NEVER)
    h.awaiting_since[starts] = model.week


def heard_demand(model: LilongModel) -> np.ndarray:
    """(sites, types): needs voiced recently by each site's catchment, weighted by voice."""
    h, c = model.households, model.catchment
    weight = c.weight * h.voice_recent[c.household]
    n_sites = model.lilong.n_sites
    return np.stack([np.bincount(c.site, weights=weight * h.need[c.household, k], minlength=n_sites)
                     for k in range(h.need.shape[1])], axis=1)


def heard_share(model: LilongModel) -> np.ndarray:
    """Per site: catchment-weighted share of households whose voice was heard recently."""
    heard = (model.households.voice_recent > HEARD_LEVEL).astype(float)
    return to_sites(model.catchment, heard, model.lilong.n_sites) / model.site_reach
