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

import numba
import numpy as np

from sim.kernels import link_weighted_mean, ratio
from sim.projects import Status
from sim.submodels.upkeep import USE_THRESHOLD

if TYPE_CHECKING:
    from sim.model import LilongModel


def gatherings(model: LilongModel) -> None:
    """Who takes part in this week's self-organised activities."""
    h, pb = model.households, model.projects
    hh, site, use = model.link_cache
    core = h.volunteer | h.leader
    use_of_organised, seen = _organised_views(hh, site, use, core, h.in_activity, pb.status == Status.IN_USE,
                                              pb.users, h.n)
    users = np.flatnonzero(use_of_organised > USE_THRESHOLD)  # a minority: decide for them only
    draw = model.streams.uniform_over("gatherings", model.hseg)  # one number per household, user or not
    willing = (seen[users] >= h.threshold[users]) & (draw[users] < 0.3 + 0.7 * h.time_available[users])
    h.in_activity = np.zeros(h.n, dtype=bool)
    h.in_activity[users] = willing | core[users]


@numba.njit(cache=True, nogil=True)
def _organised_views(hh: np.ndarray, site: np.ndarray, use: np.ndarray, core: np.ndarray, in_activity: np.ndarray,
                     in_use: np.ndarray, site_users: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Over the links ``hh``, ``site``, ``use`` to spaces: per household, its use of organised spaces (in use,
    with core use there), and the share of those spaces' use by last week's participants as it sees them
    (use-weighted). One pass where numpy made five; the same additions in the same order as the bincounts."""
    n_sites = len(in_use)
    core_use, took_part = np.zeros(n_sites), np.zeros(n_sites)
    for k in range(len(hh)):
        core_use[site[k]] += use[k] * (1.0 if core[hh[k]] else 0.0)
        took_part[site[k]] += use[k] * (1.0 if in_activity[hh[k]] else 0.0)
    share = ratio(took_part, site_users)
    organised_use = np.empty(len(hh))
    use_of_organised = np.zeros(n)
    for k in range(len(hh)):
        organised_use[k] = use[k] * (1.0 if core_use[site[k]] > 0 and in_use[site[k]] else 0.0)
        use_of_organised[hh[k]] += organised_use[k]
    return use_of_organised, link_weighted_mean(hh, site, organised_use, share, use_of_organised)
