"""Method check: does the calibration recover parameters it is given?

Each repetition draws "true" parameter values from the prior, runs the model there on a fresh seed,
adds the error the calibration assumes (uniform within the tolerance, in units of each target's
uncertainty) and calibrates to the result as if it were data. Under that error model the ABC
posterior at the tolerance is exact, so over repetitions with truths drawn from the prior, each 90% credible
interval should contain the truth in 90% of repetitions (simulation-based calibration). Coverage
alone is not enough (the prior itself covers 90%), so the widths are reported beside it.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.engine import calibrate
from sim.calibration.report import history, population_frame, weighted_quantile
from sim.calibration.simulate import statistics
from sim.calibration.spec import Calibration

LEVEL = 0.9


def synthetic(cal: Calibration, repetition: int, master_seed: int) -> tuple[Calibration, dict[str, float]]:
    """The calibration with its fitted targets replaced by the model's output at values drawn from the prior
    (plus the assumed error), and those values."""
    rng = np.random.default_rng(np.random.SeedSequence(master_seed, spawn_key=(repetition,)))
    truth = {p.key: float(rng.uniform(p.low, p.high)) for p in cal.priors}
    settings = {t.setting: cal.horizon(t.setting) for t in cal.fit_targets}
    observed = statistics(truth, cal.fit_targets, int(rng.integers(2**31 - 1)), settings)
    fit = [t for t in cal.targets if t.name in cal.fit]
    error = dict(zip((t.name for t in fit), _uniform_error(rng, len(fit), cal.abc.norm) * cal.abc.tolerance,
                     strict=True))
    targets = tuple(dataclasses.replace(t, value=observed[t.name] + error[t.name] * t.uncertainty)
                    if t.name in cal.fit else t for t in cal.targets)
    abc = dataclasses.replace(cal.abc, master_seed=master_seed + 1 + repetition)
    return dataclasses.replace(cal, targets=targets, abc=abc, name=f"{cal.name}-synthetic-{repetition}"), truth


def _uniform_error(rng: np.random.Generator, k: int, norm: str) -> np.ndarray:
    """A point uniform in the unit ball (Euclidean norm) or the unit box (maximum norm) of k dimensions."""
    if norm == "max":
        return rng.uniform(-1, 1, k)
    direction = rng.normal(size=k)
    return direction / np.linalg.norm(direction) * rng.uniform() ** (1 / k)


def recovery(cal: Calibration, repetitions: int, master_seed: int = 0, executor: str = "local",
             workers: int | None = None, folder: Path | None = None, quiet: bool = True) -> pd.DataFrame:
    """One row per repetition and parameter: truth, posterior median, 90% interval, covered, width / prior width."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = folder or Path(tmp)
        for r in range(repetitions):
            syn, truth = synthetic(cal, r, master_seed)
            out = calibrate(syn, root / f"repetition-{r}", executor=executor, workers=workers, quiet=quiet,
                            report=False)
            h = history(out)
            post = population_frame(h, h.max_t, cal.keys)
            eps = float(h.get_all_populations()["epsilon"].iloc[-1])
            w = post["weight"].to_numpy(float)
            for p in cal.priors:
                lo, median, hi = weighted_quantile(post[p.key].to_numpy(float), w,
                                                   [(1 - LEVEL) / 2, 0.5, (1 + LEVEL) / 2])
                rows.append({"repetition": r, "parameter": p.key, "truth": truth[p.key], "median": median,
                             "low": lo, "high": hi, "covered": bool(lo <= truth[p.key] <= hi),
                             "relative_width": (hi - lo) / (p.high - p.low), "final_threshold": eps,
                             "generations": h.n_populations, "particles": int(h.total_nr_simulations)})
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: coverage of the 90% intervals (with a 95% Wilson interval) and their mean relative width."""
    from scipy import stats

    rows = []
    for key, g in table.groupby("parameter", sort=False):
        k, n = int(g["covered"].sum()), len(g)
        ci = stats.binomtest(k, n).proportion_ci(0.95, method="wilson")
        rows.append({"parameter": key, "repetitions": n, "covered": k, "coverage": k / n, "coverage_low": ci.low,
                     "coverage_high": ci.high, "mean_relative_width": g["relative_width"].mean()})
    return pd.DataFrame(rows)
