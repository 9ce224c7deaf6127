"""The weekly reporter's per-household sums, by age group and tenure, from sums within cells.

The reporter needs about a dozen household quantities summed over everyone and within each of
five groups every week. As numpy that was a cast, a stack and a matrix product with a membership
matrix (about a sixth of a simulated week at 20,000 households). Here each quantity is summed
within the six cells of age group x tenure by a compiled kernel (``sim.kernels``, float64), and
the groups are sums of cells.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import cell_counts, cell_sums
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
    n_cells = k * N_CELLS
    ladder = cell_counts(rung, cell, N_RUNGS, n_cells)
    acts = np.array([cell_sums(acts_week[depth], cell, lane, n_cells) for depth in range(first_act_depth, N_RUNGS)])
    value_sums = np.array([cell_sums(v, cell, lane, n_cells) for v in values])
    return _groups(ladder), _groups(acts), _groups(value_sums)
