"""What the calibration simulates: the targets' statistics for one parameter set and one seed."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyabc

from sim.analysis import final_year
from sim.calibration.targets import Setting, Target
from sim.execution.runs import run

RUNS = {"done": 0}  # model runs in this process (the sampler reports what a calibration cost)


def statistics(values: Mapping[str, float], targets: tuple[Target, ...], seed: int,
               settings: dict[Setting, Setting] | None = None) -> dict[str, float]:
    """Each target's statistic over the final year of its setting's run, with ``values`` applied.

    Targets that share a setting share one run; every setting runs on the same seed.
    ``settings`` maps a target's setting to the one to run (a shorter horizon in quick runs).
    """
    out: dict[str, float] = {}
    for setting in dict.fromkeys(t.setting for t in targets):
        mine = [t for t in targets if t.setting == setting]
        as_run = (settings or {}).get(setting, setting)
        steps, _ = run(as_run.params(dict(values)), seed)
        RUNS["done"] += 1
        year = final_year(steps, tuple(dict.fromkeys(t.statistic for t in mine))).iloc[0]
        out.update({t.name: float(year[t.statistic]) for t in mine})
    return out


def scaled_distance(stats: Mapping[str, float], targets: tuple[Target, ...], norm: str) -> float:
    """The targets' errors in units of their uncertainty, combined by the norm (as pyabc's PNormDistance)."""
    errors = np.array([abs(stats[t.name] - t.value) / t.uncertainty for t in targets if t.name in stats])
    return float(errors.max() if norm == "max" else np.sqrt(np.sum(errors ** 2)))


class Simulator(pyabc.model.IntegratedModel):
    """The model as pyabc sees it: parameters in; statistics, distance and acceptance out.

    Settings run cheapest first, and a particle is rejected as soon as the targets simulated so far
    are already farther than the threshold (the rest could only add to the distance), so rejected
    particles often cost one run instead of two; the accepted ones, and so the posterior, are the same.
    pyabc names parameters without dots (``behaviour__base_logit``); each particle's seed is drawn
    from numpy's global generator, which the sampler seeds per particle.
    """

    def __init__(self, keys: tuple[str, ...], targets: tuple[Target, ...], settings: dict[Setting, Setting],
                 norm: str) -> None:
        super().__init__(name="lilong")
        self.keys, self.targets, self.settings, self.norm = keys, targets, settings, norm
        self.order = sorted(dict.fromkeys(t.setting for t in targets), key=lambda s: settings[s].base_weeks)

    def integrated_simulate(self, pars: Mapping[str, float], eps: float) -> pyabc.model.ModelResult:
        seed = int(np.random.randint(0, 2**31 - 1))
        values = {key: float(pars[abc_name(key)]) for key in self.keys}
        stats: dict[str, float] = {}
        for setting in self.order:
            stats.update(statistics(values, tuple(t for t in self.targets if t.setting == setting), seed,
                                    self.settings))
            distance = scaled_distance(stats, self.targets, self.norm)
            if not distance <= eps:  # also rejects a statistic the run could not produce (NaN)
                return pyabc.model.ModelResult(sum_stat=stats, distance=distance, accepted=False)
        return pyabc.model.ModelResult(sum_stat=stats, distance=distance, accepted=True)


def abc_name(key: str) -> str:
    """``section.key`` -> a name pyabc stores safely (``section__key``)."""
    return key.replace(".", "__")
