"""Submodel 5b, self-organised activities in shared spaces: thresholds and critical mass.

Where a space is in use and a core member (a volunteer or leader) uses it, residents run
their own activities there (tea gatherings, rotas, book swaps). A user joins when the share
of the space's users who took part last week reaches their personal threshold (Granovetter
1978), if they have the time. The core always takes part: a small motivated core starts
things (Oliver, Marwell & Teixeira 1985). With thresholds close together nobody follows the
core; with the same mean but a wide spread, low-threshold users join first and can tip the rest.
Taking part builds ties and belonging; it is sociability, not a step on the participation
ladder of renewal, so it does not count as engagement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.projects import Status
from sim.submodels.common import ratio
from sim.submodels.upkeep import USE_THRESHOLD, use_weighted_view

if TYPE_CHECKING:
    from sim.model import LilongModel


def gatherings(model: LilongModel) -> None:
    """Who takes part in this week's self-organised activities."""
    h, pb = model.households, model.projects
    hh, site, use = model.link_cache
    n_sites = model.lilong.n_sites
    core = h.volunteer | h.leader
    organised = np.bincount(site, weights=use * core[hh], minlength=n_sites) > 0
    organised &= pb.status == Status.IN_USE
    took_part = np.bincount(site, weights=use * h.in_activity[hh], minlength=n_sites)
    share = ratio(took_part, pb.users)
    organised_use = use * organised[site]
    use_of_organised = np.bincount(hh, weights=organised_use, minlength=h.n)
    seen = use_weighted_view(hh, site, organised_use, share, use_of_organised)
    users = np.flatnonzero(use_of_organised > USE_THRESHOLD)  # a minority: decide for them only
    draw = model.streams.uniform_over("gatherings", model.hseg)  # one number per household, user or not
    willing = (seen[users] >= h.threshold[users]) & (draw[users] < 0.3 + 0.7 * h.time_available[users])
    h.in_activity = np.zeros(h.n, dtype=bool)
    h.in_activity[users] = willing | core[users]
