"""Compiled inner loops (numba) where numpy's many passes over every household cost most.

Each kernel does what a few lines of numpy would, in one pass, with the same arithmetic in
the same order where the result feeds the dynamics (so the numbers do not change); the sums
for the weekly reporter add in a different order (rounding only). Kernels used by a single
mechanism sit in its submodule. All compile on first use and are cached on disk
(``__pycache__``); a process still pays about 0.2 s of numba start-up at its first model
build, whose first computations call several kernels.
"""

from __future__ import annotations

import numba
import numpy as np

LANES = 4  # interleaved accumulators: neighbouring households do not wait on each other's addition


@numba.njit(cache=True, nogil=True)
def deepest_recent(last_at_rung, first_informed, first_deeper):  # noqa: ANN001, ANN201 (numba infers types)
    """Per household (a column of ``last_at_rung``, rungs x households): the deepest rung whose last
    act is in or after week ``first_informed[i]`` (rung 1, informed) or ``first_deeper[i]`` (rung 2 and
    deeper); 0 if none. int8."""
    deepest = np.zeros(last_at_rung.shape[1], dtype=np.int8)
    for depth in range(1, last_at_rung.shape[0]):  # row by row, deeper rungs overwriting shallower ones
        last, first = last_at_rung[depth], first_informed if depth == 1 else first_deeper
        for i in range(len(last)):
            if last[i] >= first[i]:
                deepest[i] = depth
    return deepest


@numba.njit(cache=True, nogil=True)
def block_sums(values, house, house_x, house_y, width, height):  # noqa: ANN001, ANN201
    """For each entry (a household in house ``house[i]``, at ``house_x, house_y`` on a width x height
    grid, no wrapping): the sum of ``values`` over entries in its own and the 8 adjacent cells.

    The additions run in ``np.bincount``'s order (by entry), then over the 3 x 3 block by dx, dy:
    the same sums, bit for bit, as bincount and nine shifted slices of a zero-padded grid."""
    grid = np.zeros((width + 2, height + 2))
    for i in range(len(values)):
        grid[1 + house_x[house[i]], 1 + house_y[house[i]]] += values[i]
    per_house = np.empty(len(house_x))
    for k in range(len(house_x)):
        total = 0.0
        for dx in range(3):
            for dy in range(3):
                total += grid[house_x[k] + dx, house_y[k] + dy]
        per_house[k] = total
    out = np.empty(len(values))
    for i in range(len(values)):
        out[i] = per_house[house[i]]
    return out


@numba.njit(cache=True, nogil=True)
def link_weighted_mean(hh, site, weight, site_value, household_weight):  # noqa: ANN001, ANN201
    """Per household: the sum over its links (``hh``, ``site``) of ``weight`` x the site's value,
    over ``household_weight`` (0 where that is not positive). Bit for bit ``np.bincount(hh,
    weights=weight * site_value[site])`` divided where the denominator is positive."""
    out = np.zeros(len(household_weight))
    for k in range(len(hh)):
        out[hh[k]] += weight[k] * site_value[site[k]]
    return ratio(out, household_weight)


@numba.njit(cache=True, nogil=True)
def ratio(numerator, denominator):  # noqa: ANN001, ANN201
    """``numerator / denominator`` entry by entry, 0 where the denominator is not positive (a new array)."""
    out = np.zeros(len(numerator))
    for i in range(len(out)):
        if denominator[i] > 0:
            out[i] = numerator[i] / denominator[i]
    return out


@numba.njit(cache=True, nogil=True)
def positive_values(values):  # noqa: ANN001, ANN201
    """The entries of ``values`` above 0, in order (``values[values > 0]`` in one pass)."""
    out = np.empty(len(values))
    k = 0
    for i in range(len(values)):
        if values[i] > 0:
            out[k] = values[i]
            k += 1
    return out[:k].copy()


@numba.njit(cache=True, nogil=True)
def poisson_from_uniform(rate, u):  # noqa: ANN001, ANN201
    """A Poisson(``rate[i]``) number for each entry by inversion of its uniform ``u[i]`` (exact to
    rounding: the smallest k with P(N <= k) > u; at most 100)."""
    out = np.zeros(len(rate), dtype=np.int32)
    for i in range(len(rate)):
        p = np.exp(-rate[i])
        cdf = p
        k = 0
        while u[i] >= cdf and k < 100:
            k += 1
            p *= rate[i] / k
            cdf += p
        out[i] = k
    return out


@numba.njit(cache=True, nogil=True)
def binomial_from_uniform(trials, p, u):  # noqa: ANN001, ANN201
    """A Binomial(``trials[i]``, ``p[i]``) number for each entry by inversion of its uniform ``u[i]``."""
    out = np.zeros(len(trials), dtype=np.int32)
    for i in range(len(trials)):
        n, q = trials[i], p[i]
        if n <= 0 or q <= 0.0:
            continue
        if q >= 1.0:
            out[i] = n
            continue
        prob = (1.0 - q) ** n
        cdf = prob
        k = 0
        while u[i] >= cdf and k < n:
            prob *= (n - k) / (k + 1) * q / (1.0 - q)
            k += 1
            cdf += prob
        out[i] = k
    return out


@numba.njit(cache=True, nogil=True)
def select(values, k):  # noqa: ANN001, ANN201
    """The ``k``-th smallest of ``values`` (0-based), rearranging ``values`` in place so that no entry
    before position k is larger and none after it smaller (Hoare's selection, median-of-three pivots).
    numba's ``np.partition`` was several times slower on the few hundred entries of a neighbourhood."""
    lo, hi = 0, len(values) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        x, y, z = values[lo], values[mid], values[hi]
        pivot = max(min(x, y), min(max(x, y), z))  # the median of the three
        i, j = lo, hi
        while i <= j:
            while values[i] < pivot:
                i += 1
            while values[j] > pivot:
                j -= 1
            if i <= j:
                values[i], values[j] = values[j], values[i]
                i += 1
                j -= 1
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            break
    return values[k]
