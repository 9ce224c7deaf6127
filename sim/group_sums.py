"""The weekly reporter's per-household sums, by age group and tenure, from sums within cells.

The reporter needs about a dozen household quantities summed over everyone and within each of
five groups every week. As numpy that was a cast, a stack and a matrix product with a membership
matrix (about a sixth of a simulated week at 20,000 households). Here each quantity is summed
within the six cells of age group x tenure by a compiled kernel (``sim.kernels``, float64), and
the groups are sums of cells.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.kernels import LANES
from sim.population import AGE_NAMES, N_RUNGS, TENURE_NAMES

N_CELLS = len(AGE_NAMES) * len(TENURE_NAMES)  # cell = 2 x age group + renter


def household_cells(age_group: np.ndarray, renter: np.ndarray) -> np.ndarray:
    """Each household's cell of age group x tenure (int8, 2 x age group + renter)."""
    return (2 * age_group + renter).astype(np.int8)


def _groups(cells: np.ndarray) -> np.ndarray:
    """(..., K * N_CELLS) sums within cells -> (..., K, 6) sums over everyone, then young, working, retired,
    long-term, renter (metrics.GROUPS order), each added in a fixed order."""
    c = cells.reshape(*cells.shape[:-1], -1, N_CELLS)
    young, working, retired = c[..., 0] + c[..., 1], c[..., 2] + c[..., 3], c[..., 4] + c[..., 5]
    long_term, renter = c[..., 0] + c[..., 2] + c[..., 4], c[..., 1] + c[..., 3] + c[..., 5]
    everyone = young + working + retired
    return np.stack([everyone, young, working, retired, long_term, renter], axis=-1)


def group_sums(rung: np.ndarray, acts_week: np.ndarray, first_act_depth: int, values: tuple[np.ndarray, ...],
               cell: np.ndarray, lane: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per neighbourhood, sums over everyone and within each group (last axis: everyone, young, working,
    retired, long-term, renter) of:

    - ``ladder`` (N_RUNGS, K, 6): households whose ``rung`` is each rung;
    - ``acts`` (N_RUNGS - first_act_depth, K, 6): acts this week (``acts_week``, rungs x households)
      at each depth from ``first_act_depth`` on;
    - ``value_sums`` (len(values), K, 6): each of ``values`` (float64 per-household arrays).

    ``cell`` is each household's neighbourhood x :func:`household_cells` (N_CELLS x neighbourhood + cell),
    ``lane`` its position within its neighbourhood.
    """
    ladder, acts, value_sums = _cell_sums(rung, acts_week, first_act_depth, values, cell, lane, k * N_CELLS)
    return _groups(ladder), _groups(acts), _groups(value_sums)


@numba.njit(cache=True, nogil=True)
def _cell_sums(rung: np.ndarray, acts_week: np.ndarray, first_act_depth: int, values: tuple[np.ndarray, ...],
               cell: np.ndarray, lane: np.ndarray, n_cells: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Within each cell, in one pass over households: households at each rung, and sums of the acts at each
    depth from ``first_act_depth`` on and of each of ``values``, in float64 over LANES accumulators chosen by
    ``lane`` (a household's position within its neighbourhood, so a neighbourhood's sums do not depend on
    what comes before it), added lane by lane at the end."""
    depths, n_values = acts_week.shape[0] - first_act_depth, len(values)
    ladder = np.zeros((N_RUNGS, n_cells))
    acc = np.zeros((LANES, n_cells, depths + n_values))
    for i in range(len(rung)):
        c = cell[i]
        ladder[rung[i], c] += 1.0
        row = acc[lane[i] % LANES, c]
        for d in range(depths):
            row[d] += acts_week[first_act_depth + d, i]
        for v in range(n_values):
            row[depths + v] += values[v][i]
    sums = np.zeros((depths + n_values, n_cells))
    for q in range(LANES):
        for c in range(n_cells):
            for j in range(depths + n_values):
                sums[j, c] += acc[q, c, j]
    return ladder, sums[:depths], sums[depths:]
