"""Small vectorised helpers shared by the submodels."""

from __future__ import annotations

import numpy as np

from sim.space import Catchment


def uniform(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` uniform draws in [0, 1) as float32: the weekly draws, half the cost of float64."""
    return rng.random(n, dtype=np.float32)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return sigmoid_of_minus(-z)


def sigmoid_of_minus(minus_z: np.ndarray) -> np.ndarray:
    """``sigmoid(z)`` from ``-z`` (for compiled passes that produce ``-z`` directly)."""
    return 1.0 / (1.0 + np.exp(minus_z))


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


def to_sites(c: Catchment, household_values: np.ndarray) -> np.ndarray:
    """Catchment-weighted sum over each site's households (of each column, if 2-D)."""
    return c.matrix @ household_values


def positions_of(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Positions in ``sorted_keys`` of every entry equal to one of ``keys`` (in key order)."""
    starts = np.searchsorted(sorted_keys, keys, side="left")
    ends = np.searchsorted(sorted_keys, keys, side="right")
    lengths = ends - starts
    offsets = np.repeat(ends - lengths.cumsum(), lengths)
    return offsets + np.arange(lengths.sum())


def links_of(c: Catchment, households: np.ndarray) -> np.ndarray:
    """Positions of the catchment links of ``households`` (links are sorted by household)."""
    return positions_of(c.household, households)


def max_by_household(household: np.ndarray, values: np.ndarray, n_households: int) -> np.ndarray:
    """Largest value per household over links sorted by household (0 where a household has none)."""
    out = np.zeros(n_households)
    if len(household):
        starts = np.flatnonzero(np.r_[True, household[1:] != household[:-1]])
        out[household[starts]] = np.maximum.reduceat(values, starts)
    return out
