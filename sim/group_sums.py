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


def _cells_to_groups() -> np.ndarray:
    """(cells, 6): which columns (everyone, then young, working, retired, long-term, renter, in
    metrics.GROUPS order) each cell of age group x tenure counts in."""
    matrix = np.zeros((N_CELLS, 1 + len(AGE_NAMES) + len(TENURE_NAMES)))
    for age in range(len(AGE_NAMES)):
        for renter in range(len(TENURE_NAMES)):
            matrix[2 * age + renter, [0, 1 + age, 1 + len(AGE_NAMES) + renter]] = 1.0
    return matrix


CELLS_TO_GROUPS = _cells_to_groups()


def group_sums(rung: np.ndarray, acts_week: np.ndarray, first_act_depth: int, values: tuple[np.ndarray, ...],
               cell: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sums over everyone and within each group (columns: everyone, young, working, retired,
    long-term, renter) of:

    - ``ladder`` (N_RUNGS, 6): households whose ``rung`` is each rung;
    - ``acts`` (N_RUNGS - first_act_depth, 6): acts this week (``acts_week``, rungs x households)
      at each depth from ``first_act_depth`` on;
    - ``value_sums`` (len(values), 6): each of ``values`` (float64 per-household arrays).

    ``cell`` is each household's :func:`household_cells`.
    """
    ladder = cell_counts(rung, cell, N_RUNGS, N_CELLS)
    acts = np.array([cell_sums(acts_week[depth], cell, N_CELLS) for depth in range(first_act_depth, N_RUNGS)])
    value_sums = np.array([cell_sums(v, cell, N_CELLS) for v in values])
    return ladder @ CELLS_TO_GROUPS, acts @ CELLS_TO_GROUPS, value_sums @ CELLS_TO_GROUPS
