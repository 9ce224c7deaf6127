"""Projects: one per candidate site, held as arrays indexed by site."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from sim.population import NEVER


class Status(IntEnum):
    IDLE = 0
    PROPOSED = 1  # chosen at a review; in design
    DESIGNED = 2  # design done; waiting for approval and budget
    APPROVED = 3  # funded; contractor mobilising
    UNDER_CONSTRUCTION = 4
    IN_USE = 5


STATUS_NAMES = tuple(s.name.lower() for s in Status)


@dataclass
class ProjectBook:
    """State of the project on each site (``type`` is -1 while the site is idle)."""

    status: np.ndarray
    type: np.ndarray
    since: np.ndarray  # week the current status began
    fit: np.ndarray  # how well the design's details fit its users' needs
    type_match: np.ndarray  # users' mean need for the chosen type / for the best type the site allows
    condition: np.ndarray
    fabric: np.ndarray  # state of protected historic fabric (1 when built or repaired); caps condition
    cost_yuan: np.ndarray
    design_quality: np.ndarray
    heard_share: np.ndarray
    rules: np.ndarray
    voiced: np.ndarray  # chosen on voiced needs rather than the office's own priority
    users: np.ndarray  # expected users this week
    upkeep_hours: np.ndarray  # upkeep given this week
    upkeep_coverage: np.ndarray  # upkeep given / needed this week (capped at 1)

    @classmethod
    def empty(cls, n_sites: int) -> ProjectBook:
        z, no = np.zeros(n_sites), np.zeros(n_sites, dtype=bool)
        return cls(status=np.zeros(n_sites, dtype=np.int8), type=np.full(n_sites, -1, dtype=np.int8),
                   since=np.full(n_sites, NEVER, dtype=np.int32), fit=z.copy(), type_match=z.copy(),
                   condition=z.copy(), fabric=np.ones(n_sites), cost_yuan=z.copy(), design_quality=z.copy(),
                   heard_share=z.copy(),
                   rules=no.copy(), voiced=no.copy(), users=z.copy(), upkeep_hours=z.copy(),
                   upkeep_coverage=z.copy())

    def move(self, sites: np.ndarray, status: Status, week: int) -> None:
        """Advance ``sites`` to ``status`` as of ``week``."""
        self.status[sites] = status
        self.since[sites] = week

    def reached(self, status: Status) -> int:
        """Projects that have reached ``status`` or a later stage."""
        return int(np.count_nonzero(self.status >= status))
