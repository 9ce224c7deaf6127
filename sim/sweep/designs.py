"""Experimental designs: full grid, Latin hypercube, Sobol (Saltelli) and Morris samples.

``design_points`` returns the points as dicts of parameter overrides, in a fixed order,
and the numeric design matrix that the sensitivity analyses need.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
from scipy.stats import qmc

from sim.sweep.experiment import Experiment, Factor


def problem(factors: tuple[Factor, ...]) -> dict:
    """SALib's problem description for sampled factors."""
    return {"num_vars": len(factors), "names": [f.key for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def _as_points(factors: tuple[Factor, ...], matrix: np.ndarray) -> list[dict]:
    points = []
    for row in matrix:
        point = {}
        for f, x in zip(factors, row, strict=True):
            point[f.key] = int(round(x)) if f.integer else float(x)
        points.append(point)
    return points


def design_points(exp: Experiment) -> tuple[list[dict], np.ndarray | None]:
    """(points, design matrix or None for a grid)."""
    factors = exp.factors
    if exp.design == "grid":
        combos = itertools.product(*(f.values for f in factors)) if factors else [()]
        return [dict(zip((f.key for f in factors), combo, strict=True)) for combo in combos], None
    if exp.design == "lhs":
        unit = qmc.LatinHypercube(d=len(factors), seed=np.random.default_rng(exp.master_seed)).random(exp.samples)
        lows = np.array([f.low for f in factors])
        highs = np.array([f.high for f in factors])
        matrix = qmc.scale(unit, lows, highs)
    elif exp.design == "sobol":
        from SALib.sample import sobol

        with warnings.catch_warnings():  # SALib warns when samples is not a power of two
            warnings.simplefilter("ignore")
            matrix = sobol.sample(problem(factors), exp.samples, calc_second_order=False, seed=exp.master_seed)
    else:
        from SALib.sample import morris

        matrix = morris.sample(problem(factors), exp.samples, num_levels=exp.levels, seed=exp.master_seed)
    return _as_points(factors, matrix), matrix
