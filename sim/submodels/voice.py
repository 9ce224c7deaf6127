"""Submodel 2, voice and its aggregation into what officials and the planner hear.

Voice given this week (weighted by depth: a complaint 1, a workshop 3, a platform
meeting 4) accumulates in ``voice_recent``, which fades with a half-life of about
eight months. Whose needs are heard is the catchment-weighted sum of needs, each
household counted by its recent voice: those who speak more are over-represented.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import NEVER, Households
from sim.submodels.common import to_sites

if TYPE_CHECKING:
    from sim.model import LilongModel

VOICE_RETENTION = 0.98  # per week; half-life ~ 34 weeks
HEARD_LEVEL = 0.5  # recent voice above this counts as "heard"
MIN_UNMET_NEED = 0.1  # voice about a need met this far already awaits no response


def aggregate_voice(model: LilongModel) -> None:
    """Fold this week's voice into recent voice; those who spoke start waiting for a response.

    Voicing a need creates an expectation (Van Ryzin 2004): a share of one's largest unmet need,
    due within the response window (none when that need is already nearly met).
    """
    h, b = model.households, model.params.behaviour
    h.voice_recent *= VOICE_RETENTION
    h.voice_recent += h.voice
    unmet = model.largest_need * (1.0 - h.delivered)
    starts = np.flatnonzero((h.voice > 0) & (h.awaiting_since == NEVER) & (unmet >= MIN_UNMET_NEED))
    h.awaiting_since[starts] = model.week
    promise(h, starts, b.voice_expectation * unmet[starts], model.week + b.response_window_weeks)


def promise(h: Households, who: np.ndarray, value: np.ndarray | float, due: int,
            site: np.ndarray | int = -1) -> None:
    """Households ``who`` (unique indices) now expect ``value`` (one per household of ``who``, or one
    for all) by ``due``, from ``site`` (likewise; -1: any fitting project).

    A household holds one expectation: the larger value, the earlier due week, and the site of its
    latest project-specific expectation if it has one.
    """
    new = h.promised_due[who] == NEVER
    h.promised_base[who] = np.where(new, h.delivered[who], h.promised_base[who])
    # The latest project-specific expectation (an announcement, a workshop) replaces a general one.
    h.promised_site[who] = np.where(np.asarray(site) >= 0, site, h.promised_site[who])
    h.promised_value[who] = np.maximum(h.promised_value[who], value)
    pending = h.promised_due[who] != NEVER
    h.promised_due[who] = np.where(pending, np.minimum(h.promised_due[who], due), due)


def heard_demand(model: LilongModel) -> np.ndarray:
    """(sites, types): needs voiced recently by each site's catchment, weighted by voice."""
    h = model.households
    return to_sites(model.catchment, h.need * h.voice_recent[:, None])


def heard_share(model: LilongModel) -> np.ndarray:
    """Per site: catchment-weighted share of households whose voice was heard recently."""
    heard = (model.households.voice_recent > HEARD_LEVEL).astype(float)
    return to_sites(model.catchment, heard) / model.site_reach
