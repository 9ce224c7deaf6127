"""What the calibration simulates: the targets' statistics for one parameter set and one seed."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.analysis import final_year
from sim.calibration.targets import Setting, Target
from sim.runner import run


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
        year = final_year(steps, tuple(dict.fromkeys(t.statistic for t in mine))).iloc[0]
        out.update({t.name: float(year[t.statistic]) for t in mine})
    return out


class Simulator:
    """The model as pyabc sees it: parameters in, the fitted targets' statistics out.

    pyabc names parameters without dots (``behaviour__base_logit``); the seed of each run is
    drawn from numpy's global generator, which the sampler seeds per particle, so a particle's
    simulation is reproducible.
    """

    def __init__(self, keys: tuple[str, ...], targets: tuple[Target, ...],
                 settings: dict[Setting, Setting] | None = None) -> None:
        self.keys, self.targets, self.settings = keys, targets, settings

    def __call__(self, parameters: Mapping[str, float]) -> dict[str, float]:
        seed = int(np.random.randint(0, 2**31 - 1))
        values = {key: float(parameters[abc_name(key)]) for key in self.keys}
        return statistics(values, self.targets, seed, self.settings)


def abc_name(key: str) -> str:
    """``section.key`` -> a name pyabc stores safely (``section__key``)."""
    return key.replace(".", "__")
