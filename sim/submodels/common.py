"""Small vectorised helpers shared by the submodels."""

from __future__ import annotations

import numpy as np

from sim.space import Catchment


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def to_sites(c: Catchment, household_values: np.ndarray, n_sites: int) -> np.ndarray:
    """Catchment-weighted sum over each site's households."""
    return np.bincount(c.site, weights=c.weight * household_values[c.household], minlength=n_sites)


def to_households(c: Catchment, site_values: np.ndarray, n_households: int) -> np.ndarray:
    """Catchment-weighted sum over each household's sites."""
    return np.bincount(c.household, weights=c.weight * site_values[c.site], minlength=n_households)


def max_to_households(c: Catchment, site_values: np.ndarray, n_households: int) -> np.ndarray:
    """Largest catchment-weighted site value for each household."""
    out = np.zeros(n_households)
    np.maximum.at(out, c.household, c.weight * site_values[c.site])
    return out


def pick(mask: np.ndarray, limit: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``mask``; a random subset of ``limit`` of them if there are more."""
    idx = np.flatnonzero(mask)
    if len(idx) > limit:
        idx = np.sort(rng.choice(idx, size=limit, replace=False))
    return idx


def move_toward(x: np.ndarray, target: np.ndarray | float, rate: float | np.ndarray) -> None:
    """In place: x += rate * (target - x)."""
    x += rate * (target - x)
